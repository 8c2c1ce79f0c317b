#include "http/rate_limiter.hpp"

namespace concert::http {

namespace {

constexpr size_t prune_above = 4096;

} // namespace

int64_t rate_limiter::admit(const std::string& address, clock::time_point now) {
  if (per_second_ == 0)
    return 0;
  auto second = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  auto& s = shards_[std::hash<std::string>{}(address) % shards_.size()];
  std::lock_guard<std::mutex> lock{s.mutex};
  if (s.windows.size() > prune_above) {
    for (auto i = s.windows.begin(); i != s.windows.end();)
      i = i->second.second < second ? s.windows.erase(i) : std::next(i);
  }
  auto& w = s.windows[address];
  if (w.second != second)
    w = window{second, 0};
  return ++w.count > per_second_ ? 1 : 0;
}

} // namespace concert::http
