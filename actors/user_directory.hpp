#pragma once

#include <unordered_map>
#include <vector>

#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"
#include "actors/observed_actor.hpp"

namespace concert {

struct user_directory_state {
  static inline const char* name = "user_directory";
  store_actor store;
  catalog_actor catalog;
  queue_actor queue;
  int32_t max_holds = 0;
  std::unordered_map<int64_t, wallet_actor> wallets;
  /// Lookups waiting while a user's wallet is loaded from the database.
  std::unordered_map<int64_t, std::vector<caf::typed_response_promise<wallet_actor>>> loading;
};

user_directory_actor::behavior_type
user_directory(observed_pointer<user_directory_actor, user_directory_state> self, store_actor store,
               catalog_actor catalog, queue_actor queue, int32_t max_holds);

} // namespace concert
