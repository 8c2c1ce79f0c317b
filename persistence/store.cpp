#include "persistence/store.hpp"

#include <algorithm>
#include <functional>
#include <unordered_set>

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

/// How a record statement fails when its key is taken (record_of).
bool is_taken_key(const pg::db_error& e) {
  return e.is_unique_violation() || e.sqlstate() == "22012";
}

/// The open connection, made anew first when it was lost or was left in a
/// pipeline or a transaction by a failure.
pg::connection& connected(store_state& st) {
  if (st.db == nullptr || !st.db->is_open() || !st.db->is_idle())
    st.db = std::make_unique<pg::connection>(st.database_url);
  return *st.db;
}

using rows_type = std::vector<pg::result>;
using record_slot = std::optional<pg::statement>;

/// A write as the handlers below describe it.
template <class T>
struct write_spec {
  std::vector<pg::statement> statements;
  /// The answer the statements' rows give, or the refusal they mean; may
  /// put the record of an Idempotency-Key's answer in the slot.
  std::function<caf::expected<T>(rows_type&, record_slot&)> settle;
  /// The refusal a failed statement means for this request (a unique
  /// violation: a seat taken), or none when the database failed.
  std::function<caf::error(const pg::db_error&)> refusal = {};
  /// The same write as a row of a set-based statement, if it has that form.
  std::optional<set_rows::row> row = {};
};

template <class T>
class typed_write final : public pending_write {
public:
  typed_write(caf::typed_response_promise<T> promise, write_spec<T> spec)
    : promise_(std::move(promise)), spec_(std::move(spec)) {
  }

  const std::vector<pg::statement>& statements() const override {
    return spec_.statements;
  }

  const set_rows::row* as_row() const override {
    return spec_.row ? &*spec_.row : nullptr;
  }

  bool settle(rows_type& rows) override {
    record_.reset();
    outcome_ = spec_.settle(rows, record_);
    return static_cast<bool>(*outcome_);
  }

  const record_slot& record() const override {
    return record_;
  }

