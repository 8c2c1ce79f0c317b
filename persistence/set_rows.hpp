#pragma once

#include <optional>
#include <string>
#include <vector>

#include "persistence/pg.hpp"

/// Writes of one kind that share a group commit go to PostgreSQL as one
/// statement over arrays (`INSERT … SELECT … FROM unnest(…)`), not one
/// statement each: PostgreSQL's cost of a statement (protocol, executor
/// start, the constraints read afresh) is paid once per group.
namespace concert::set_rows {

/// A statement that takes one array parameter per column ($1, $2, …) and
/// returns, as its last column, the key of each row it wrote.
struct kind {
  std::string sql;
  /// Whether a write of this kind commutes with every write of another
  /// kind in its group: such writes gather after the others, so that the
  /// group sends them in as few statements as their keys allow.
  bool gathers = false;
};

/// One write's row of a set-based statement, and the key its answer row
/// carries. Two rows of one statement never share a key.
struct row {
  const kind* of = nullptr;
  std::vector<std::string> values;
  std::string key;
};

/// The statement that writes `rows`, all of one kind, in their order.
pg::statement statement_of(const std::vector<const row*>& rows);

/// Each row's answer: its row of `written`, found by key; no row when the
/// statement wrote none for it.
std::vector<pg::result> answers_of(const pg::result& written, const std::vector<const row*>& rows);

} // namespace concert::set_rows
