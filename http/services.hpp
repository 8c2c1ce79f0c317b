#pragma once

#include <atomic>

#include <caf/actor_system.hpp>

#include "actors/actors.hpp"
#include "actors/published.hpp"
#include "http/abuse_limits.hpp"
#include "http/event_streams.hpp"
#include "support/metrics.hpp"

namespace concert::http {

/// What the routes talk to.
struct services {
  caf::actor_system& system;
  catalog_actor catalog;
  user_directory_actor users;
  queue_actor queue;
  event_streams_actor streams;
  /// What the actors publish for reads that ask nobody.
  published_ptr published;
  /// Open event streams before new ones are refused.
  int64_t max_streams;
  /// Set once every actor has rebuilt its state from the database.
  const std::atomic<bool>& recovered;
  /// The listeners' request counters, for /metrics; filled in once the
  /// listeners exist.
  std::vector<const metrics::http_requests*> http_metrics;
  /// Per source address; shared by the edge and the exchanges, sharded inside.
  abuse_limits& limits;
};

} // namespace concert::http
