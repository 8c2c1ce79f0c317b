#pragma once

#include <chrono>
#include <string>

#include <httplib.h>

#include "support/metrics.hpp"

namespace concert::http {

/// What the access log needs to know about the request a worker thread is
/// serving. cpp-httplib serves a request on one thread from start to end,
/// so this is thread-local and needs no lock.
struct request_context {
  std::chrono::steady_clock::time_point started;
  /// The matched route's pattern (e.g. /api/reservations/{id}), or the
  /// status's reason when nothing matched, so labels stay few.
  std::string route;
  std::string request_id;
  /// The source address the per-address limits count (http/client_address).
  std::string client;
  /// The index of the route that ran, or -1.
  int route_index = -1;
  /// A descriptor to close once the response is written, or -1: where a
  /// route that took its connection away lets the library's writes go.
  int close_after_response = -1;
  /// False when cpp-httplib refused the request before routing (413, a
  /// broken request line), so nothing above was set for it.
  bool begun = false;
};

/// The context of the request this thread is serving.
request_context& current_request();

/// Starts a request: stamps the time and takes the client's X-Request-Id
/// (up to 64 visible characters) or makes one, echoed on the response.
void begin_request(const httplib::Request& req, httplib::Response& res);

/// Writes the request's log line (method, route, status, latency, id) and
/// counts it in `requests`.
void log_request(const std::string& listener, const httplib::Request& req,
                 const httplib::Response& res, metrics::http_requests& requests);

} // namespace concert::http
