#include "persistence/store.hpp"

#include <functional>

#include "actors/errors.hpp"
#include "support/log.hpp"

namespace concert {

namespace {

using store_pointer = store_actor::stateful_pointer<store_state>;

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
  try {
    auto& db = connected(self->state);
    pg::transaction tx{db};
    for (auto& write : batch)
      write->run(db);
    tx.commit();
  } catch (const pg::db_error& e) {
    failure = unavailable(e);
  }
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
caf::result<T> read(store_pointer self, const std::function<T(pg::connection&)>& query) {
  flush(self);
  try {
    return query(connected(self->state));
  } catch (const pg::db_error& e) {
    return unavailable(e);
  }
}

pg::param optional_text(const std::string& s) {
  return s.empty() ? pg::param{} : pg::param{s};
}

} // namespace

store_actor::behavior_type store(store_pointer self, std::string database_url) {
  self->state.database_url = std::move(database_url);
  return {
    [=](atom::create, const new_user& user) {
      return queue_write<user_record>(self, [user](pg::connection& db) -> caf::expected<user_record> {
        auto row = db.exec("INSERT INTO users (name) VALUES ($1) RETURNING id, balance",
                           {optional_text(user.name)});
        return user_record{row.int64(0, 0), row.int64(0, 1)};
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
      return read<std::vector<concert_info>>(self, [](pg::connection& db) {
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
    [=](atom::flush) { flush(self); },
    [=](atom::ping) {
      return read<bool>(self, [](pg::connection& db) {
        db.exec("SELECT 1");
        return true;
      });
    },
  };
}

} // namespace concert
