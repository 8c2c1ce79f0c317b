#include "actors/store_handles.hpp"

#include <functional>

namespace concert {

store_handles::store_handles(store_actor single) : router(single), writers{std::move(single)} {
}

store_handles::store_handles(store_actor router, std::vector<store_actor> writers)
  : router(std::move(router)), writers(std::move(writers)) {
}

size_t shard_of(const std::string& key, size_t writers) {
  return std::hash<std::string>{}(key) % writers;
}

size_t shard_of(int64_t user, size_t writers) {
  return static_cast<uint64_t>(user) % writers;
}

const store_actor& store_handles::writer_of(const std::string& key) const {
  return writers[shard_of(key, writers.size())];
}

const store_actor& store_handles::writer_of(int64_t user) const {
  return writers[shard_of(user, writers.size())];
}

} // namespace concert
