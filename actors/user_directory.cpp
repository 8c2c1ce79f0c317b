#include "actors/user_directory.hpp"

#include "actors/timeouts.hpp"

namespace concert {

user_directory_actor::behavior_type
user_directory(user_directory_actor::stateful_pointer<user_directory_state> self,
               store_actor store) {
  self->state.store = std::move(store);
  return {
    [=](atom::create, const new_user& user) -> caf::result<user_record> {
      // The database assigns the id, so the answer is the store's.
      return self->delegate(self->state.store, atom::create_v, user);
    },
  };
}

} // namespace concert
