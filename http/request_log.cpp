#include "http/request_log.hpp"

#include <unistd.h>

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

/// A response the library failed to write was never logged, so the next
/// request closes what the last one left open.
void close_after_response(request_context& context) {
  if (context.close_after_response >= 0)
    close(context.close_after_response);
  context.close_after_response = -1;
}

} // namespace

request_context& current_request() {
  thread_local request_context context;
  return context;
}

void begin_request(const httplib::Request& req, httplib::Response& res) {
  auto& context = current_request();
  close_after_response(context);
  context.started = std::chrono::steady_clock::now();
  context.begun = true;
  context.route.clear();
  context.route_index = -1;
  context.client = req.remote_addr;
  auto id = req.get_header_value("X-Request-Id");
  context.request_id = usable_id(id) ? id : random_uuid_v4();
  res.set_header("X-Request-Id", context.request_id);
}

void log_request(const std::string& listener, const httplib::Request& req,
                 const httplib::Response& res, metrics::http_requests& requests) {
  auto& context = current_request();
  if (!context.begun) {
    context.started = std::chrono::steady_clock::now();
    context.route.clear();
    context.route_index = -1;
    context.request_id = random_uuid_v4();
    context.client = req.remote_addr;
  }
  context.begun = false;
  close_after_response(context);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::steady_clock::now() - context.started)
                  .count();
  requests.record(context.route_index, res.status, static_cast<double>(micros) / 1e6);
  log::info("request", {{"listener", listener},
                        {"method", req.method},
                        {"route", context.route.empty() ? "unmatched" : context.route},
                        {"status", res.status},
                        {"latency_ms", static_cast<double>(micros) / 1000.0},
                        {"request_id", context.request_id},
                        {"remote", req.remote_addr},
                        {"client", context.client}});
}

} // namespace concert::http
