#include "http/idempotency.hpp"

#include <nlohmann/json.hpp>

#include "actors/errors.hpp"

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

} // namespace

caf::expected<idempotency_claim> claim_of(const exchange_ptr& x, const char* scope, int64_t user) {
  const auto& req = x->req();
  if (!req.has_header("Idempotency-Key"))
    return idempotency_claim{scope, user, {}, {}};
  auto key = req.header("Idempotency-Key");
  if (!is_valid_key(key))
    return make_error(ec::invalid_request,
                      "Idempotency-Key: must be 1 to 255 visible ASCII characters");
  // The body has been decoded already, so it parses; its canonical form
  // makes key order and spacing irrelevant.
  auto body = req.body.empty() ? nlohmann::json::object() : nlohmann::json::parse(req.body);
  return idempotency_claim{scope, user, key, body.dump()};
}

bool answered_from_store(const exchange_ptr& x, const idempotency_claim& claim,
                         const stored_answer& stored) {
  if (!stored.found)
    return false;
  if (stored.request != claim.request) {
    x->fail(make_error(ec::idempotency_key_reused,
                       "Idempotency-Key " + claim.key + " was used with another request body"));
    return true;
  }
  auto& res = x->res();
  res.status = stored.status;
  res.set_header("Idempotent-Replayed", "true");
  res.set_content(stored.body,
                  stored.status >= 400 ? "application/problem+json" : "application/json");
  x->finish();
  return true;
}

void replay_or(const exchange_ptr& x, const user_directory_actor& users,
               const idempotency_claim& claim, std::function<void()> otherwise) {
  if (claim.key.empty())
    return otherwise();
  x->ask<stored_answer>(
    users, message(atom::idempotent_v, claim.user_id, claim),
    [x, claim, otherwise](stored_answer& stored) {
      if (!answered_from_store(x, claim, stored))
        otherwise();
    },
    [otherwise](caf::error&) { otherwise(); });
}

} // namespace concert::http
