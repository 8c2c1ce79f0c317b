#pragma once

#include <atomic>

#include <caf/actor_system.hpp>

#include "actors/actors.hpp"

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
};

} // namespace concert::http
