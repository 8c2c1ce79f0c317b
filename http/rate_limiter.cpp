#include "http/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace concert::http {

namespace {

constexpr size_t prune_above = 4096;

} // namespace

int64_t rate_limiter::wait_in(window& w, clock::time_point now) const {
  using namespace std::chrono;
  auto micros = duration_cast<microseconds>(now.time_since_epoch()).count();
  auto length = window_ * 1'000'000;
  auto index = micros / length;
  if (w.index != index) {
    w.previous = w.index + 1 == index ? w.count : 0;
    w.count = 0;
    w.index = index;
  }
  // The earlier window's events still inside the sliding window, assumed
  // spread evenly over it.
  double elapsed = static_cast<double>(micros % length) / static_cast<double>(length);
  auto in_window = [&](double at) {
    return static_cast<double>(w.previous) * (1.0 - at) + static_cast<double>(w.count);
  };
  if (in_window(elapsed) + 1.0 <= static_cast<double>(limit_))
    return 0;
  // When it fits with no more events: later in this window, or in the next,
  // where this window's events become the earlier ones.
  double seconds_left = (1.0 - elapsed) * static_cast<double>(window_);
  double at;
  if (w.count + 1 <= limit_) {
    at = 1.0 - static_cast<double>(limit_ - w.count - 1) / static_cast<double>(w.previous);
    return std::max<int64_t>(1, static_cast<int64_t>(
                                  std::ceil((at - elapsed) * static_cast<double>(window_))));
  }
  at = 1.0 - static_cast<double>(limit_ - 1) / static_cast<double>(w.count);
  return std::max<int64_t>(
    1, static_cast<int64_t>(std::ceil(seconds_left + at * static_cast<double>(window_))));
}

int64_t rate_limiter::admit(const std::string& address, clock::time_point now) {
  if (limit_ == 0)
    return 0;
  auto& s = shards_[std::hash<std::string>{}(address) % shards_.size()];
  std::lock_guard<std::mutex> lock{s.mutex};
  prune(s, now);
  auto& w = s.windows[address];
  if (auto seconds = wait_in(w, now))
    return seconds; // a refusal does not use up the window
  ++w.count;
  return 0;
}

int64_t rate_limiter::wait(const std::string& address, clock::time_point now) {
  if (limit_ == 0)
    return 0;
  auto& s = shards_[std::hash<std::string>{}(address) % shards_.size()];
  std::lock_guard<std::mutex> lock{s.mutex};
  auto i = s.windows.find(address);
  return i == s.windows.end() ? 0 : wait_in(i->second, now);
}

void rate_limiter::prune(shard& s, clock::time_point now) const {
  auto second = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  auto index = second / window_;
  // At most once a window, so a flood of addresses costs no sweep a call.
  if (s.windows.size() <= prune_above || s.pruned_at == index)
    return;
  s.pruned_at = index;
  for (auto i = s.windows.begin(); i != s.windows.end();)
    i = i->second.index + 1 < index ? s.windows.erase(i) : std::next(i);
}

} // namespace concert::http
