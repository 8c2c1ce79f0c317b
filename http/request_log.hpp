#pragma once

#include <chrono>
#include <string>

#include "http/message.hpp"
#include "support/metrics.hpp"

namespace concert::http {

/// What the access log and the per-address limits need to know about one
/// request; it travels with the request from the connection to the actors
/// and back.
struct request_context {
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  /// The matched route's pattern (e.g. /api/reservations/{id}), or empty
  /// when nothing matched, so labels stay few.
  std::string route;
  std::string request_id;
  /// The source address the per-address limits count (http/client_address).
  std::string client;
  /// The index of the route that ran, or -1.
  int route_index = -1;
};

/// Starts a request: stamps the time and takes the client's X-Request-Id
/// (up to 64 visible characters) or makes one, echoed on the response.
request_context begin_request(const request& req, response& res);

/// Writes the request's log line (method, route, status, latency, id) and
/// counts it in `requests`.
void log_request(const std::string& listener, const request& req, int status,
                 const request_context& context, metrics::http_requests& requests);

} // namespace concert::http
