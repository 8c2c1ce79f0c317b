#pragma once

#include <map>
#include <set>
#include <string>

#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"

namespace concert {

struct catalog_state {
  static inline const char* name = "catalog";
  store_actor store;
  /// The concerts the store has committed, by date.
  std::map<std::string, concert_info> concerts;
  /// Dates whose creation is being written: taken for everyone else.
  std::set<std::string> being_written;
};

catalog_actor::behavior_type catalog(catalog_actor::stateful_pointer<catalog_state> self,
                                     store_actor store);

} // namespace concert
