#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"
#include "actors/observed_actor.hpp"
#include "persistence/pg.hpp"

namespace concert {

/// One request's statements, run inside the group's transaction and answered
/// after its commit.
class pending_write {
public:
  virtual ~pending_write() = default;
  /// Runs the statements inside a savepoint of the open transaction; a
  /// failure of this request alone is kept for its answer.
  virtual void run(pg::connection& db) = 0;
  /// Answers the requester: the outcome of run, or the commit's failure.
  virtual void answer(const caf::error& commit_failure) = 0;
};

struct store_state {
  static inline const char* name = "store";
  std::string database_url;
  std::unique_ptr<pg::connection> db;
  std::vector<std::unique_ptr<pending_write>> pending;
};

/// The store's behaviour; spawn it `detached`, its calls block.
store_actor::behavior_type store(observed_pointer<store_actor, store_state> self,
                                 std::string database_url);

} // namespace concert
