#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"
#include "actors/observed_actor.hpp"
#include "persistence/pg.hpp"
#include "persistence/set_rows.hpp"

namespace concert {

/// One request's write: statements whose parameters are fixed before any
/// of them runs, so that a group of writes can go to PostgreSQL in one
/// pipeline, and how their rows answer the request. Each write of a group
/// commits with the group or not at all; a write that is refused (a seat
/// taken, too little money) sends the group again one write at a time,
/// each in a savepoint, so that the refusal changes nothing.
class pending_write {
public:
  virtual ~pending_write() = default;

  virtual const std::vector<pg::statement>& statements() const = 0;

  /// The same write as one row of a set-based statement, when it has that
  /// form: in a group it goes with its neighbours of the same kind, and
  /// its statements run only when it is sent alone. Null when it has not.
  virtual const set_rows::row* as_row() const = 0;

  /// Reads the statements' rows; false when they refuse the request (the
  /// refusal is kept for its answer). On success the write may add one
  /// last statement: the record of an Idempotency-Key's answer, which
  /// refuses the request when the key is taken.
  virtual bool settle(std::vector<pg::result>& rows) = 0;
  virtual const std::optional<pg::statement>& record() const = 0;

  /// Keeps the refusal a statement's failure means for this request (a
  /// unique violation), or the database's failure when it means none.
  virtual void refused_by(const pg::db_error& failure, bool by_record) = 0;

  /// Answers the requester: the settled outcome, or the commit's failure.
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
