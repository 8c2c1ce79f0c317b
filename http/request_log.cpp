#include "http/request_log.hpp"

#include "support/log.hpp"
#include "support/uuid.hpp"

namespace concert::http {

namespace {

bool usable_id(const std::string& id) {
  if (id.empty() || id.size() > 64)
    return false;
  for (unsigned char c : id)
    if (c < 0x21 || c > 0x7E)
      return false;
  return true;
}

} // namespace

request_context begin_request(const request& req, response& res) {
  request_context context;
  context.client = req.remote_addr;
  auto id = req.header("X-Request-Id");
  context.request_id = usable_id(id) ? id : random_uuid_v4();
  res.set_header("X-Request-Id", context.request_id);
  return context;
}

void log_request(const std::string& listener, const request& req, int status,
                 const request_context& context, metrics::http_requests& requests) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::steady_clock::now() - context.started)
                  .count();
  requests.record(context.route_index, status, static_cast<double>(micros) / 1e6);
  // Field by field, in the order a JSON object of them would dump: the
  // line every request writes builds no JSON document.
  log::line{log::level::info, "request"}
    .text("client", context.client)
    .decimal("latency_ms", static_cast<double>(micros) / 1000.0)
    .text("listener", listener)
    .text("method", req.method)
    .text("remote", req.remote_addr)
    .text("request_id", context.request_id)
    .text("route", context.route.empty() ? "unmatched" : context.route)
    .integer("status", status)
    .write();
}

} // namespace concert::http
