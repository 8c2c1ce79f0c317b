#include "persistence/pg.hpp"

#include <charconv>

#include "support/log.hpp"

namespace concert::pg {

namespace {

std::string message_of(PGconn* conn) {
  std::string text = PQerrorMessage(conn);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  return text;
}

/// libpq prints server notices to stderr by default; they go to our log.
void log_notice(void*, const char* message) {
  std::string text = message;
  while (!text.empty() && text.back() == '\n')
    text.pop_back();
  log::warning("database notice", {{"notice", text}});
}

/// Takes ownership of `raw` and throws unless the statement succeeded.
result checked(PGconn* conn, PGresult* raw) {
  if (raw == nullptr)
    throw db_error(message_of(conn), "");
  result r{raw};
  auto status = PQresultStatus(raw);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const char* state = PQresultErrorField(raw, PG_DIAG_SQLSTATE);
    throw db_error(message_of(conn), state == nullptr ? "" : state);
  }
  return r;
}

} // namespace

int64_t result::int64(int row, int column) const {
  auto value = text(row, column);
  int64_t parsed = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (ec != std::errc{} || end != value.data() + value.size())
    throw db_error("column " + std::to_string(column) + " is not an int64: " + value, "");
  return parsed;
}

connection::connection(const std::string& url) : raw_(PQconnectdb(url.c_str()), &PQfinish) {
  if (raw_ == nullptr)
    throw db_error("out of memory opening a connection", "");
  if (PQstatus(raw_.get()) != CONNECTION_OK)
    throw db_error(message_of(raw_.get()), "");
  PQsetNoticeProcessor(raw_.get(), &log_notice, nullptr);
}

result connection::exec(const std::string& sql, const std::vector<param>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params)
    values.push_back(p ? p->c_str() : nullptr);
  return checked(raw_.get(), PQexecParams(raw_.get(), sql.c_str(),
                                          static_cast<int>(values.size()), nullptr,
                                          values.data(), nullptr, nullptr, 0));
}

void connection::run_script(const std::string& sql) {
  checked(raw_.get(), PQexec(raw_.get(), sql.c_str()));
}

bool connection::is_open() const {
  return PQstatus(raw_.get()) == CONNECTION_OK;
}

void connection::reconnect() {
  PQreset(raw_.get());
  if (!is_open())
    throw db_error(message_of(raw_.get()), "");
}

transaction::transaction(connection& db) : db_(db) {
  db_.exec("BEGIN");
}

transaction::~transaction() {
  if (!done_ && db_.is_open()) {
    try {
      db_.exec("ROLLBACK");
    } catch (const db_error&) {
      // The connection is broken; the server rolls back on its own.
    }
  }
}

void transaction::commit() {
  done_ = true;
  db_.exec("COMMIT");
}

savepoint::savepoint(connection& db) : db_(db) {
  db_.exec("SAVEPOINT request");
}

savepoint::~savepoint() {
  if (!done_ && db_.is_open()) {
    try {
      db_.exec("ROLLBACK TO SAVEPOINT request");
    } catch (const db_error&) {
      // The enclosing transaction fails at COMMIT and reports it.
    }
  }
}

void savepoint::release() {
  done_ = true;
  db_.exec("RELEASE SAVEPOINT request");
}

} // namespace concert::pg
