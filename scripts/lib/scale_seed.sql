-- scripts/bench --scale: 2,000 dates of 100 seats, and 1,000,000
-- reservations: four lapsed holds on every seat, then one live reservation
-- (even seats held for another hour, odd seats sold). 200,000 live rows,
-- 800,000 of history; 1,000 users, one payment each.
INSERT INTO users (name, balance) SELECT 'fan ' || n, 0 FROM generate_series(1, 1000) n;
INSERT INTO payments (user_id, amount, balance_after, paid_at)
  SELECT id, 0, 0, now() FROM users;
INSERT INTO concerts (date, title, total_seats, price)
  SELECT DATE '2027-01-01' + d, 'Night ' || d, 100, 100 FROM generate_series(0, 1999) d;
INSERT INTO reservations (user_id, concert_date, seat, price, status, expires_at, payment_id)
  SELECT 1 + (d * 7 + s + k) % 1000, DATE '2027-01-01' + d, s, 100,
         CASE WHEN k < 4 THEN 'EXPIRED' WHEN s % 2 = 0 THEN 'HELD' ELSE 'CONFIRMED' END,
         CASE WHEN k = 4 AND s % 2 = 0 THEN now() + interval '1 hour'
              ELSE now() - interval '1 hour' END,
         CASE WHEN k = 4 AND s % 2 = 1 THEN 1 + (d * 7 + s + k) % 1000 END
  FROM generate_series(0, 1999) d, generate_series(1, 100) s, generate_series(0, 4) k;
VACUUM ANALYZE;
