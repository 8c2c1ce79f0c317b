-- scripts/bench --bookings: payers for scripts/lib/floor_payments.pgbench,
-- on the current build's database once its server has stopped. Each of
-- :payers users has money, one HELD reservation on dates of its own (from
-- 2060 on, after the bench's) and an ACTIVE token, as a wallet pays them.
INSERT INTO concerts (date, title, total_seats, price)
  SELECT date '2060-01-01' + d, 'Floor', 100, 1000 FROM generate_series(0, (:payers - 1) / 100) d;
CREATE TABLE floor_payers (n bigint PRIMARY KEY, user_id bigint NOT NULL,
                           reservation_id bigint, token uuid NOT NULL DEFAULT gen_random_uuid());
WITH made AS (
  INSERT INTO users (name, balance) SELECT 'floor', 1000000 FROM generate_series(1, :payers)
  RETURNING id)
INSERT INTO floor_payers (n, user_id) SELECT row_number() OVER (ORDER BY id) - 1, id FROM made;
WITH held AS (
  INSERT INTO reservations (user_id, concert_date, seat, price, status, expires_at)
  SELECT user_id, date '2060-01-01' + (n / 100)::int, (n % 100)::int + 1, 1000, 'HELD',
         now() + interval '1 day'
  FROM floor_payers RETURNING id, user_id)
UPDATE floor_payers p SET reservation_id = held.id FROM held WHERE held.user_id = p.user_id;
INSERT INTO queue_tokens (token, user_id, status) SELECT token, user_id, 'ACTIVE' FROM floor_payers;
CREATE SEQUENCE floor_block MINVALUE 0 START 0;
VACUUM ANALYZE;
