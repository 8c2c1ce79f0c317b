#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actors/actors.hpp"

namespace concert {

/// Which of `writers` writers takes a date's writes (or any other text
/// key's), and which a user's: the rule the router and the actors share.
size_t shard_of(const std::string& key, size_t writers);
size_t shard_of(int64_t user, size_t writers);

/// The stores the actors talk to. Writes are sharded so that every write of
/// one date, and every write of one user, goes through the same writer and
/// so commits in the order it was sent. A seat manager and a wallet send
/// their writes straight to that writer, a hop fewer than through the
/// router, which takes everything else: reads, and the writes of other
/// actors (a concert's creation, a user's, the queue's writes, a key
/// change), which it sends to a writer by the same rule.
struct store_handles {
  store_actor router;
  std::vector<store_actor> writers;

  store_handles() = default;

  /// One store that does everything, as in tests.
  store_handles(store_actor single); // NOLINT: a single store converts

  store_handles(store_actor router, std::vector<store_actor> writers);

  /// The writer of a date's writes (or of any other text key's).
  const store_actor& writer_of(const std::string& key) const;
  /// The writer of a user's writes.
  const store_actor& writer_of(int64_t user) const;
};

} // namespace concert
