#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "config/settings.hpp"
#include "http/edge_server.hpp"
#include "http/rate_limiter.hpp"
#include "http/router.hpp"
#include "support/networks.hpp"
#include "support/metrics.hpp"

namespace concert::http {

/// The address could not be bound; `what()` names the setting.
class bind_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// One HTTP port: cpp-httplib set up as API.md wants it (TCP_NODELAY, 64 KiB
/// bodies, a bounded pool, problem+json for every error) in front of a router.
class listener {
public:
  /// `name` is the role in logs ("public", "admin"); `bearer_token`, when not
  /// empty, is required of every request; `rate_limit_rps` (0 = off) caps
  /// each source address.
  listener(std::string name, router routes, const config::settings& s,
           std::string bearer_token = {}, int64_t rate_limit_rps = 0);
  ~listener();

  /// Binds `host:port` (port 0 picks a free one) and serves on a thread of
  /// its own. Returns the bound port; throws bind_error naming `setting`.
  int start(const std::string& host, int port, const std::string& setting);

  /// Stops accepting, lets in-flight requests finish, and joins.
  void stop();

  /// This port's request counters and latencies.
  const metrics::http_requests& requests() const {
    return requests_;
  }

private:
  /// Checks what the head says before the body is read: the head rules,
  /// the rate limit, the bearer token. True when it answered the request.
  bool screen(const httplib::Request& req, httplib::Response& res);

  std::string name_;
  router routes_;
  std::string bearer_token_;
  rate_limiter limiter_;
  std::vector<network> trusted_proxies_;
  metrics::http_requests requests_;
  edge_server server_;
  socket_t socket_ = INVALID_SOCKET;
  int backlog_ = 0;
  std::thread thread_;
};

} // namespace concert::http
