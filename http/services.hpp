#pragma once

#include <atomic>

#include <caf/actor_system.hpp>

#include "actors/actors.hpp"
#include "support/metrics.hpp"

namespace concert::http {

/// What the routes talk to.
struct services {
  caf::actor_system& system;
  store_actor store;
  catalog_actor catalog;
  user_directory_actor users;
  queue_actor queue;
  /// Set once every actor has rebuilt its state from the database.
  const std::atomic<bool>& recovered;
  /// The listeners' request counters, for /metrics; filled in once the
  /// listeners exist.
  std::vector<const metrics::http_requests*> http_metrics;
};

} // namespace concert::http
