#include "http/rate_limiter.hpp"

namespace concert::http {

namespace {

constexpr size_t prune_above = 4096;

} // namespace

int64_t rate_limiter::admit(const std::string& address, clock::time_point now) {
  if (limit_ == 0)
    return 0;
  auto second = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  auto index = second / window_;
  auto& s = shards_[std::hash<std::string>{}(address) % shards_.size()];
  std::lock_guard<std::mutex> lock{s.mutex};
  if (s.windows.size() > prune_above) {
    for (auto i = s.windows.begin(); i != s.windows.end();)
      i = i->second.index < index ? s.windows.erase(i) : std::next(i);
  }
  auto& w = s.windows[address];
  if (w.index != index)
    w = window{index, 0};
  if (++w.count <= limit_)
    return 0;
  --w.count; // a refusal does not use up the window
  return (index + 1) * window_ - second;
}

} // namespace concert::http
