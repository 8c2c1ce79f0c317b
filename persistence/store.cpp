#include "persistence/store.hpp"

#include <functional>

#include "actors/errors.hpp"
#include "actors/view_json.hpp"
#include "support/log.hpp"
#include "support/metrics.hpp"

namespace concert {

namespace {

using store_pointer = observed_pointer<store_actor, store_state>;

caf::error unavailable(const pg::db_error& e) {
  log::error("database error", {{"error", e.what()}, {"sqlstate", e.sqlstate()}});
  return make_error(ec::database_unavailable, "the database is unavailable");
}

/// The open connection, reconnecting first when it was lost.
pg::connection& connected(store_state& st) {
  if (st.db == nullptr)
    st.db = std::make_unique<pg::connection>(st.database_url);
  else if (!st.db->is_open())
    st.db->reconnect();
  return *st.db;
}

template <class T>
class typed_write final : public pending_write {
public:
  using statements_fn = std::function<caf::expected<T>(pg::connection&)>;

  typed_write(caf::typed_response_promise<T> promise, statements_fn statements)
    : promise_(std::move(promise)), statements_(std::move(statements)) {
  }

  void run(pg::connection& db) override {
    pg::savepoint sp{db};
    try {
      outcome_ = statements_(db);
    } catch (const pg::db_error& e) {
      if (!db.is_open())
        throw;
      outcome_ = unavailable(e);
    }
    if (*outcome_)
      sp.release();
  }

