#include "persistence/migrations.hpp"

#include <string>
#include <vector>

namespace concert::persistence {

namespace {

struct migration {
  int version;
  const char* name;
  const char* sql;
};

// Append only: a released migration never changes, a new one gets the next
// version.
const std::vector<migration>& migrations() {
  static const std::vector<migration> all = {
    {1, "users and concerts", R"sql(
      CREATE TABLE users (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name text CHECK (char_length(name) BETWEEN 1 AND 100),
        balance bigint NOT NULL DEFAULT 0
          CHECK (balance BETWEEN 0 AND 1000000000000000),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE concerts (
        date date PRIMARY KEY,
        title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
        total_seats integer NOT NULL CHECK (total_seats BETWEEN 1 AND 10000),
        price bigint NOT NULL CHECK (price BETWEEN 0 AND 1000000000),
        created_at timestamptz NOT NULL DEFAULT now()
      );
    )sql"},
    {2, "queue tokens, reservations, charges and payments", R"sql(
      CREATE TABLE queue_tokens (
        token uuid PRIMARY KEY,
        user_id bigint NOT NULL REFERENCES users,
        line_order bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        status text NOT NULL CHECK (status IN ('WAITING', 'ACTIVE', 'EXPIRED')),
        issued_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz
      );
      -- A user holds at most one live token.
      CREATE UNIQUE INDEX queue_tokens_one_live_per_user ON queue_tokens (user_id)
        WHERE status IN ('WAITING', 'ACTIVE');

      CREATE TABLE payments (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id bigint NOT NULL REFERENCES users,
        amount bigint NOT NULL CHECK (amount >= 0),
        balance_after bigint NOT NULL CHECK (balance_after >= 0),
        paid_at timestamptz NOT NULL
      );
      CREATE INDEX payments_by_user ON payments (user_id, id DESC);

      CREATE TABLE reservations (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id bigint NOT NULL REFERENCES users,
        concert_date date NOT NULL REFERENCES concerts,
        seat integer NOT NULL CHECK (seat >= 1),
        price bigint NOT NULL CHECK (price >= 0),
        status text NOT NULL CHECK (status IN ('HELD', 'CONFIRMED', 'EXPIRED', 'CANCELLED')),
        expires_at timestamptz NOT NULL,
        payment_id bigint REFERENCES payments,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'CONFIRMED') = (payment_id IS NOT NULL))
      );
      -- The last line of defence: no seat is held or sold twice.
      CREATE UNIQUE INDEX reservations_one_live_per_seat ON reservations (concert_date, seat)
        WHERE status IN ('HELD', 'CONFIRMED');
      CREATE INDEX reservations_by_user ON reservations (user_id);
      CREATE INDEX reservations_by_payment ON reservations (payment_id);

      CREATE TABLE charges (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id bigint NOT NULL REFERENCES users,
        amount bigint NOT NULL CHECK (amount BETWEEN 1 AND 1000000000),
        charged_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX charges_by_user ON charges (user_id);
    )sql"},
    {3, "idempotency keys", R"sql(
      -- The first answer to each Idempotency-Key, written in the same
      -- transaction as the change it answered.
      CREATE TABLE idempotency_keys (
        scope text NOT NULL,
        user_id bigint NOT NULL,
        key text NOT NULL,
        request text NOT NULL,
        status integer NOT NULL,
        response text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, user_id, key)
      );
    )sql"},
    {4, "queue controls", R"sql(
      -- The operator's last live change to admission; restored at start.
      CREATE TABLE queue_controls (
        id integer PRIMARY KEY CHECK (id = 1),
        paused boolean NOT NULL,
        batch_size integer NOT NULL CHECK (batch_size BETWEEN 1 AND 100000),
        interval_ms integer NOT NULL CHECK (interval_ms BETWEEN 10 AND 3600000),
        changed_at timestamptz NOT NULL DEFAULT now()
      );
    )sql"},
    {5, "user keys", R"sql(
      -- Only the SHA-256 of a user's key is kept; users from before have
      -- none until an operator gives them one.
      ALTER TABLE users ADD COLUMN key_hash text UNIQUE
        CHECK (key_hash ~ '^[0-9a-f]{64}$');
    )sql"},
  };
  return all;
}

// Any fixed number works; it only has to be the same for every server.
constexpr const char* lock_key = "7210481";

} // namespace

int migrate(pg::connection& db) {
  pg::transaction tx{db};
  db.exec("SELECT pg_advisory_xact_lock($1)", {lock_key});
  db.exec("SET LOCAL client_min_messages = warning");
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
          " version integer PRIMARY KEY,"
          " name text NOT NULL,"
          " applied_at timestamptz NOT NULL DEFAULT now())");
  auto current = db.exec("SELECT coalesce(max(version), 0) FROM schema_migrations").int64(0, 0);
  auto latest = migrations().back().version;
  if (current > latest)
    throw pg::db_error("the database schema is at version " + std::to_string(current)
                         + ", newer than this server's " + std::to_string(latest),
                       "");
  int applied = 0;
  for (const auto& m : migrations()) {
    if (m.version <= current)
      continue;
    db.run_script(m.sql);
    db.exec("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            {std::to_string(m.version), std::string{m.name}});
    ++applied;
  }
  tx.commit();
  return applied;
}

} // namespace concert::persistence
