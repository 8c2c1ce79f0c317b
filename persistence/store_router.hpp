#pragma once

#include <string>
#include <vector>

#include <caf/actor_system.hpp>

#include "actors/actors.hpp"

namespace concert {

/// The store as the actors see it: one handle in front of several detached
/// stores, each with a connection of its own. Writes are sharded so that
/// every write of one date, and every write of one user, goes through the
/// same writer and so commits in the order it was sent; the queue's writes
/// and key changes (which end a user's token) share one writer. Reads go to a store of their own, so they never cut a
/// group of writes short; a read sees every write acknowledged before it
/// was asked, since a write is acknowledged only once committed.
store_actor spawn_store(caf::actor_system& system, const std::string& database_url,
                        size_t writers);

} // namespace concert
