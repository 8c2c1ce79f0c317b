#include "actors/published.hpp"

#include <functional>

namespace concert {

size_t token_guard::shard_of(const std::string& token) const {
  return std::hash<std::string>{}(token) % shard_count;
}

std::optional<active_token> token_guard::find(const std::string& token, int64_t now_ms) const {
  auto entries = shards_[shard_of(token)].latest();
  if (entries == nullptr)
    return std::nullopt;
  auto i = entries->find(token);
  if (i == entries->end() || now_ms >= i->second.expires_at)
    return std::nullopt;
  return i->second;
}

void token_guard::add(const std::vector<std::pair<std::string, active_token>>& tokens) {
  std::unordered_map<size_t, std::shared_ptr<shard>> changed;
  for (const auto& [token, entry] : tokens) {
    auto index = shard_of(token);
    auto& next = changed[index];
    if (next == nullptr) {
      auto current = shards_[index].latest();
      next = current != nullptr ? std::make_shared<shard>(*current) : std::make_shared<shard>();
    }
    (*next)[token] = entry;
  }
  for (auto& [index, next] : changed)
    shards_[index].publish(std::move(next));
}

void token_guard::remove(const std::string& token) {
  auto& slot = shards_[shard_of(token)];
  auto current = slot.latest();
  if (current == nullptr || current->count(token) == 0)
    return;
  auto next = std::make_shared<shard>(*current);
  next->erase(token);
  slot.publish(std::move(next));
}

} // namespace concert
