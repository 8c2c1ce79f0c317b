#pragma once

#include <cstddef>
#include <memory>
#include <type_traits>

#include <urcu-bp.h>

namespace concert {

/// The latest immutable value one writer published, for any number of
/// readers on any thread (DESIGN.md principle 9: reads from snapshots).
///
/// A read takes no lock and never waits for the writer: RCU (Debian's
/// liburcu, the "bullet-proof" flavour, so no thread has to register) keeps
/// the published holder alive while a reader copies the shared_ptr out of
/// it, and frees a replaced holder only after every reader that could have
/// seen it is done. The reader keeps its copy as long as it likes, so a
/// response body can outlive the next publication.
///
/// One writer per slot: the actor that owns the state.
template <class T>
class snapshot_slot {
public:
  snapshot_slot() = default;
  snapshot_slot(const snapshot_slot&) = delete;
  snapshot_slot& operator=(const snapshot_slot&) = delete;

  ~snapshot_slot() {
    // Nobody reads a slot being destroyed; delete_holder frees it at once.
    if (current_ != nullptr)
      delete_holder(&current_->head);
  }

  /// Replaces the value; readers see it from their next `latest`.
  void publish(std::shared_ptr<const T> value) {
    auto* fresh = new holder{{}, std::move(value)};
    auto* old = static_cast<holder*>(rcu_xchg_pointer(&current_, fresh));
    if (old != nullptr)
      call_rcu(&old->head, delete_holder);
  }

  /// The value last published, or nullptr before the first.
  std::shared_ptr<const T> latest() const {
    rcu_read_lock();
    auto* h = static_cast<holder*>(rcu_dereference(current_));
    std::shared_ptr<const T> value = h != nullptr ? h->value : nullptr;
    rcu_read_unlock();
    return value;
  }

private:
  struct holder {
    rcu_head head; // first, so the callback finds its holder
    std::shared_ptr<const T> value;
  };
  static_assert(std::is_standard_layout_v<holder> && offsetof(holder, head) == 0);

  static void delete_holder(rcu_head* head) {
    delete reinterpret_cast<holder*>(head);
  }

  holder* current_ = nullptr;
};

} // namespace concert
