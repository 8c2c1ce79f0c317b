#include "http/hold_ledger.hpp"

#include <algorithm>

namespace concert::http {

namespace {

constexpr size_t prune_above = 4096;

} // namespace

hold_ledger::shard& hold_ledger::shard_of(const std::string& address) {
  return shards_[std::hash<std::string>{}(address) % shards_.size()];
}

void hold_ledger::prune(shard& s, clock::time_point now) {
  // At most once a second, so a flood of addresses costs no sweep a call.
  auto second = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (s.by_address.size() <= prune_above || s.pruned_at == second)
    return;
  s.pruned_at = second;
  for (auto a = s.by_address.begin(); a != s.by_address.end();) {
    auto& live = a->second.live;
    for (auto i = live.begin(); i != live.end();) {
      if (i->second <= now) {
        s.address_of.erase(i->first);
        i = live.erase(i);
      } else {
        ++i;
      }
    }
    a = live.empty() && a->second.pending == 0 ? s.by_address.erase(a) : std::next(a);
  }
}

int64_t hold_ledger::reserve(const std::string& address, clock::time_point now) {
  if (cap_ == 0)
    return 0;
  auto& s = shard_of(address);
  std::lock_guard<std::mutex> lock{s.mutex};
  prune(s, now);
  auto& mine = s.by_address[address];
  auto first_lapse = clock::time_point::max();
  for (auto i = mine.live.begin(); i != mine.live.end();) {
    if (i->second <= now) {
      s.address_of.erase(i->first);
      i = mine.live.erase(i);
    } else {
      first_lapse = std::min(first_lapse, i->second);
      ++i;
    }
  }
  if (mine.pending + static_cast<int64_t>(mine.live.size()) < cap_) {
    ++mine.pending;
    return 0;
  }
  if (mine.live.empty())
    return 1; // every place is an ask still under way
  auto wait = std::chrono::ceil<std::chrono::seconds>(first_lapse - now).count();
  return std::max<int64_t>(wait, 1);
}

void hold_ledger::held(const std::string& address, int64_t reservation,
                       clock::time_point expires_at) {
  if (cap_ == 0)
    return;
  auto& s = shard_of(address);
  std::lock_guard<std::mutex> lock{s.mutex};
  auto& mine = s.by_address[address];
  --mine.pending;
  // A replayed hold answers with a reservation counted already.
  if (mine.live.emplace(reservation, expires_at).second)
    s.address_of.emplace(reservation, address);
}

void hold_ledger::failed(const std::string& address) {
  if (cap_ == 0)
    return;
  auto& s = shard_of(address);
  std::lock_guard<std::mutex> lock{s.mutex};
  auto i = s.by_address.find(address);
  if (i == s.by_address.end())
    return;
  --i->second.pending;
  if (i->second.pending == 0 && i->second.live.empty())
    s.by_address.erase(i);
}

void hold_ledger::released(const std::vector<int64_t>& reservations) {
  if (cap_ == 0)
    return;
  for (auto& s : shards_) {
    std::lock_guard<std::mutex> lock{s.mutex};
    for (auto id : reservations) {
      auto owner = s.address_of.find(id);
      if (owner == s.address_of.end())
        continue;
      auto mine = s.by_address.find(owner->second);
      mine->second.live.erase(id);
      if (mine->second.pending == 0 && mine->second.live.empty())
        s.by_address.erase(mine);
      s.address_of.erase(owner);
    }
  }
}

} // namespace concert::http
