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

std::string sqlstate_of(const PGresult* raw) {
  const char* state = PQresultErrorField(raw, PG_DIAG_SQLSTATE);
  return state == nullptr ? "" : state;
}

/// Takes ownership of `raw` and throws unless the statement succeeded.
result checked(PGconn* conn, PGresult* raw) {
  if (raw == nullptr)
    throw db_error(message_of(conn), "");
  result r{raw};
  auto status = PQresultStatus(raw);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    throw db_error(message_of(conn), sqlstate_of(raw));
  return r;
}

/// The parameters as libpq takes them; they point into `params`.
std::vector<const char*> values_of(const std::vector<param>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params)
    values.push_back(p ? p->c_str() : nullptr);
  return values;
}

} // namespace

std::string array_literal(const std::vector<std::string>& elements) {
  std::string text = "{";
  for (const auto& element : elements) {
    if (text.size() > 1)
      text += ',';
    text += '"';
    for (char c : element) {
      if (c == '"' || c == '\\')
        text += '\\';
      text += c;
    }
    text += '"';
  }
  return text + "}";
}

result result::only(std::optional<int> row) const {
  auto view = *this;
  view.only_ = row.value_or(-1);
  return view;
}

std::string result::text(int row, int column) const {
  if (only_)
    row = row == 0 ? *only_ : -1;
  if (row < 0 || row >= PQntuples(raw_.get()) || column < 0 || column >= PQnfields(raw_.get()))
    throw db_error("no value at row " + std::to_string(row) + ", column " + std::to_string(column),
                   "");
  return PQgetvalue(raw_.get(), row, column);
}

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
  auto values = values_of(params);
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

bool connection::is_idle() const {
  return PQpipelineStatus(raw_.get()) == PQ_PIPELINE_OFF
         && PQtransactionStatus(raw_.get()) == PQTRANS_IDLE;
}

pipeline::pipeline(connection& db) : db_(db) {
  if (PQenterPipelineMode(db_.raw_.get()) != 1)
    throw db_error(message_of(db_.raw_.get()), "");
}

pipeline::~pipeline() {
  // Fails while outcomes are unread, after a throw: the connection then
  // stays in pipeline mode and its owner drops it (connection::is_idle).
  PQexitPipelineMode(db_.raw_.get());
}

void pipeline::send(const statement& s) {
  auto* conn = db_.raw_.get();
  auto named = db_.prepared_.find(s.sql);
  if (named == db_.prepared_.end()) {
    auto name = "concert_" + std::to_string(++db_.prepared_count_);
    if (PQsendPrepare(conn, name.c_str(), s.sql.c_str(), 0, nullptr) != 1)
      throw db_error(message_of(conn), "");
    named = db_.prepared_.emplace(s.sql, std::move(name)).first;
    owed_.push_back(s.sql);
  }
  auto values = values_of(s.params);
  if (PQsendQueryPrepared(conn, named->second.c_str(), static_cast<int>(values.size()),
                          values.data(), nullptr, nullptr, 0)
      != 1)
    throw db_error(message_of(conn), "");
  owed_.emplace_back();
}

std::vector<outcome> pipeline::sync() {
  auto* conn = db_.raw_.get();
  if (PQpipelineSync(conn) != 1 || PQflush(conn) != 0)
    throw db_error(message_of(conn), "");
  std::vector<outcome> outcomes;
  outcomes.reserve(owed_.size());
  auto owed = std::move(owed_);
  owed_.clear();
  for (const auto& preparation : owed) {
    auto* raw = PQgetResult(conn);
    if (raw == nullptr)
      throw db_error(message_of(conn), "");
    result rows{raw};
    auto status = PQresultStatus(raw);
    // Each statement's results end with a null.
    if (auto* extra = PQgetResult(conn)) {
      PQclear(extra);
      throw db_error("a statement of a pipeline returned more than one result", "");
    }
    if (!preparation.empty()) {
      // A preparation skipped or refused is sent again next time.
      if (status != PGRES_COMMAND_OK)
        db_.prepared_.erase(preparation);
      continue;
    }
    outcome o;
    switch (status) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
      o.rows = std::move(rows);
      break;
    case PGRES_PIPELINE_ABORTED:
      o.failure = db_error("skipped after an earlier statement failed", "");
      break;
    default:
      o.failure = db_error(PQresultErrorMessage(raw), sqlstate_of(raw));
    }
    outcomes.push_back(std::move(o));
  }
  auto* synced = PQgetResult(conn);
  auto reached_sync = synced != nullptr && PQresultStatus(synced) == PGRES_PIPELINE_SYNC;
  PQclear(synced);
  if (reached_sync)
    return outcomes;
  // Every statement has answered, so what they did stands (a COMMIT that
  // answered has committed) even if the connection died right after; it is
  // made anew before its next use.
  if (PQstatus(conn) != CONNECTION_OK)
    return outcomes;
  throw db_error("a pipeline did not end at its sync", "");
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
