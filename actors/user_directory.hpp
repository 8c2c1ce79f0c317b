#pragma once

#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"

namespace concert {

struct user_directory_state {
  static inline const char* name = "user_directory";
  store_actor store;
};

user_directory_actor::behavior_type
user_directory(user_directory_actor::stateful_pointer<user_directory_state> self,
               store_actor store);

} // namespace concert
