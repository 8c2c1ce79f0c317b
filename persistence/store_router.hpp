#pragma once

#include <string>
#include <vector>

#include <caf/actor_system.hpp>

#include "actors/store_handles.hpp"

namespace concert {

/// The store as the actors see it: a router in front of several detached
/// stores, each with a connection of its own, and those writers themselves
/// (store_handles). The router sends each write to its writer by the same
/// rule as store_handles::writer_of; the queue's writes and key changes
/// (which end a user's token) share one writer. Reads go to a store of
/// their own, so they never cut a group of writes short; a read sees every
/// write acknowledged before it was asked, since a write is acknowledged
/// only once committed.
store_handles spawn_store(caf::actor_system& system, const std::string& database_url,
                          size_t writers);

} // namespace concert
