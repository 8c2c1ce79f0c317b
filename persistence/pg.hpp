#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
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

  int rows() const {
    return PQntuples(raw_.get());
  }

  std::string text(int row, int column) const {
    return PQgetvalue(raw_.get(), row, column);
  }

  int64_t int64(int row, int column) const;

private:
  std::unique_ptr<PGresult, decltype(&PQclear)> raw_;
};

/// A statement parameter in text form; nullopt is SQL NULL.
using param = std::optional<std::string>;

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

  /// Reconnects with the original settings; throws db_error when it cannot.
  void reconnect();

private:
  std::unique_ptr<PGconn, decltype(&PQfinish)> raw_;
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
