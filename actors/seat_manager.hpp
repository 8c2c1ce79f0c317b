#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <queue>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"
#include "actors/observed_actor.hpp"
#include "actors/published.hpp"
#include "actors/view_json.hpp"

namespace concert {

/// Where a reservation stands. `paying` and `cancelling` are HELD to the
/// outside; inside they mean a write is under way and the hold can neither
/// lapse nor be taken by another request meanwhile.
enum class hold_state { held, paying, cancelling, confirmed, expired, cancelled };

struct reservation {
  int64_t id = 0;
  int64_t user_id = 0;
  int32_t seat = 0;
  int64_t price = 0;
  hold_state state = hold_state::held;
  /// Wall-clock expiry shown to clients, in ms since the epoch.
  int64_t expires_at = 0;
  /// The same moment on the actor clock, which tests can advance.
  caf::actor_clock::time_point deadline;
};

/// When a hold lapses, and which.
using lapse_entry = std::pair<caf::actor_clock::time_point, int64_t>;

struct seat_manager_state {
  static inline const char* name = "seat_manager";
  concert_info concert;
  std::chrono::milliseconds hold_duration{0};
  store_actor store;
  catalog_actor catalog;
  /// Shared by the catalog and its seat managers: set by the first seat
  /// manager whose free count changes after the catalog last listed the
  /// dates, which alone tells the catalog (atom::count); the catalog reads
  /// every count from the seat boards when it publishes, and clears it.
  std::shared_ptr<std::atomic<bool>> counts_changed;
  /// The free count the board last showed.
  int32_t published_available = 0;
  /// The reservation occupying each seat (index seat - 1): 0 when free,
  /// `being_written` while its hold is being inserted.
  std::vector<int64_t> occupant;
  /// Live reservations only (HELD, being paid or cancelled, CONFIRMED),
  /// and a lapsed one until its release is written: one that has ended is
  /// let go, and its wallet answers for it from the database.
  std::unordered_map<int64_t, reservation> reservations;
  int32_t available = 0;
  /// Where the edge reads the seats without asking, and what writes them.
  std::shared_ptr<seat_board> board;
  seat_list_writer seats_text;
  /// Every hold's deadline, earliest first, and when the one delayed
  /// message on its way for the earliest arrives (none: none is). One
  /// message a hold would cost CAF's clock thread a wake-up each.
  std::priority_queue<lapse_entry, std::vector<lapse_entry>, std::greater<>> lapses;
  std::optional<caf::actor_clock::time_point> alarm;
  /// A publish message is in the mailbox already.
  bool publish_queued = false;
};

/// Marks a seat whose hold is being written: taken for everyone else.
constexpr int64_t being_written = -1;

seat_manager_actor::behavior_type
seat_manager(observed_pointer<seat_manager_actor, seat_manager_state> self, concert_info concert,
             std::chrono::milliseconds hold_duration, store_actor store, catalog_actor catalog,
             std::shared_ptr<std::atomic<bool>> counts_changed, std::shared_ptr<seat_board> board);

} // namespace concert
