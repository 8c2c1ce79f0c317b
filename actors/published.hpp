#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "actors/atoms.hpp"
#include "support/snapshot_slot.hpp"

/// What the actors publish so that the edge answers hot reads without a
/// mailbox round trip (DESIGN.md principle 9). Each slot has one writer,
/// the actor owning that state; the edge only reads.
namespace concert {

/// A date's seats, as `GET /api/concerts/{date}/seats` answers them. A
/// seat shows AVAILABLE only once its release is in the database.
struct seat_snapshot {
  int32_t available = 0;
  std::string body;
};
using seat_board = snapshot_slot<seat_snapshot>;

/// Every concert's seat board, by date: changes only when a concert is added.
using concert_index = std::unordered_map<std::string, std::shared_ptr<seat_board>>;

/// What an ACTIVE token stands for, until its expiry.
struct active_token {
  int64_t user_id = 0;
  /// Wall clock, ms since the epoch: the guard refuses it from then on.
  int64_t expires_at = 0;
};

/// The queue's ACTIVE tokens, in shards, so that an admission copies one
/// shard's map rather than all of them. Written by the queue only.
class token_guard {
public:
  /// The token's entry while it is ACTIVE and before its expiry at `now_ms`.
  std::optional<active_token> find(const std::string& token, int64_t now_ms) const;

  /// Adds tokens that became ACTIVE, one publication per shard touched.
  void add(const std::vector<std::pair<std::string, active_token>>& tokens);

  /// Ends a token: the guard refuses it from the next read on, whatever
  /// the clock says.
  void remove(const std::string& token);

  /// How many entries the shards hold, ended ones not yet dropped included.
  size_t entries_for_test() const;

private:
  /// A published entry: shared by every copy of its shard, so that ending
  /// a token is one store to its expiry instead of a copy of the shard,
  /// which every payment did (about 7% of the server's CPU under
  /// purchases, by `perf`). Shards keep admissions cheap: an admission
  /// copies only the shards its tokens fall in.
  struct entry {
    int64_t user_id = 0;
    std::atomic<int64_t> expires_at{0};
  };
  using shard = std::unordered_map<std::string, std::shared_ptr<entry>>;
  static constexpr size_t shard_count = 1024;
  size_t shard_of(const std::string& token) const;
  /// Publishes `index`'s entries that have not ended, plus `added`.
  void republish(size_t index, const std::vector<const std::pair<std::string, active_token>*>& added);
  std::array<snapshot_slot<shard>, shard_count> shards_;
  /// Ended entries each shard still holds; the queue's alone, never read
  /// by the edge. A shard is copied without them once they outnumber the
  /// rest, so they cost at most as much memory as the live ones.
  std::array<size_t, shard_count> ended_{};
};

struct published_state {
  /// `GET /api/concerts/available_dates`, as the catalog last counted.
  snapshot_slot<std::string> dates;
  snapshot_slot<concert_index> concerts;
  token_guard tokens;
};

using published_ptr = std::shared_ptr<published_state>;

/// Sends `self` one `atom::publish`, behind the messages already in its
/// mailbox, unless one is on its way (`queued`; the handler clears it): a
/// burst of changes costs one encoding.
template <class Self>
void publish_soon(Self self, bool& queued) {
  if (queued)
    return;
  queued = true;
  self->send(self, atom::publish_v);
}

/// As publish_soon, but `delay` after the first change: for a snapshot so
/// large that publishing it on every change would cost more than the
/// changes themselves.
template <class Self>
void publish_within(Self self, bool& queued, std::chrono::milliseconds delay) {
  if (queued)
    return;
  queued = true;
  self->delayed_send(self, delay, atom::publish_v);
}

} // namespace concert
