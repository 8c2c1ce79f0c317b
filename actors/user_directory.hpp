#pragma once

#include <chrono>

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"
#include "actors/observed_actor.hpp"
#include "actors/store_handles.hpp"
#include "support/user_key.hpp"

namespace concert {

/// A user's wallet and the hash of their key, both loaded on first use.
struct known_user {
  wallet_actor wallet;
  /// Nothing for a user who has no key yet.
  std::optional<key_digest> key_hash;
  /// When the wallet was last handed to anyone.
  caf::actor_clock::time_point handed_at;
  /// Whether the wallet has been asked to stop; whoever wants it meanwhile
  /// waits for its answer.
  bool retiring = false;
};

struct user_directory_state {
  static inline const char* name = "user_directory";
  /// Each wallet is handed its user's writer.
  store_handles stores;
  catalog_actor catalog;
  queue_actor queue;
  /// Told when wallets have been let go.
  memory_trimmer_actor trimmer;
  int32_t max_holds = 0;
  /// How long a wallet stays loaded without requests (zero: for good).
  std::chrono::milliseconds wallet_idle{0};
  std::unordered_map<int64_t, known_user> users;
  /// What waits while a user is loaded from the database, or while their
  /// wallet is asked to stop: the user, or the error that loading ended with.
  using waiter = std::function<void(const known_user*, const caf::error&)>;
  std::unordered_map<int64_t, std::vector<waiter>> loading;
  /// Whether a sweep for idle wallets is under way, and the bucket of
  /// `users` it goes on from.
  bool sweeping = false;
  size_t sweep_next = 0;
  /// Wallets asked to stop that have not answered yet.
  int32_t offers = 0;
  /// Wallets let go since the trimmer was last told.
  int32_t let_go = 0;

  /// Wallets are not linked to the directory (a link costs every wallet
  /// memory, and undoing one walks all of the directory's links), so they
  /// end here with it, however it ends.
  ~user_directory_state();
};

user_directory_actor::behavior_type
user_directory(observed_pointer<user_directory_actor, user_directory_state> self, store_handles stores,
               catalog_actor catalog, queue_actor queue, memory_trimmer_actor trimmer,
               int32_t max_holds, std::chrono::milliseconds wallet_idle);

} // namespace concert
