#include "http/respond.hpp"

#include <caf/deep_to_string.hpp>

#include "actors/errors.hpp"
#include "actors/view_json.hpp"
#include "http/problem.hpp"
#include "support/log.hpp"

namespace concert::http {

void send_json(response& res, int status, const nlohmann::json& body) {
  send_encoded(res, status, json_text(body));
}

void send_encoded(response& res, int status, std::string body) {
  res.status = status;
  res.set_content(std::move(body), "application/json");
}

void send_error(const request& req, response& res, const request_context& context,
                const caf::error& err) {
  auto p = problem_for(err);
  if (auto wait = retry_after_of(err))
    res.set_header("Retry-After", std::to_string(wait));
  if (p.status == 401 && p.code == "USER_KEY_INVALID")
    res.set_header("WWW-Authenticate", "Bearer");
  if (p.status >= 500)
    log::error("request failed", {{"method", req.method},
                                  {"route", context.route},
                                  {"status", p.status},
                                  {"request_id", context.request_id},
                                  {"error", caf::deep_to_string(err)}});
  send_problem(res, p);
}

void send_failure(const request& req, response& res, const request_context& context,
                  std::exception_ptr failure) noexcept {
  try {
    std::string what = "an exception that is not a std::exception";
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    log::error("request failed", {{"method", req.method},
                                  {"route", context.route},
                                  {"request_id", context.request_id},
                                  {"error", what}});
  } catch (...) {
  }
  try {
    res.headers.clear();
    res.set_header("X-Request-Id", context.request_id);
    send_problem(res, problem_for(make_error(ec::internal)));
  } catch (...) {
    // Out of memory even for the problem: a bare 500 still tells the truth.
    res.status = 500;
    res.body.clear();
  }
}

} // namespace concert::http
