#pragma once

#include <chrono>

#include <caf/actor_clock.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"
#include "actors/observed_actor.hpp"

namespace concert {

/// How long after the first word of memory let go the trim runs, so that
/// what goes together (a sweep's wallets, which finish on other threads
/// after the directory lets them go) goes back in one trim.
constexpr auto trim_settle = std::chrono::seconds{1};

/// The least time between two trims: each walks and locks glibc's arenas,
/// so other threads' allocations wait meanwhile.
constexpr auto trim_gap = std::chrono::seconds{5};

struct memory_trimmer_state {
  static inline const char* name = "memory_trimmer";
  /// Whether a trim is scheduled.
  bool scheduled = false;
  /// When the last trim ran; none has at the start.
  caf::actor_clock::time_point last_trim = caf::actor_clock::time_point::min();
  caf::timespan settle{};
  caf::timespan gap{};
};

/// Meant to be spawned detached: malloc_trim blocks, and on a scheduler
/// thread it would stall every actor queued behind it. Trims `settle` after
/// it is first told, and at most once per `gap` (trim_settle and trim_gap
/// in the server).
memory_trimmer_actor::behavior_type
memory_trimmer(observed_pointer<memory_trimmer_actor, memory_trimmer_state> self,
               caf::timespan settle, caf::timespan gap);

} // namespace concert
