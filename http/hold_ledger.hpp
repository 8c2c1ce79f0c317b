#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace concert::http {

/// The live holds of each source address, across all its users, so that
/// one client with many throwaway users cannot hoard a show. A hold counts
/// from the moment it is asked for (so concurrent asks cannot overshoot)
/// until it is cancelled, paid, or its time runs out.
///
/// Shared by the edge's threads and actors, sharded like rate_limiter. Kept in
/// memory: a restart forgets it, which frees at most one hold time's worth.
class hold_ledger {
public:
  using clock = std::chrono::system_clock;

  /// `cap` live holds per address; 0 lets everything through.
  explicit hold_ledger(int64_t cap) : cap_(cap) {
  }

  /// Takes a place for a hold about to be asked for: 0, or the seconds
  /// until the address's first hold lapses (for Retry-After) when it is at
  /// its cap. A place taken must be settled with `held` or `failed`.
  int64_t reserve(const std::string& address, clock::time_point now = clock::now());

  /// The hold was made: it counts until `expires_at` unless released.
  void held(const std::string& address, int64_t reservation, clock::time_point expires_at);

  /// The hold was refused: the place is free again.
  void failed(const std::string& address);

  /// These reservations stopped being holds (cancelled or paid), whichever
  /// address holds them.
  void released(const std::vector<int64_t>& reservations);

private:
  struct holds {
    int64_t pending = 0;
    std::unordered_map<int64_t, clock::time_point> live;
  };

  struct shard {
    std::mutex mutex;
    std::unordered_map<std::string, holds> by_address;
    std::unordered_map<int64_t, std::string> address_of;
    int64_t pruned_at = -1;
  };

  shard& shard_of(const std::string& address);

  /// Drops lapsed holds of every address in `s` once it has grown, so
  /// addresses that never come back cost nothing. Called with `s` locked.
  void prune(shard& s, clock::time_point now);

  int64_t cap_;
  std::array<shard, 16> shards_;
};

} // namespace concert::http
