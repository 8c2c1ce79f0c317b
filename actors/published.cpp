#include "actors/published.hpp"

#include <functional>
#include <limits>

namespace concert {

size_t token_guard::shard_of(const std::string& token) const {
  return std::hash<std::string>{}(token) % shard_count;
}

namespace {

/// An ended token's expiry: before any clock.
constexpr int64_t ended_at = std::numeric_limits<int64_t>::min();

} // namespace

std::optional<active_token> token_guard::find(const std::string& token, int64_t now_ms) const {
  auto entries = shards_[shard_of(token)].latest();
  if (entries == nullptr)
    return std::nullopt;
  auto i = entries->find(token);
  if (i == entries->end())
    return std::nullopt;
  auto expires_at = i->second->expires_at.load(std::memory_order_acquire);
  if (now_ms >= expires_at)
    return std::nullopt;
  return active_token{i->second->user_id, expires_at};
}

void token_guard::add(const std::vector<std::pair<std::string, active_token>>& tokens) {
  std::unordered_map<size_t, std::vector<const std::pair<std::string, active_token>*>> by_shard;
  for (const auto& added : tokens)
    by_shard[shard_of(added.first)].push_back(&added);
  for (const auto& [index, added] : by_shard)
    republish(index, added);
}

void token_guard::remove(const std::string& token) {
  auto index = shard_of(token);
  auto current = shards_[index].latest();
  if (current == nullptr)
    return;
  auto i = current->find(token);
  if (i == current->end() || i->second->expires_at.load(std::memory_order_relaxed) == ended_at)
    return;
  i->second->expires_at.store(ended_at, std::memory_order_release);
  auto ended = ++ended_[index];
  if (ended > current->size() - ended)
    republish(index, {});
}

size_t token_guard::entries_for_test() const {
  size_t count = 0;
  for (const auto& slot : shards_)
    if (auto entries = slot.latest())
      count += entries->size();
  return count;
}

void token_guard::republish(size_t index,
                            const std::vector<const std::pair<std::string, active_token>*>& added) {
  auto next = std::make_shared<shard>();
  if (auto current = shards_[index].latest()) {
    next->reserve(current->size() - ended_[index] + added.size());
    for (const auto& [token, e] : *current)
      if (e->expires_at.load(std::memory_order_relaxed) != ended_at)
        next->emplace(token, e);
  }
  for (const auto* a : added) {
    auto e = std::make_shared<entry>();
    e->user_id = a->second.user_id;
    e->expires_at.store(a->second.expires_at, std::memory_order_relaxed);
    (*next)[a->first] = std::move(e);
  }
  ended_[index] = 0;
  shards_[index].publish(std::move(next));
}

} // namespace concert
