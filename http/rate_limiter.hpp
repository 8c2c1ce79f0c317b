#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace concert::http {

/// Counts events per source address over a sliding window (a second for
/// requests, a minute for new users and tokens): the count of the window
/// before weighs as much as it still overlaps the last window's length, so
/// a burst at a window's edge gets no second allowance. Shared by the edge's
/// loop threads and the exchanges' actors, so it is sharded: a thread locks
/// one shard of sixteen, briefly. Stale windows are dropped as a shard grows, so memory stays
/// bounded by the addresses seen within a window or two.
class rate_limiter {
public:
  using clock = std::chrono::steady_clock;

  /// `limit` events per address and window; 0 lets everything through.
  explicit rate_limiter(int64_t limit, std::chrono::seconds window = std::chrono::seconds{1})
    : limit_(limit), window_(window.count()) {
  }

  /// Counts an event; returns the seconds to wait (for Retry-After) when
  /// the address is over its limit, else 0.
  int64_t admit(const std::string& address, clock::time_point now = clock::now());

  /// The seconds to wait were an event counted now, without counting it.
  int64_t wait(const std::string& address, clock::time_point now = clock::now());

private:
  struct window {
    int64_t index = 0;
    int64_t count = 0;
    int64_t previous = 0;
  };

  /// The seconds until one more event fits, or 0 when it fits now; `w` is
  /// moved to the window of `now` first. Called with its shard locked.
  int64_t wait_in(window& w, clock::time_point now) const;

  struct shard {
    std::mutex mutex;
    std::unordered_map<std::string, window> windows;
    int64_t pruned_at = -1;
  };

  /// Drops the windows too old to count, once a shard has grown.
  void prune(shard& s, clock::time_point now) const;

  int64_t limit_;
  int64_t window_;
  std::array<shard, 16> shards_;
};

} // namespace concert::http