  void refused_by(const pg::db_error& failure, bool by_record) override {
    caf::error refusal;
    if (by_record && is_taken_key(failure))
      refusal = make_error(ec::idempotency_conflict);
    else if (!by_record && spec_.refusal)
      refusal = spec_.refusal(failure);
    outcome_ = refusal ? std::move(refusal) : unavailable(failure);
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
  write_spec<T> spec_;
  std::optional<caf::expected<T>> outcome_;
  record_slot record_;
};

using write_group = std::vector<std::unique_ptr<pending_write>>;

/// At most this many writes share a transaction, so that a pipeline's
/// answers never outgrow the socket's buffers.
constexpr size_t max_group = 128;

const pg::statement begin_statement{"BEGIN", {}};
const pg::statement commit_statement{"COMMIT", {}};
const pg::statement rollback_statement{"ROLLBACK", {}};

bool all_succeeded(const std::vector<pg::outcome>& outcomes) {
  return std::all_of(outcomes.begin(), outcomes.end(), [](auto& o) { return o.rows.has_value(); });
}

/// Writes of a group that go to PostgreSQL together: rows of one
/// set-based statement, no key twice, or writes sent each as its own
/// statements (`kind` null). Writes of a kind that gathers come after all
/// the others, in their order; the others keep theirs, so each of them
/// still sees every write queued before it but the gathered ones, which
/// it does not depend on (set_rows::kind::gathers).
struct segment {
  std::vector<size_t> writes;
  const set_rows::kind* kind = nullptr;
};

std::vector<segment> segments_of(const write_group& group) {
  std::vector<segment> segments;
  std::unordered_set<std::string> keys;
  auto add = [&](size_t i) {
    const auto* row = group[i]->as_row();
    const auto* kind = row ? row->of : nullptr;
    auto joins = !segments.empty() && segments.back().kind == kind
                 && (row == nullptr || keys.count(row->key) == 0);
    if (!joins) {
      segments.push_back({{}, kind});
      keys.clear();
    }
    if (row)
      keys.insert(row->key);
    segments.back().writes.push_back(i);
  };
  auto gathers = [&](size_t i) {
    const auto* row = group[i]->as_row();
    return row != nullptr && row->of->gathers;
  };
  for (size_t i = 0; i < group.size(); ++i)
    if (!gathers(i))
      add(i);
  for (size_t i = 0; i < group.size(); ++i)
    if (gathers(i))
      add(i);
  return segments;
}

std::vector<const set_rows::row*> rows_of(const write_group& group, const segment& seg) {
  std::vector<const set_rows::row*> rows;
  for (auto w : seg.writes)
    rows.push_back(group[w]->as_row());
  return rows;
}

/// Sends the group in two round trips: BEGIN and every write's statements;
/// then, once every write has settled, the Idempotency-Key records and
/// COMMIT. False, with nothing committed and the connection out of any
/// transaction, when a statement failed or a write was refused.
bool run_pipelined(pg::connection& db, write_group& group) {
  auto segments = segments_of(group);
  pg::pipeline pipe{db};
  pipe.send(begin_statement);
  for (const auto& seg : segments) {
    if (seg.kind != nullptr) {
      pipe.send(set_rows::statement_of(rows_of(group, seg)));
      continue;
    }
    for (auto w : seg.writes)
      for (const auto& s : group[w]->statements())
        pipe.send(s);
  }
  auto outcomes = pipe.sync();
  auto settled = all_succeeded(outcomes);
  size_t at = 1;
  for (auto seg = segments.begin(); settled && seg != segments.end(); ++seg) {
    if (seg->kind != nullptr) {
      auto answers = set_rows::answers_of(*outcomes[at++].rows, rows_of(group, *seg));
      for (size_t i = 0; settled && i < seg->writes.size(); ++i) {
        rows_type rows{std::move(answers[i])};
        settled = group[seg->writes[i]]->settle(rows);
      }
      continue;
    }
    for (auto w = seg->writes.begin(); settled && w != seg->writes.end(); ++w) {
      auto& write = *group[*w];
      rows_type rows;
      for (size_t i = 0; i < write.statements().size(); ++i)
        rows.push_back(std::move(*outcomes[at++].rows));
      settled = write.settle(rows);
    }
  }
  if (settled) {
    for (auto& write : group)
      if (write->record())
        pipe.send(*write->record());
    pipe.send(commit_statement);
    if (all_succeeded(pipe.sync()))
      return true;
  }
  // A segment of its own, so that no failure before it can skip it.
  pipe.send(rollback_statement);
  if (!all_succeeded(pipe.sync()))
    throw pg::db_error("a group of writes could not be rolled back", "");
  return false;
}

/// Runs one write in a savepoint of the open transaction, a statement at a
/// time, so that its refusal rolls back this write alone. Throws only when
/// the connection fails.
void run_alone(pg::connection& db, pending_write& write) {
  pg::savepoint sp{db};
  auto by_record = false;
  try {
    rows_type rows;
    for (const auto& s : write.statements())
      rows.push_back(db.exec(s.sql, s.params));
    if (!write.settle(rows))
      return;
    if (const auto& record = write.record()) {
      by_record = true;
      db.exec(record->sql, record->params);
    }
    sp.release();
  } catch (const pg::db_error& e) {
    if (!db.is_open())
      throw;
    write.refused_by(e, by_record);
  }
}

/// Commits the oldest queued writes in one transaction, then answers them.
void flush(store_pointer self) {
  auto& pending = self->state.pending;
  if (pending.empty())
    return;
  auto size = std::min(pending.size(), max_group);
  write_group group(std::make_move_iterator(pending.begin()),
                    std::make_move_iterator(pending.begin() + static_cast<ptrdiff_t>(size)));
  pending.erase(pending.begin(), pending.begin() + static_cast<ptrdiff_t>(size));
  if (!pending.empty())
    self->send(self, atom::flush_v);
  caf::error failure;
  auto& m = metrics::actors();
  auto started = std::chrono::steady_clock::now();
  try {
    auto& db = connected(self->state);
    if (!run_pipelined(db, group)) {
      m.commit_groups_replayed.fetch_add(1, std::memory_order_relaxed);
      pg::transaction tx{db};
      for (auto& write : group)
        run_alone(db, *write);
      tx.commit();
    }
  } catch (const pg::db_error& e) {
    failure = unavailable(e);
    // A pipeline cut short, or a transaction left open, leaves the
    // connection unusable: the next write or read makes a new one.
    if (self->state.db != nullptr && !self->state.db->is_idle())
      self->state.db.reset();
  }
  m.commit_seconds.observe(
    std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  m.commit_batch_size.observe(static_cast<double>(group.size()));
  for (auto& write : group)
    write->answer(failure);
}

/// Queues a write for the next group commit. The flush message goes behind
/// everything already in the mailbox, so writes that arrived together share
/// one transaction and one fsync.
template <class T>
caf::typed_response_promise<T> queue_write(store_pointer self, write_spec<T> spec) {
  auto promise = self->template make_response_promise<T>();
  if (self->state.pending.empty())
    self->send(self, atom::flush_v);
  self->state.pending.push_back(std::make_unique<typed_write<T>>(promise, std::move(spec)));
  return promise;
}

/// A write of statements whose rows carry nothing to answer; `refusal` as
/// in write_spec.
caf::typed_response_promise<bool>
queue_plain_write(store_pointer self, std::vector<pg::statement> statements,
                  std::function<caf::error(const pg::db_error&)> refusal = {}) {
  return queue_write<bool>(self, {std::move(statements),
                                  [](rows_type&, record_slot&) -> caf::expected<bool> {
                                    return true;
                                  },
                                  std::move(refusal)});
}

/// Runs a read after the queued writes, so a reader sees what was acknowledged.
template <class T>
caf::result<T> read(store_pointer self,
                    const std::function<caf::expected<T>(pg::connection&)>& query) {
  while (!self->state.pending.empty())
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

/// A PostgreSQL array literal of ids or UUIDs.
template <class T>
std::string array_literal(const std::vector<T>& values) {
  if constexpr (std::is_same_v<T, std::string>) {
    return pg::array_literal(values);
  } else {
    std::vector<std::string> elements;
    elements.reserve(values.size());
    for (const auto& v : values)
      elements.push_back(std::to_string(v));
    return pg::array_literal(elements);
  }
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

/// New holds of a group, as one statement. The key (date/seat) is unique
/// among live reservations, so it names each hold's row.
const set_rows::kind holds_kind{
  "INSERT INTO reservations (user_id, concert_date, seat, price, status, expires_at)"
  " SELECT u, d, s, p, 'HELD', to_timestamp(e / 1000.0)"
  " FROM unnest($1::bigint[], $2::date[], $3::int[], $4::bigint[], $5::bigint[]) AS t(u, d, s, p, e)"
  " RETURNING id, to_char(concert_date, 'YYYY-MM-DD') || '/' || seat"};

/// Releases of a group (lapsed or cancelled holds), as one statement; a
/// reservation no longer HELD returns no row.
const set_rows::kind releases_kind{
  "UPDATE reservations r SET status = t.status"
  " FROM unnest($1::bigint[], $2::text[]) AS t(id, status)"
  " WHERE r.id = t.id AND r.status = 'HELD'"
  " RETURNING r.id, r.id::text"};

/// The record of an Idempotency-Key's answer, stored in the transaction of
/// the change it answers, so it commits with it or not at all; none without
/// a key. It replaces a refusal stored for the same request: a duplicate
/// sent at the same moment is refused while this one is in flight (the seat
/// is being held, the hold being paid), and its refusal, stored by the
/// reader, may land first; the change must not lose to it. A key holding a
/// success, or another request's answer, fails the statement (a division by
/// zero when nothing was written), so the write is refused as
/// ec::idempotency_conflict and its group replayed without it.
record_slot record_of(const idempotency_claim& claim, int status, const nlohmann::json& answer) {
  if (claim.key.empty())
    return std::nullopt;
  return pg::statement{
    "WITH stored AS ("
    "  INSERT INTO idempotency_keys (scope, user_id, key, request, status, response)"
    "  VALUES ($1, $2, $3, $4, $5, $6)"
    "  ON CONFLICT (scope, user_id, key) DO UPDATE"
    "  SET status = EXCLUDED.status, response = EXCLUDED.response, created_at = now()"
    "  WHERE idempotency_keys.status >= 400 AND idempotency_keys.request = EXCLUDED.request"
    "  RETURNING 1)"
    " SELECT 1 / (SELECT count(*) FROM stored)::int",
    {claim.scope, std::to_string(claim.user_id), claim.key, claim.request, std::to_string(status),
     answer.dump()}};
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

/// Payments of a group, as one statement: each payment's debit, its row,
/// its confirmations and the end of its token, since each needs the one
/// before's result. A payment's reservation ids come as one text of ids
/// separated by commas, as arrays of arrays must be rectangular.
///
/// The reservations are found by id alone. "Not CONFIRMED, EXPIRED or
/// CANCELLED" is HELD under the table's CHECK, written so that it does not
/// match the partial unique index's condition: a prepared statement's
/// generic plan, made while the table's statistics were young, otherwise
/// scanned that whole index (every live reservation) on each payment. The
/// owner is checked as `user_id + 0` so that no plan walks the user's
/// index, which holds every reservation the user ever made.
///
/// Payments gather at the end of their group: each commutes with the
/// group's other writes. Its reservations are marked as being paid by
/// their seat manager, which writes nothing else for them meanwhile; it
/// spends balance the wallet has seen acknowledged, so a charge beside it
/// changes nothing it checks; and the token it ends is ended whichever
/// comes first.
const set_rows::kind payments_kind{
  "WITH t AS ("
  "  SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::uuid[], $5::text[])"
  "  AS t(user_id, amount, paid_at, token, ids)),"
  " debited AS ("
  "  UPDATE users u SET balance = u.balance - t.amount FROM t"
  "  WHERE u.id = t.user_id AND u.balance >= t.amount"
  "  RETURNING u.id, u.balance),"
  " paid AS ("
  "  INSERT INTO payments (user_id, amount, balance_after, paid_at)"
  "  SELECT t.user_id, t.amount, debited.balance, to_timestamp(t.paid_at / 1000.0)"
  "  FROM t JOIN debited ON debited.id = t.user_id"
  "  RETURNING id, user_id, balance_after),"
  " confirmed AS ("
  "  UPDATE reservations r SET status = 'CONFIRMED', payment_id = paid.id"
  "  FROM t JOIN paid ON paid.user_id = t.user_id"
  "  WHERE r.id = ANY(string_to_array(t.ids, ',')::bigint[]) AND r.user_id + 0 = t.user_id"
  "    AND r.status NOT IN ('CONFIRMED', 'EXPIRED', 'CANCELLED')"
  "  RETURNING r.user_id),"
  // WAITING too: the queue's admission of this token, written by another
  // writer, may not have landed yet; it then finds the token ended and
  // leaves it so. A refused payment is rolled back, and this with it.
  " ended AS ("
  "  UPDATE queue_tokens q SET status = 'EXPIRED', expires_at = now() FROM t"
  "  WHERE q.token = t.token AND q.status IN ('WAITING', 'ACTIVE'))"
  " SELECT paid.id, paid.balance_after,"
  "  (SELECT count(*) FROM confirmed WHERE confirmed.user_id = paid.user_id),"
  "  paid.user_id::text"
  " FROM paid",
  true};

write_spec<payment_view> payment_write(const payment_order& order) {
  std::string ids;
  for (const auto& item : order.items)
    ids += (ids.empty() ? "" : ",") + std::to_string(item.reservation_id);
  auto user = std::to_string(order.user_id);
  set_rows::row row{&payments_kind,
                    {user, std::to_string(order.amount), std::to_string(order.paid_at), order.token,
                     ids},
                    user};
  auto alone = set_rows::statement_of({&row});
  return {{std::move(alone)},
          [order, expected = order.items.size()](rows_type& rows,
                                                 record_slot& record) -> caf::expected<payment_view> {
            if (rows[0].rows() == 0)
              return make_error(ec::insufficient_balance);
            if (rows[0].int64(0, 2) != static_cast<int64_t>(expected))
              return make_error(ec::reservation_not_held);
            payment_view view{rows[0].int64(0, 0), order.user_id, order.amount,
                              rows[0].int64(0, 1), order.paid_at, order.items};
            record = record_of(order.claim, 201, encode(view));
            return view;
          },
          {},
          std::move(row)};
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
      return queue_write<user_record>(
        self, {{{"INSERT INTO users (name, key_hash) VALUES ($1, $2) RETURNING id, balance",
                 {optional_text(user.name), user.key_hash}}},
               [](rows_type& rows, record_slot&) -> caf::expected<user_record> {
                 return user_record{rows[0].int64(0, 0), rows[0].int64(0, 1)};
               }});
    },
    [=](atom::rekey, int64_t user, const std::string& key_hash) {
      auto id = std::to_string(user);
      // A token taken with the old key ends with it, in the same step.
      return queue_write<bool>(
        self, {{{"UPDATE users SET key_hash = $2 WHERE id = $1 RETURNING id", {id, key_hash}},
                {"UPDATE queue_tokens SET status = 'EXPIRED'"
                 " WHERE user_id = $1 AND status IN ('WAITING', 'ACTIVE')",
                 {id}}},
               [id](rows_type& rows, record_slot&) -> caf::expected<bool> {
                 if (rows[0].rows() == 0)
                   return make_error(ec::user_not_found, "no user " + id);
                 return true;
               }});
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
      return queue_write<concert_info>(
        self, {{{"INSERT INTO concerts (date, title, total_seats, price)"
                 " VALUES ($1, $2, $3, $4) ON CONFLICT (date) DO NOTHING RETURNING date",
                 {c.date, c.title, std::to_string(c.total_seats), std::to_string(c.price)}}},
               [c](rows_type& rows, record_slot&) -> caf::expected<concert_info> {
                 if (rows[0].rows() == 0)
                   return make_error(ec::date_exists, "a concert on " + c.date + " exists already");
                 return c;
               }});
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
      return queue_plain_write(
        self,
        {{"INSERT INTO queue_tokens (token, user_id, status) VALUES ($1, $2, 'WAITING')",
          {token, std::to_string(user)}}},
        [user](const pg::db_error& e) -> caf::error {
          if (is_foreign_key_violation(e))
            return make_error(ec::user_not_found, "no user " + std::to_string(user));
          if (e.is_unique_violation())
            return make_error(ec::token_already_issued);
          return {};
        });
    },
    [=](atom::admit, const std::vector<admission>& admitted) {
      std::vector<std::string> tokens;
      std::vector<int64_t> expiries;
      for (const auto& a : admitted) {
        tokens.push_back(a.token);
        expiries.push_back(a.expires_at);
      }
      return queue_plain_write(self, {{"UPDATE queue_tokens q SET status = 'ACTIVE',"
                                       " expires_at = to_timestamp(a.expires_at / 1000.0)"
                                       " FROM unnest($1::uuid[], $2::bigint[]) AS a(token, expires_at)"
                                       " WHERE q.token = a.token AND q.status = 'WAITING'",
                                       {array_literal(tokens), array_literal(expiries)}}});
    },
    [=](atom::expire, const std::string& token) {
      return queue_plain_write(self, {{"UPDATE queue_tokens SET status = 'EXPIRED'"
                                       " WHERE token = $1 AND status IN ('WAITING', 'ACTIVE')",
                                       {token}}});
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
      return queue_plain_write(self, {{"INSERT INTO queue_controls (id, paused, batch_size, interval_ms)"
                                       " VALUES (1, $1, $2, $3) ON CONFLICT (id) DO UPDATE SET paused = $1,"
                                       " batch_size = $2, interval_ms = $3, changed_at = now()",
                                       {controls.paused ? "true" : "false",
                                        std::to_string(controls.batch_size),
                                        std::to_string(controls.interval_ms)}}});
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
      auto user = std::to_string(c.user_id);
      auto amount = std::to_string(c.amount);
      // The charge's row goes in whatever the update did (a refused charge
      // is rolled back whole), but never for a user who does not exist.
      return queue_write<int64_t>(
        self, {{{"UPDATE users SET balance = balance + $2"
                 " WHERE id = $1 AND balance + $2 <= 1000000000000000 RETURNING balance",
                 {user, amount}},
                {"INSERT INTO charges (user_id, amount) SELECT id, $2 FROM users WHERE id = $1",
                 {user, amount}}},
               [c](rows_type& rows, record_slot& record) -> caf::expected<int64_t> {
                 if (rows[0].rows() == 0)
                   return make_error(ec::invalid_amount, "the balance would pass 10^15");
                 auto balance = rows[0].int64(0, 0);
                 record = record_of(c.claim, 200, encode(user_record{c.user_id, balance}));
                 return balance;
               }});
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
      std::vector<std::string> values{std::to_string(hold.user_id), hold.date,
                                      std::to_string(hold.seat), std::to_string(hold.price),
                                      std::to_string(hold.expires_at)};
      auto spec = write_spec<int64_t>{
        {{"INSERT INTO reservations (user_id, concert_date, seat, price, status,"
          " expires_at) VALUES ($1, $2, $3, $4, 'HELD',"
          " to_timestamp($5::bigint / 1000.0)) RETURNING id",
          {values.begin(), values.end()}}},
        [hold](rows_type& rows, record_slot& record) -> caf::expected<int64_t> {
          // Never so unless the set-based statement lost the row; the
          // group is then sent again a write at a time.
          if (rows[0].rows() == 0)
            return make_error(ec::database_unavailable, "the hold's row was not written");
          auto id = rows[0].int64(0, 0);
          reservation_view view{id,         hold.user_id, hold.date, hold.seat,
                                hold.price, "HELD",       hold.expires_at};
          record = record_of(hold.claim, 201, encode(view));
          return id;
        },
        [](const pg::db_error& e) -> caf::error {
          if (e.is_unique_violation())
            return make_error(ec::seat_unavailable);
          return {};
        },
        set_rows::row{&holds_kind, values, hold.date + '/' + std::to_string(hold.seat)}};
      return queue_write<int64_t>(self, std::move(spec));
    },
    [=](atom::release, const hold_release& change) {
      auto id = std::to_string(change.reservation_id);
      return queue_write<bool>(
        self, {{{"UPDATE reservations SET status = $2 WHERE id = $1 AND status = 'HELD'"
                 " RETURNING id",
                 {id, change.status}}},
               [](rows_type& rows, record_slot&) -> caf::expected<bool> {
                 if (rows[0].rows() == 0)
                   return make_error(ec::reservation_not_held);
                 return true;
               },
               {},
               set_rows::row{&releases_kind, {id, change.status}, id}});
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
    [=](atom::load, atom::reservations, const std::vector<int64_t>& ids) {
      return read<std::vector<reservation_view>>(self, [ids](pg::connection& db) -> caf::expected<std::vector<reservation_view>> {
        return reservations_of(db.exec("SELECT " + reservation_columns
                                         + " FROM reservations WHERE id = ANY($1::bigint[]) ORDER BY id",
                                       {array_literal(ids)}));
      });
    },
    [=](atom::pay, const payment_order& order) {
      return queue_write<payment_view>(self, payment_write(order));
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
