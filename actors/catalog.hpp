#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"
#include "actors/observed_actor.hpp"
#include "actors/published.hpp"
#include "actors/store_handles.hpp"

namespace concert {

struct catalog_entry {
  concert_info concert;
  seat_manager_actor seats;
  /// Where the seat manager publishes the seats.
  std::shared_ptr<seat_board> board;
  /// As the dates list last showed it.
  int32_t available = 0;
  /// This date's entry of the dates list as JSON text, kept so that a
  /// change of one date's count does not encode all the others again;
  /// encoded again at the next publication once the count has changed, so
  /// a date that sells many seats within one is encoded once.
  std::string listed;
};

struct catalog_state {
  static inline const char* name = "catalog";
  /// Each seat manager is handed its date's writer.
  store_handles stores;
  std::chrono::milliseconds hold_duration{0};
  /// The concerts the store has committed, by date (so in date order).
  std::map<std::string, catalog_entry> concerts;
  /// Dates whose creation is being written: taken for everyone else.
  std::set<std::string> being_written;
  /// The dates list and the seat boards, for the edge.
  published_ptr published;
  /// A publish message is in the mailbox already.
  bool publish_queued = false;
  /// Set by a seat manager whose count changed (seat_manager_state).
  std::shared_ptr<std::atomic<bool>> counts_changed = std::make_shared<std::atomic<bool>>(false);
};

catalog_actor::behavior_type catalog(observed_pointer<catalog_actor, catalog_state> self,
                                     store_handles stores, std::chrono::milliseconds hold_duration,
                                     published_ptr published);

} // namespace concert
