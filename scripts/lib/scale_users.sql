-- scripts/bench --scale: users with known keys, 'k' and the id padded to 42
-- digits (a well-formed 43-character key), stored as the server stores
-- keys: the hex of their SHA-256. Run with -v users=N.
INSERT INTO users (name, balance, key_hash)
  SELECT 'fan ' || n, 1000,
         encode(sha256(convert_to('k' || lpad(n::text, 42, '0'), 'UTF8')), 'hex')
  FROM generate_series(1, :users) n;