  void answer(const caf::error& commit_failure) override {
    if (commit_failure)
      promise_.deliver(commit_failure);
    else if (outcome_ && *outcome_)
      promise_.deliver(std::move(**outcome_));
    else if (outcome_)
      promise_.deliver(outcome_->error());
  }

private:
  caf::typed_response_promise<T> promise_;
  statements_fn statements_;
  std::optional<caf::expected<T>> outcome_;
};

/// Commits every queued write in one transaction, then answers them all.
void flush(store_pointer self) {
  auto batch = std::move(self->state.pending);
  self->state.pending.clear();
  if (batch.empty())
    return;
  caf::error failure;
  auto started = std::chrono::steady_clock::now();
  try {
    auto& db = connected(self->state);
    pg::transaction tx{db};
    for (auto& write : batch)
      write->run(db);
    tx.commit();
  } catch (const pg::db_error& e) {
    failure = unavailable(e);
  }
  auto& m = metrics::actors();
  m.commit_seconds.observe(
    std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  m.commit_batch_size.observe(static_cast<double>(batch.size()));
  for (auto& write : batch)
    write->answer(failure);
}

/// Queues a write for the next group commit. The flush message goes behind
/// everything already in the mailbox, so writes that arrived together share
/// one transaction and one fsync.
template <class T>
caf::typed_response_promise<T> queue_write(store_pointer self,
                                           typename typed_write<T>::statements_fn statements) {
  auto promise = self->template make_response_promise<T>();
  if (self->state.pending.empty())
    self->send(self, atom::flush_v);
  self->state.pending.push_back(std::make_unique<typed_write<T>>(promise, std::move(statements)));
  return promise;
}

/// Runs a read after the queued writes, so a reader sees what was acknowledged.
template <class T>
caf::result<T> read(store_pointer self,
                    const std::function<caf::expected<T>(pg::connection&)>& query) {
  flush(self);
  try {
    auto outcome = query(connected(self->state));
    if (!outcome)
      return std::move(outcome.error());
    return std::move(*outcome);
  } catch (const pg::db_error& e) {
    return unavailable(e);
  }
}

pg::param optional_text(const std::string& s) {
  return s.empty() ? pg::param{} : pg::param{s};
}

/// A PostgreSQL array literal of plain values (ids, UUIDs): `{a,b,c}`.
template <class T>
std::string array_literal(const std::vector<T>& values) {
  std::string text = "{";
  for (const auto& v : values) {
    if (text.size() > 1)
      text += ',';
    if constexpr (std::is_same_v<T, std::string>)
      text += v;
    else
      text += std::to_string(v);
  }
  return text + "}";
}

/// SQL for a timestamptz column as milliseconds since the epoch (0 for NULL).
std::string epoch_ms(const std::string& column) {
  return "coalesce(floor(extract(epoch FROM " + column + ") * 1000)::bigint, 0)";
}

const std::string reservation_columns = "id, user_id, to_char(concert_date, 'YYYY-MM-DD'), seat,"
                                        " price, status, "
                                        + epoch_ms("expires_at");

std::vector<reservation_view> reservations_of(const pg::result& rows) {
  std::vector<reservation_view> result;
  result.reserve(static_cast<size_t>(rows.rows()));
  for (int i = 0; i < rows.rows(); ++i)
    result.push_back({rows.int64(i, 0), rows.int64(i, 1), rows.text(i, 2),
                      static_cast<int32_t>(rows.int64(i, 3)), rows.int64(i, 4), rows.text(i, 5),
                      rows.int64(i, 6)});
  return result;
}

/// Stores the answer to an Idempotency-Key inside the caller's savepoint,
/// so it commits with the change it answers or not at all. A key taken by
/// another request fails the whole write with ec::idempotency_conflict.
caf::error remember(pg::connection& db, const idempotency_claim& claim, int status,
                    const nlohmann::json& answer) {
  if (claim.key.empty())
    return {};
  auto rows = db.exec("INSERT INTO idempotency_keys (scope, user_id, key, request, status, response)"
                      " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1",
                      {claim.scope, std::to_string(claim.user_id), claim.key, claim.request,
                       std::to_string(status), answer.dump()});
  if (rows.rows() == 0)
    return make_error(ec::idempotency_conflict);
  return {};
}

stored_answer stored_answer_of(pg::connection& db, const std::string& scope, int64_t user,
                               const std::string& key) {
  auto rows = db.exec("SELECT request, status, response FROM idempotency_keys"
                      " WHERE scope = $1 AND user_id = $2 AND key = $3",
                      {scope, std::to_string(user), key});
  if (rows.rows() == 0)
    return {};
  return {true, rows.text(0, 0), static_cast<int32_t>(rows.int64(0, 1)), rows.text(0, 2)};
}

bool is_foreign_key_violation(const pg::db_error& e) {
  return e.sqlstate() == "23503";
}

caf::expected<bool> insert_token(pg::connection& db, const std::string& token, int64_t user) {
  try {
    db.exec("INSERT INTO queue_tokens (token, user_id, status) VALUES ($1, $2, 'WAITING')",
            {token, std::to_string(user)});
    return true;
  } catch (const pg::db_error& e) {
    if (is_foreign_key_violation(e))
      return make_error(ec::user_not_found, "no user " + std::to_string(user));
    if (e.is_unique_violation())
      return make_error(ec::token_already_issued);
    throw;
  }
}

caf::expected<payment_view> record_payment(pg::connection& db, const payment_order& order) {
  auto user = std::to_string(order.user_id);
  auto amount = std::to_string(order.amount);
  auto debited = db.exec("UPDATE users SET balance = balance - $2 WHERE id = $1 AND balance >= $2"
                         " RETURNING balance",
                         {user, amount});
  if (debited.rows() == 0)
    return make_error(ec::insufficient_balance);
  auto balance = debited.int64(0, 0);
  auto payment = db.exec("INSERT INTO payments (user_id, amount, balance_after, paid_at)"
                         " VALUES ($1, $2, $3, to_timestamp($4::bigint / 1000.0)) RETURNING id",
                         {user, amount, std::to_string(balance), std::to_string(order.paid_at)})
                   .int64(0, 0);
  std::vector<int64_t> ids;
  for (const auto& item : order.items)
    ids.push_back(item.reservation_id);
  auto confirmed = db.exec("UPDATE reservations SET status = 'CONFIRMED', payment_id = $1"
                           " WHERE id = ANY($2::bigint[]) AND user_id = $3 AND status = 'HELD'"
                           " RETURNING id",
                           {std::to_string(payment), array_literal(ids), user});
  if (confirmed.rows() != static_cast<int>(ids.size()))
    return make_error(ec::reservation_not_held);
  db.exec("UPDATE queue_tokens SET status = 'EXPIRED', expires_at = now()"
          " WHERE token = $1 AND status = 'ACTIVE'",
          {order.token});
  payment_view view{payment, order.user_id, order.amount, balance, order.paid_at, order.items};
  if (auto err = remember(db, order.claim, 201, encode(view)))
    return err;
  return view;
}

std::vector<payment_view> payments_of(pg::connection& db, int64_t user) {
  auto rows = db.exec("SELECT p.id, p.amount, p.balance_after, " + epoch_ms("p.paid_at")
                        + ", r.id, to_char(r.concert_date, 'YYYY-MM-DD'), r.seat, r.price"
                          " FROM payments p JOIN reservations r ON r.payment_id = p.id"
                          " WHERE p.user_id = $1 ORDER BY p.id DESC, r.id",
                      {std::to_string(user)});
  std::vector<payment_view> result;
  for (int i = 0; i < rows.rows(); ++i) {
    auto id = rows.int64(i, 0);
    if (result.empty() || result.back().payment_id != id)
      result.push_back({id, user, rows.int64(i, 1), rows.int64(i, 2), rows.int64(i, 3), {}});
    result.back().reservations.push_back(
      {rows.int64(i, 4), rows.text(i, 5), static_cast<int32_t>(rows.int64(i, 6)), rows.int64(i, 7)});
  }
  return result;
}

} // namespace

store_actor::behavior_type store(store_pointer self, std::string database_url) {
  self->state.database_url = std::move(database_url);
  return {
    [=](atom::create, const new_user& user) {
      return queue_write<user_record>(self, [user](pg::connection& db) -> caf::expected<user_record> {
        auto row = db.exec("INSERT INTO users (name, key_hash) VALUES ($1, $2) RETURNING id, balance",
                           {optional_text(user.name), user.key_hash});
        return user_record{row.int64(0, 0), row.int64(0, 1)};
      });
    },
    [=](atom::rekey, int64_t user, const std::string& key_hash) {
      return queue_write<bool>(self, [user, key_hash](pg::connection& db) -> caf::expected<bool> {
        auto id = std::to_string(user);
        auto row = db.exec("UPDATE users SET key_hash = $2 WHERE id = $1 RETURNING id", {id, key_hash});
        if (row.rows() == 0)
          return make_error(ec::user_not_found, "no user " + id);
        // A token taken with the old key ends with it, in the same step.
        db.exec("UPDATE queue_tokens SET status = 'EXPIRED'"
                " WHERE user_id = $1 AND status IN ('WAITING', 'ACTIVE')",
                {id});
        return true;
      });
    },
    [=](atom::lookup, const std::string& key_hash) {
      return read<int64_t>(self, [key_hash](pg::connection& db) -> caf::expected<int64_t> {
        auto row = db.exec("SELECT id FROM users WHERE key_hash = $1", {key_hash});
        if (row.rows() == 0)
          return make_error(ec::user_key_invalid, "the key is nobody's");
        return row.int64(0, 0);
      });
    },
    [=](atom::create, const concert_info& c) {
      return queue_write<concert_info>(self, [c](pg::connection& db) -> caf::expected<concert_info> {
        auto row = db.exec("INSERT INTO concerts (date, title, total_seats, price)"
                           " VALUES ($1, $2, $3, $4) ON CONFLICT (date) DO NOTHING RETURNING date",
                           {c.date, c.title, std::to_string(c.total_seats), std::to_string(c.price)});
        if (row.rows() == 0)
          return make_error(ec::date_exists, "a concert on " + c.date + " exists already");
        return c;
      });
    },
    [=](atom::load, atom::concerts) {
      return read<std::vector<concert_info>>(self, [](pg::connection& db) -> caf::expected<std::vector<concert_info>> {
        auto rows = db.exec("SELECT to_char(date, 'YYYY-MM-DD'), title, total_seats, price"
                            " FROM concerts ORDER BY date");
        std::vector<concert_info> result;
        result.reserve(static_cast<size_t>(rows.rows()));
        for (int i = 0; i < rows.rows(); ++i)
          result.push_back({rows.text(i, 0), rows.text(i, 1),
                            static_cast<int32_t>(rows.int64(i, 2)), rows.int64(i, 3)});
        return result;
      });
    },
    [=](atom::create, const std::string& token, int64_t user) {
      return queue_write<bool>(self, [token, user](pg::connection& db) {
        return insert_token(db, token, user);
      });
    },
    [=](atom::admit, const std::vector<admission>& admitted) {
      return queue_write<bool>(self, [admitted](pg::connection& db) -> caf::expected<bool> {
        std::vector<std::string> tokens;
        std::vector<int64_t> expiries;
        for (const auto& a : admitted) {
          tokens.push_back(a.token);
          expiries.push_back(a.expires_at);
        }
        db.exec("UPDATE queue_tokens q SET status = 'ACTIVE',"
                " expires_at = to_timestamp(a.expires_at / 1000.0)"
                " FROM unnest($1::uuid[], $2::bigint[]) AS a(token, expires_at)"
                " WHERE q.token = a.token AND q.status = 'WAITING'",
                {array_literal(tokens), array_literal(expiries)});
        return true;
      });
    },
    [=](atom::expire, const std::string& token) {
      return queue_write<bool>(self, [token](pg::connection& db) -> caf::expected<bool> {
        db.exec("UPDATE queue_tokens SET status = 'EXPIRED'"
                " WHERE token = $1 AND status IN ('WAITING', 'ACTIVE')",
                {token});
        return true;
      });
    },
    [=](atom::load, atom::tokens) {
      return read<std::vector<token_row>>(self, [](pg::connection& db) -> caf::expected<std::vector<token_row>> {
        auto rows = db.exec("SELECT token::text, user_id, status, " + epoch_ms("expires_at")
                            + " FROM queue_tokens WHERE status IN ('WAITING', 'ACTIVE')"
                              " ORDER BY line_order");
        std::vector<token_row> result;
        for (int i = 0; i < rows.rows(); ++i)
          result.push_back({rows.text(i, 0), rows.int64(i, 1), rows.text(i, 2), rows.int64(i, 3)});
        return result;
      });
    },
    [=](atom::update, const queue_status& controls) {
      return queue_write<bool>(self, [controls](pg::connection& db) -> caf::expected<bool> {
        db.exec("INSERT INTO queue_controls (id, paused, batch_size, interval_ms)"
                " VALUES (1, $1, $2, $3) ON CONFLICT (id) DO UPDATE SET paused = $1,"
                " batch_size = $2, interval_ms = $3, changed_at = now()",
                {controls.paused ? "true" : "false", std::to_string(controls.batch_size),
                 std::to_string(controls.interval_ms)});
        return true;
      });
    },
    [=](atom::load, atom::status) {
      return read<stored_controls>(self, [](pg::connection& db) -> caf::expected<stored_controls> {
        auto rows = db.exec("SELECT paused, batch_size, interval_ms FROM queue_controls");
        if (rows.rows() == 0)
          return stored_controls{};
        return stored_controls{true, rows.text(0, 0) == "t", rows.int64(0, 1), rows.int64(0, 2)};
      });
    },
    [=](atom::load, atom::tokens, const std::string& token) {
      return read<token_row>(self, [token](pg::connection& db) -> caf::expected<token_row> {
        auto rows = db.exec("SELECT token::text, user_id, status, " + epoch_ms("expires_at")
                              + " FROM queue_tokens WHERE token = $1::uuid",
                            {token});
        if (rows.rows() == 0)
          return make_error(ec::token_not_found, "no queue token " + token);
        return token_row{rows.text(0, 0), rows.int64(0, 1), rows.text(0, 2), rows.int64(0, 3)};
      });
    },
    [=](atom::load, atom::wallet, int64_t user) {
      return read<wallet_row>(self, [user](pg::connection& db) -> caf::expected<wallet_row> {
        auto id = std::to_string(user);
        auto user_row = db.exec("SELECT balance, coalesce(key_hash, '') FROM users WHERE id = $1", {id});
        if (user_row.rows() == 0)
          return make_error(ec::user_not_found, "no user " + id);
        auto rows = db.exec("SELECT " + reservation_columns
                              + " FROM reservations WHERE user_id = $1 ORDER BY id",
                            {id});
        return wallet_row{user_row.int64(0, 0), user_row.text(0, 1), reservations_of(rows)};
      });
    },
    [=](atom::charge, const new_charge& c) {
      return queue_write<int64_t>(self, [c](pg::connection& db) -> caf::expected<int64_t> {
        auto user = std::to_string(c.user_id);
        auto row = db.exec("UPDATE users SET balance = balance + $2"
                           " WHERE id = $1 AND balance + $2 <= 1000000000000000 RETURNING balance",
                           {user, std::to_string(c.amount)});
        if (row.rows() == 0)
          return make_error(ec::invalid_amount, "the balance would pass 10^15");
        db.exec("INSERT INTO charges (user_id, amount) VALUES ($1, $2)",
                {user, std::to_string(c.amount)});
        auto balance = row.int64(0, 0);
        if (auto err = remember(db, c.claim, 200, encode(user_record{c.user_id, balance})))
          return err;
        return balance;
      });
    },
    [=](atom::idempotent, const std::string& scope, int64_t user, const std::string& key) {
      return read<stored_answer>(self, [=](pg::connection& db) -> caf::expected<stored_answer> {
        return stored_answer_of(db, scope, user, key);
      });
    },
    [=](atom::idempotent, const idempotency_claim& claim, int32_t status, const std::string& body) {
      // A refusal changed nothing, so it needs no transaction of its own;
      // if another answer got there first, that one stands.
      return read<stored_answer>(self, [=](pg::connection& db) -> caf::expected<stored_answer> {
        db.exec("INSERT INTO idempotency_keys (scope, user_id, key, request, status, response)"
                " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                {claim.scope, std::to_string(claim.user_id), claim.key, claim.request,
                 std::to_string(status), body});
        return stored_answer_of(db, claim.scope, claim.user_id, claim.key);
      });
    },
    [=](atom::load, atom::payments, int64_t user) {
      return read<std::vector<payment_view>>(self, [user](pg::connection& db) -> caf::expected<std::vector<payment_view>> {
        return payments_of(db, user);
      });
    },
    [=](atom::create, const new_hold& hold) {
      return queue_write<int64_t>(self, [hold](pg::connection& db) -> caf::expected<int64_t> {
        try {
          auto id = db.exec("INSERT INTO reservations (user_id, concert_date, seat, price, status,"
                            " expires_at) VALUES ($1, $2, $3, $4, 'HELD',"
                            " to_timestamp($5::bigint / 1000.0)) RETURNING id",
                            {std::to_string(hold.user_id), hold.date, std::to_string(hold.seat),
                             std::to_string(hold.price), std::to_string(hold.expires_at)})
                      .int64(0, 0);
          reservation_view view{id,         hold.user_id, hold.date, hold.seat,
                                hold.price, "HELD",       hold.expires_at};
          if (auto err = remember(db, hold.claim, 201, encode(view)))
            return err;
          return id;
        } catch (const pg::db_error& e) {
          if (e.is_unique_violation())
            return make_error(ec::seat_unavailable);
          throw;
        }
      });
    },
    [=](atom::release, const hold_release& change) {
      return queue_write<bool>(self, [change](pg::connection& db) -> caf::expected<bool> {
        auto rows = db.exec("UPDATE reservations SET status = $2 WHERE id = $1 AND status = 'HELD'"
                            " RETURNING id",
                            {std::to_string(change.reservation_id), change.status});
        if (rows.rows() == 0)
          return make_error(ec::reservation_not_held);
        return true;
      });
    },
    [=](atom::load, atom::reservations) {
      return read<std::vector<reservation_view>>(self, [](pg::connection& db) -> caf::expected<std::vector<reservation_view>> {
        // The condition is the partial unique index's own, so history
        // (expired and cancelled rows) is never read.
        return reservations_of(db.exec("SELECT " + reservation_columns
                                       + " FROM reservations WHERE status IN ('HELD', 'CONFIRMED')"
                                         " ORDER BY concert_date, id"));
      });
    },
    [=](atom::pay, const payment_order& order) {
      return queue_write<payment_view>(self, [order](pg::connection& db) {
        return record_payment(db, order);
      });
    },
    [=](atom::flush) { flush(self); },
    [=](atom::ping) {
      return read<bool>(self, [](pg::connection& db) -> caf::expected<bool> {
        db.exec("SELECT 1");
        return true;
      });
    },
  };
}

} // namespace concert
