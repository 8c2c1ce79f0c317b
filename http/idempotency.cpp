#include "http/idempotency.hpp"

#include "http/problem.hpp"
#include "http/respond.hpp"

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

void replay(httplib::Response& res, const stored_answer& answer) {
  res.status = answer.status;
  res.set_header("Idempotent-Replayed", "true");
  res.set_content(answer.body,
                  answer.status >= 400 ? "application/problem+json" : "application/json");
}

/// Answers from the stored response, or 422 when the body differs.
void answer_from(const httplib::Request& req, httplib::Response& res,
                 const idempotency_claim& claim, const stored_answer& stored) {
  if (stored.request != claim.request)
    return send_error(req, res, make_error(ec::idempotency_key_reused,
                                           "Idempotency-Key " + claim.key
                                             + " was used with another request body"));
  replay(res, stored);
}

} // namespace

idempotency_check check_idempotency(const services& s, const httplib::Request& req,
                                    httplib::Response& res, const char* scope, int64_t user) {
  idempotency_check check;
  if (!req.has_header("Idempotency-Key"))
    return check;
  auto key = req.get_header_value("Idempotency-Key");
  check.answered = true;
  if (!is_valid_key(key)) {
    send_error(req, res, make_error(ec::invalid_request,
                                    "Idempotency-Key: must be 1 to 255 visible ASCII characters"));
    return check;
  }
  // The body has been decoded already, so it parses; its canonical form
  // makes key order and spacing irrelevant.
  auto body = req.body.empty() ? nlohmann::json::object() : nlohmann::json::parse(req.body);
  check.claim = idempotency_claim{scope, user, key, body.dump()};
  auto stored = ask<stored_answer>(s.system, s.store, atom::idempotent_v, std::string{scope},
                                   user, key);
  if (!stored) {
    send_error(req, res, stored.error());
    return check;
  }
  if (stored->found) {
    answer_from(req, res, check.claim, *stored);
    return check;
  }
  check.answered = false;
  return check;
}

void finish_idempotent(const services& s, const httplib::Request& req, httplib::Response& res,
                       const idempotency_claim& claim, int status,
                       const caf::expected<nlohmann::json>& outcome) {
  if (outcome)
    return send_json(res, status, *outcome);
  if (claim.key.empty())
    return send_error(req, res, outcome.error());
  if (outcome.error() == make_error(ec::idempotency_conflict)) {
    auto stored = ask<stored_answer>(s.system, s.store, atom::idempotent_v, claim.scope,
                                     claim.user_id, claim.key);
    if (!stored || !stored->found)
      return send_error(req, res, outcome.error());
    return answer_from(req, res, claim, *stored);
  }
  // A refusal that passes with time (429) or a failure of ours (5xx) is
  // not the request's answer for good: a retry is tried afresh.
  auto p = problem_for(outcome.error());
  if (p.status >= 500 || p.status == 429)
    return send_error(req, res, outcome.error());
  auto stored = ask<stored_answer>(s.system, s.store, atom::idempotent_v, claim,
                                   static_cast<int32_t>(p.status), problem_body(p));
  if (!stored)
    return send_error(req, res, outcome.error());
  answer_from(req, res, claim, *stored);
}

} // namespace concert::http
