-- scripts/bench --bookings: the conventional design the actors are measured
-- against, in a database of its own on the same PostgreSQL. Every seat is a
-- row that a hold locks (SELECT ... FOR UPDATE) and updates; a payment locks
-- the wallet's row. Run with -v dates=N -v users=N; dates are counted from
-- 2030-01-01, each of 100 seats.
CREATE TABLE users (
  id bigint PRIMARY KEY,
  balance bigint NOT NULL CHECK (balance >= 0)
);
CREATE TABLE seats (
  concert_date date NOT NULL,
  seat int NOT NULL,
  status text NOT NULL,
  price bigint NOT NULL,
  PRIMARY KEY (concert_date, seat)
);
CREATE TABLE payments (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users,
  amount bigint NOT NULL,
  balance_after bigint NOT NULL,
  paid_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE reservations (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users,
  concert_date date NOT NULL,
  seat int NOT NULL,
  price bigint NOT NULL,
  status text NOT NULL,
  expires_at timestamptz NOT NULL,
  payment_id bigint REFERENCES payments,
  FOREIGN KEY (concert_date, seat) REFERENCES seats
);
CREATE INDEX reservations_by_user ON reservations (user_id);
CREATE TABLE queue_tokens (
  token uuid PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users,
  status text NOT NULL,
  expires_at timestamptz
);
CREATE INDEX queue_tokens_by_user ON queue_tokens (user_id);

INSERT INTO users SELECT n, 1000000000000 FROM generate_series(1, :users) n;
INSERT INTO seats
  SELECT date '2030-01-01' + d, s, 'AVAILABLE', 1000
  FROM generate_series(0, :dates - 1) d, generate_series(1, 100) s;
INSERT INTO queue_tokens
  SELECT gen_random_uuid(), n, 'ACTIVE', now() + interval '1 hour'
  FROM generate_series(1, :users) n;
VACUUM ANALYZE;
