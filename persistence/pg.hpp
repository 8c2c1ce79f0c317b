#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include <libpq-fe.h>

/// Thin RAII wrappers over libpq. They block: use them only on threads of
/// their own (the store actor is detached), never on CAF's scheduler.
namespace concert::pg {

/// A failed libpq call; `sqlstate` is PostgreSQL's five-character code, or
/// empty when the connection itself failed.
class db_error : public std::runtime_error {
public:
  db_error(const std::string& what, std::string sqlstate)
    : std::runtime_error(what), sqlstate_(std::move(sqlstate)) {
  }

  const std::string& sqlstate() const noexcept {
    return sqlstate_;
  }

  bool is_unique_violation() const noexcept {
    return sqlstate_ == "23505";
  }

private:
  std::string sqlstate_;
};

/// The rows of a successful statement.
class result {
public:
  explicit result(PGresult* raw) : raw_(raw, &PQclear) {
  }

  /// One of these rows alone, as row 0, sharing them; none (no rows) when
  /// `row` is empty. A set-based statement answers many writes at once,
  /// and each write reads its own row this way.
  result only(std::optional<int> row) const;

  int rows() const {
    return only_ ? (*only_ >= 0 ? 1 : 0) : PQntuples(raw_.get());
  }

  int columns() const {
    return PQnfields(raw_.get());
  }

  /// Throws db_error for a row or column that is not there.
  std::string text(int row, int column) const;

  int64_t int64(int row, int column) const;

private:
  std::shared_ptr<PGresult> raw_;
  /// The one row shown, or -1 for none; empty when all are.
  std::optional<int> only_;
};

/// A statement parameter in text form; nullopt is SQL NULL.
using param = std::optional<std::string>;

/// A statement and its parameters, built before it is sent.
struct statement {
  std::string sql;
  std::vector<param> params;
};

/// A PostgreSQL array literal, `{"a","b"}`: every element quoted, so any
/// text (an id, a UUID, a date, a status) reads back as itself.
std::string array_literal(const std::vector<std::string>& elements);

/// What one statement of a pipeline came to: its rows, or its failure
/// (a statement skipped after an earlier failure fails with an empty
/// sqlstate).
struct outcome {
  std::optional<result> rows;
  std::optional<db_error> failure;
};

/// One open connection.
class connection {
public:
  /// Connects or throws db_error with libpq's reason.
  explicit connection(const std::string& url);

  /// Runs one statement with text parameters ($1, $2, ...) and returns its
  /// rows; throws db_error on failure.
  result exec(const std::string& sql, const std::vector<param>& params = {});

  /// Runs several statements separated by `;`, without parameters (for
  /// migrations); throws db_error on failure.
  void run_script(const std::string& sql);

  /// True while the server is reachable as far as libpq knows.
  bool is_open() const;

  /// True when the connection is in no transaction and not in pipeline
  /// mode: after a failure, anything else means it is of no further use.
  bool is_idle() const;


private:
  friend class pipeline;
  std::unique_ptr<PGconn, decltype(&PQfinish)> raw_;
  /// The statements a pipeline has prepared on this connection, by text.
  std::unordered_map<std::string, std::string> prepared_;
  uint64_t prepared_count_ = 0;
};

/// libpq's pipeline mode: statements go out without waiting for each
/// answer, and one sync reads them all, so a group of statements costs one
/// round trip. Each statement text is prepared once per connection, the
/// first time it is sent, and named thereafter. Throws db_error only when
/// the connection fails; a failed statement is reported in its outcome, and
/// the statements after it up to the sync are skipped.
class pipeline {
public:
  explicit pipeline(connection& db);
  ~pipeline();
  pipeline(const pipeline&) = delete;
  pipeline& operator=(const pipeline&) = delete;

  void send(const statement& s);

  /// Ends the statements sent so far with a sync and reads their outcomes,
  /// in the order they were sent. When the connection dies after the last
  /// of them answered, their outcomes still stand and are returned.
  std::vector<outcome> sync();

private:
  connection& db_;
  /// What each result the server owes is the answer to, in order: a
  /// statement's preparation (its text), or the statement itself (empty).
  std::vector<std::string> owed_;
};

/// BEGIN on construction; ROLLBACK on destruction unless committed.
class transaction {
public:
  explicit transaction(connection& db);
  ~transaction();
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;

  void commit();

private:
  connection& db_;
  bool done_ = false;
};

/// SAVEPOINT on construction; rolls back to it on destruction unless released,
/// so one failed request does not spoil the others in a group commit.
class savepoint {
public:
  explicit savepoint(connection& db);
  ~savepoint();
  savepoint(const savepoint&) = delete;
  savepoint& operator=(const savepoint&) = delete;

  void release();

private:
  connection& db_;
  bool done_ = false;
};

} // namespace concert::pg
