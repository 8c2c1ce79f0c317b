#include "actors/memory_trimmer.hpp"

#include <algorithm>

#include <malloc.h>

#include "support/metrics.hpp"

namespace concert {

namespace {

using self_pointer = observed_pointer<memory_trimmer_actor, memory_trimmer_state>;

/// glibc keeps freed memory for reuse and on its own returns only the top
/// of the main heap; malloc_trim returns every whole free page of every
/// arena, wherever it lies.
void trim(self_pointer self) {
  auto started = std::chrono::steady_clock::now();
  malloc_trim(0);
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  self->state.last_trim = self->clock().now();
  self->state.scheduled = false;
  metrics::actors().memory_trim_seconds.observe(took.count());
}

} // namespace

memory_trimmer_actor::behavior_type memory_trimmer(self_pointer self, caf::timespan settle,
                                                   caf::timespan gap) {
  self->state.settle = settle;
  self->state.gap = gap;
  return {
    [=](atom::trim) {
      auto& st = self->state;
      if (st.scheduled)
        return;
      st.scheduled = true;
      auto now = self->clock().now();
      auto at = std::max(now + st.settle, st.last_trim + st.gap);
      self->delayed_send(self, at - now, atom::flush_v);
    },
    [=](atom::flush) { trim(self); },
  };
}

} // namespace concert
