#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace concert::http {

/// Counts requests per source address in one-second windows. Shared by the
/// HTTP worker threads, so it is sharded: a thread locks one shard of
/// sixteen, briefly. Stale windows are dropped as a shard grows, so memory
/// stays bounded by the addresses seen within a second or two.
class rate_limiter {
public:
  using clock = std::chrono::steady_clock;

  /// `per_second` requests per address; 0 lets everything through.
  explicit rate_limiter(int64_t per_second) : per_second_(per_second) {
  }

  /// Counts a request; returns the seconds to wait (for Retry-After) when
  /// the address is over its rate, else 0.
  int64_t admit(const std::string& address, clock::time_point now = clock::now());

private:
  struct window {
    int64_t second = 0;
    int64_t count = 0;
  };

  struct shard {
    std::mutex mutex;
    std::unordered_map<std::string, window> windows;
  };

  int64_t per_second_;
  std::array<shard, 16> shards_;
};

} // namespace concert::http
