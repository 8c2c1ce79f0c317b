#include "http/respond.hpp"

#include <caf/deep_to_string.hpp>

#include "http/problem.hpp"
#include "support/log.hpp"

namespace concert::http {

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void send_error(const httplib::Request& req, httplib::Response& res, const caf::error& err) {
  auto p = problem_for(err);
  if (p.status >= 500)
    log::error("request failed", {{"method", req.method},
                                  {"path", req.path},
                                  {"status", p.status},
                                  {"error", caf::deep_to_string(err)}});
  send_problem(res, p);
}

} // namespace concert::http
