#include "http/idempotency.hpp"

#include "http/problem.hpp"

namespace concert::http {

namespace {

constexpr size_t max_key_length = 255;

bool is_valid_key(const std::string& key) {
  if (key.empty() || key.size() > max_key_length)
    return false;
  for (unsigned char c : key)
    if (c < 0x21 || c > 0x7E)
      return false;
  return true;
}

/// Answers from the stored response, or 422 when the body differs.
void answer_from(const exchange_ptr& x, const idempotency_claim& claim,
                 const stored_answer& stored) {
  if (stored.request != claim.request)
    return x->fail(make_error(ec::idempotency_key_reused,
                              "Idempotency-Key " + claim.key + " was used with another request body"));
  auto& res = x->res();
  res.status = stored.status;
  res.set_header("Idempotent-Replayed", "true");
  res.set_content(stored.body,
                  stored.status >= 400 ? "application/problem+json" : "application/json");
  x->finish();
}

/// The claim of the request's Idempotency-Key, or the refusal of a bad key.
caf::expected<idempotency_claim> claim_of(const exchange_ptr& x, const char* scope,
                                          int64_t user) {
  const auto& req = x->req();
  auto key = req.header("Idempotency-Key");
  if (!is_valid_key(key))
    return make_error(ec::invalid_request,
                      "Idempotency-Key: must be 1 to 255 visible ASCII characters");
  // The body has been decoded already, so it parses; its canonical form
  // makes key order and spacing irrelevant.
  auto body = req.body.empty() ? nlohmann::json::object() : nlohmann::json::parse(req.body);
  return idempotency_claim{scope, user, key, body.dump()};
}

/// Answers the outcome of a write under a key.
void finish_claimed(const services& s, const exchange_ptr& x, const idempotency_claim& claim,
                    int status, caf::expected<nlohmann::json> outcome) {
  if (outcome)
    return x->reply(status, *outcome);
  auto err = outcome.error();
  if (err == make_error(ec::idempotency_conflict)) {
    return x->ask<stored_answer>(
      s.store, message(atom::idempotent_v, claim.scope, claim.user_id, claim.key),
      [x, claim, err](stored_answer& stored) {
        if (!stored.found)
          return x->fail(err);
        answer_from(x, claim, stored);
      },
      [x, err](caf::error&) { x->fail(err); });
  }
  // A refusal that passes with time (429) or a failure of ours (5xx) is
  // not the request's answer for good: a retry is tried afresh.
  auto p = problem_for(err);
  if (p.status >= 500 || p.status == 429)
    return x->fail(err);
  x->ask<stored_answer>(
    s.store, message(atom::idempotent_v, claim, static_cast<int32_t>(p.status), problem_body(p)),
    [x, claim](stored_answer& stored) { answer_from(x, claim, stored); },
    [x, err](caf::error&) { x->fail(err); });
}

} // namespace

void idempotent(const services& s, const exchange_ptr& x, const char* scope, int64_t user,
                int status, guarded_write write) {
  if (!x->req().has_header("Idempotency-Key"))
    return write({}, [x, status](caf::expected<nlohmann::json> outcome) {
      if (outcome)
        return x->reply(status, *outcome);
      x->fail(outcome.error());
    });
  auto claim = claim_of(x, scope, user);
  if (!claim)
    return x->fail(claim.error());
  x->ask<stored_answer>(
    s.store, message(atom::idempotent_v, std::string{scope}, user, claim->key),
    [&s, x, claim = *claim, status, write = std::move(write)](stored_answer& stored) {
      if (stored.found)
        return answer_from(x, claim, stored);
      write(claim, [&s, x, claim, status](caf::expected<nlohmann::json> outcome) {
        finish_claimed(s, x, claim, status, std::move(outcome));
      });
    });
}

void replay_stored(const services& s, const exchange_ptr& x, const char* scope, int64_t user,
                   std::function<void()> not_found) {
  auto claim = claim_of(x, scope, user);
  if (!claim)
    return not_found();
  x->ask<stored_answer>(
    s.store, message(atom::idempotent_v, std::string{scope}, user, claim->key),
    [x, claim = *claim, not_found](stored_answer& stored) {
      if (!stored.found || stored.request != claim.request)
        return not_found();
      answer_from(x, claim, stored);
    },
    [not_found](caf::error&) { not_found(); });
}

} // namespace concert::http
