#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>

#include "config/settings.hpp"
#include "http/askers.hpp"
#include "http/rate_limiter.hpp"
#include "http/router.hpp"
#include "support/metrics.hpp"
#include "support/networks.hpp"

namespace concert::http {

/// What every connection of one port reads; it outlives them all.
struct edge_shared {
  edge_shared(std::string name, router routes, caf::actor_system& system,
              std::string bearer_token, int64_t rate_limit_rps, const config::settings& s);

  std::string name;
  router routes;
  caf::actor_system& system;
  /// The actors this port's exchanges ask from.
  askers asking;
  std::string bearer_token;
  rate_limiter limiter;
  std::vector<network> trusted_proxies;
  metrics::http_requests requests;
  /// From the first byte of a request to the end of its body.
  std::chrono::milliseconds request_timeout;
  /// Between the requests of a keep-alive connection.
  std::chrono::milliseconds idle_timeout;
  /// For the whole of one answer to reach a client.
  std::chrono::milliseconds write_timeout;
  /// Connections the kernel may hold before they are accepted.
  int backlog;
};

} // namespace concert::http
