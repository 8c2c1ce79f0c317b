#pragma once

#include <chrono>

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"
#include "actors/observed_actor.hpp"

namespace concert {

/// A user's wallet and the hash of their key, both loaded on first use.
struct known_user {
  wallet_actor wallet;
  std::string key_hash;
  /// When the wallet was last handed to anyone.
  caf::actor_clock::time_point handed_at;
};

struct user_directory_state {
  static inline const char* name = "user_directory";
  store_actor store;
  catalog_actor catalog;
  queue_actor queue;
  /// Told whenever a wallet is let go.
  memory_trimmer_actor trimmer;
  int32_t max_holds = 0;
  /// How long a wallet stays loaded without requests (zero: for good).
  std::chrono::milliseconds wallet_idle{0};
  std::unordered_map<int64_t, known_user> users;
  /// What waits while a user is loaded from the database: the user, or
  /// the error that loading ended with.
  using waiter = std::function<void(const known_user*, const caf::error&)>;
  std::unordered_map<int64_t, std::vector<waiter>> loading;
};

user_directory_actor::behavior_type
user_directory(observed_pointer<user_directory_actor, user_directory_state> self, store_actor store,
               catalog_actor catalog, queue_actor queue, memory_trimmer_actor trimmer,
               int32_t max_holds, std::chrono::milliseconds wallet_idle);

} // namespace concert
