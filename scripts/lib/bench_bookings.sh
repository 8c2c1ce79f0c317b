# scripts/bench --bookings, sourced by scripts/bench after its setup: the
# booking path against the conventional design, as one table.
#
# For each build (the "before" revision when one is named, then the current
# one), on a fresh database with 5,000 dates of 100 seats seeded by SQL:
# /healthz, the guarded seat list over 1,000 dates, a hold refused at the
# guard (the edge's part of a hold, alone), durable holds on free seats, and
# whole purchases (a hold, then its payment). Then the conventional design
# (scripts/lib/conventional.sql) on the same PostgreSQL through pgbench:
# the hold, and the hold then the payment. Every run at $table_connections
# connections for $seconds s. Last, PostgreSQL's part of a hold alone
# (scripts/lib/floor_rows.pgbench) and of a payment alone
# (scripts/lib/floor_payments.pgbench), and with the refused hold the most
# holds and purchases a second this machine leaves room for whatever the
# actors cost.

launch_env=(CONCERT_MAX_HOLDS_PER_USER=100 CONCERT_QUEUE_BATCH_SIZE=100000
             CONCERT_QUEUE_MAX_ACTIVE=10000000)
# The seat list reads dates 0-999, holds take 1000-2999, purchases 3000-4999.
booking_dates=5000
for i in $(seq 0 $((booking_dates - 1))); do date -d "2030-01-01 + $i days" +%F; done >"$work/dates"
head -1000 "$work/dates" >"$work/list_dates"

# buyers_run BUILD MODE FIRST_DATE USERS: tests/tools/buyers' line into
# $work/BUILD.MODE.buyers.
buyers_run() {
  local build=$1 mode=$2 first=$3 users=$4
  echo "== $build: $mode"
  "$build_dir/tests/buyers" "$port" "$admin" "$mode" "$table_connections" "$seconds" \
    "$work/dates" "$first" 100 "$users" 100 >"$work/$build.$mode.buyers" 2>&1 &
  load=$!
  wait "$load" || echo "buyers exited with status $?" >>"$work/$build.$mode.buyers"
  load=""
  cat "$work/$build.$mode.buyers"
}

# buyers_cells FILE: "req/s | p50 | p99 | errors" of one buyers line.
buyers_cells() {
  awk "$awk_thousands"'
    /done in/ {
      for (i = 1; i <= NF; i++) {
        if ($i == "done") n = $(i - 1)
        if ($i ~ /\/s,$/) rate = $i + 0
        if ($i == "p50") p50 = $(i + 1)
        if ($i == "p99") p99 = $(i + 1)
        if ($i == "non-2xx") errors = $(i + 1)
      }
      found = 1
    }
    END {
      if (!found) { print "0 | – | – | failed"; exit }
      printf "%s | %.2f ms | %.2f ms | %s\n", thousands(rate), p50, p99, errors == 0 ? "none" : "non-2xx " errors
    }' "$1"
}

# bookings BUILD BINARY: the four runs of one build.
bookings() {
  local build=$1 binary=$2 log=$work/bookings_$1.log token
  psql -q "$(pg_url "$work/pg" postgres)" -c "CREATE DATABASE bookings_$build"
  db_url=$(pg_url "$work/pg" "bookings_$build")
  # The first start applies the schema; the dates go in by SQL, and the
  # second start recovers them.
  # Each start logs to a file of its own: launch reads the ports from it.
  launch "$binary" "$db_url" "$log.schema" || true
  wait_ready "$binary" "$log.schema"
  stop_server
  psql -q "$db_url" -c "INSERT INTO concerts (date, title, total_seats, price)
    SELECT date '2030-01-01' + d, 'Bench', 100, 1000 FROM generate_series(0, $((booking_dates - 1))) d"
  launch "$binary" "$db_url" "$log" || true
  wait_ready "$binary" "$log"
  token=$(active_token)
  measure "$build" healthz "$api/healthz"
  DATES=$work/list_dates measure "$build" seats -s "$work/seats.lua" -H "X-Queue-Token: $token" "$api"
  measure "$build" refused -s "$work/refused.lua" "$api/api/reservations"
  # 100 holds a user, 2,000 dates' seats; one user a purchase.
  buyers_run "$build" holds 1000 2000
  buyers_run "$build" purchases 3000 $((seconds * 4000 < 200000 ? seconds * 4000 : 200000))
  stop_server
}

# pgbench_run NAME SCRIPT: the conventional design's run, its report and
# per-transaction log under $work/NAME.
pgbench_run() {
  local name=$1 script=$2
  echo "== conventional: $name"
  mkdir -p "$work/$name"
  ( cd "$work/$name" && pgbench -n -M prepared -c "$table_connections" -j 2 -T "$seconds" \
      -D dates=10000 -D users=100000 -f "$script" -l --log-prefix=tx "$conventional_url" \
      >report 2>&1 ) || echo "pgbench exited with status $?" >>"$work/$name/report"
  grep -E "tps|failed|latency average|pgbench exited" "$work/$name/report" || true
}

# pgbench_cells NAME: "req/s | p50 | p99 | errors" of one pgbench run.
pgbench_cells() {
  local rate failed
  rate=$(awk '/^tps/ {print $3; exit}' "$work/$1/report")
  failed=$(awk '/failed transactions/ {print $5}' "$work/$1/report")
  cat "$work/$1"/tx.* 2>/dev/null | awk '{print $3 / 1000}' | sort -n | awk -v rate="${rate:-0}" -v failed="${failed:-0}" "$awk_thousands"'
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "0 | – | – | failed"; exit }
      printf "%s | %.2f ms | %.2f ms | %s\n", thousands(rate), v[int((NR - 1) * 0.5) + 1],
             v[int((NR - 1) * 0.99) + 1], failed == 0 ? "none" : failed " failed"
    }'
}

# A hold with a well-formed body and a token nobody was given: the edge
# reads, parses and refuses it (401) without a message to any actor.
cat >"$work/refused.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"date":"2030-01-05","seat":7}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Queue-Token"] = "00000000-0000-4000-8000-000000000000"
LUA

cat >"$work/seats.lua" <<'LUA'
local dates = {}
for line in io.lines(os.getenv("DATES")) do dates[#dates + 1] = line end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/api/concerts/" .. dates[n % #dates + 1] .. "/seats")
end
LUA

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; ${seconds} s a run," \
     "$table_connections connections; fsync on"
builds=()
if [ -n "$before_rev" ]; then
  builds+=(before)
  bookings before "$before_binary"
fi
builds+=(after)
bookings after "$after_binary"

psql -q "$(pg_url "$work/pg" postgres)" -c "CREATE DATABASE conventional"
conventional_url=$(pg_url "$work/pg" conventional)
say "seeding the conventional design: 10,000 dates of 100 seats, 100,000 users"
psql -q "$conventional_url" -v dates=10000 -v users=100000 -f "$project_root/scripts/lib/conventional.sql"
pgbench_run conventional_hold "$project_root/scripts/lib/conventional_hold.pgbench"
pgbench_run conventional_purchase "$project_root/scripts/lib/conventional_purchase.pgbench"
# PostgreSQL's part of a hold alone, on the current build's database.
echo "== PostgreSQL alone: hold rows, 16 a transaction"
( cd "$work" && pgbench -n -M prepared -c 8 -j 2 -T "$seconds" -D dates="$booking_dates" \
    -f "$project_root/scripts/lib/floor_rows.pgbench" "$(pg_url "$work/pg" bookings_after)" \
    >"$work/floor.report" 2>&1 ) || echo "pgbench exited with status $?" >>"$work/floor.report"
grep -E "tps|failed|pgbench exited" "$work/floor.report" || true
floor_rows=$(awk '/^tps/ {printf "%d", $3 * 16; exit}' "$work/floor.report")
# PostgreSQL's part of a payment alone: a fixed number of transactions,
# each paying 16 payers nobody paid before, so the seed is sized to them.
floor_clients=8
floor_transactions=1000
say "seeding payers for PostgreSQL's part of a payment"
psql -q "$(pg_url "$work/pg" bookings_after)" -v payers=$((floor_clients * floor_transactions * 16)) \
  -f "$project_root/scripts/lib/floor_payments_seed.sql"
echo "== PostgreSQL alone: payments, 16 a transaction"
( cd "$work" && pgbench -n -M prepared -c "$floor_clients" -j 2 -t "$floor_transactions" \
    -f "$project_root/scripts/lib/floor_payments.pgbench" "$(pg_url "$work/pg" bookings_after)" \
    >"$work/floor_payments.report" 2>&1 ) \
  || echo "pgbench exited with status $?" >>"$work/floor_payments.report"
grep -E "tps|failed|pgbench exited" "$work/floor_payments.report" || true
floor_payments=$(awk '/^tps/ {printf "%d", $3 * 16; exit}' "$work/floor_payments.report")

echo
echo "${seconds} s a run, $table_connections connections;" \
     "before: ${before_rev:-not measured}, after: the working tree"
echo
header="| run |"
rule="|---|"
for build in "${builds[@]}"; do
  header+=" $build req/s | $build p50 | $build p99 | $build errors |"
  rule+="---|---|---|---|"
done
echo "$header"
echo "$rule"
row() {
  local line="| $1 |" build
  for build in "${builds[@]}"; do line+=" $("$2" "$work/$build.$3") |"; done
  echo "$line"
}
row '`GET /healthz`' cells healthz.wrk
row 'guarded seat list over 1,000 dates' cells seats.wrk
row 'a hold refused at the guard (the edge alone; all answers 401)' cells refused.wrk
row 'durable hold `POST /api/reservations`' buyers_cells holds.buyers
row 'whole purchase (hold, then `POST /api/payments`)' buyers_cells purchases.buyers
echo
echo "The conventional design on the same PostgreSQL (pgbench, prepared statements):"
echo
echo "| run | req/s | p50 | p99 | errors |"
echo "|---|---|---|---|---|"
echo "| hold: lock the seat's row, mark it, insert the reservation | $(pgbench_cells conventional_hold) |"
echo "| purchase: that hold; then lock the wallet's row, debit, record the payment, confirm, sell, end the token | $(pgbench_cells conventional_purchase) |"
echo "| PostgreSQL's part of a hold alone: reservation rows as a group commit writes them, 16 a transaction, 8 clients, on the current build's database | $(awk "$awk_thousands"'{print thousands($1)}' <<<"${floor_rows:-0}") rows/s | | | |"
echo "| PostgreSQL's part of a payment alone: payments as a group commit writes them, 16 a transaction, 8 clients, on the current build's database | $(awk "$awk_thousands"'{print thousands($1)}' <<<"${floor_payments:-0}") payments/s | | | |"
echo
ratio() { awk "BEGIN {printf \"%.2f\", $1 / ($2 > 0 ? $2 : 1)}"; }
rate_in() { awk -F'|' '{gsub(/[ ,]/, "", $1); print $1 + 0}' <<<"$1"; }
conventional_hold=$(rate_in "$(pgbench_cells conventional_hold)")
conventional_purchase=$(rate_in "$(pgbench_cells conventional_purchase)")
for build in "${builds[@]}"; do
  healthz=$(rate_of "$work/$build.healthz.wrk")
  seats=$(rate_of "$work/$build.seats.wrk")
  holds=$(rate_in "$(buyers_cells "$work/$build.holds.buyers")")
  purchases=$(rate_in "$(buyers_cells "$work/$build.purchases.buyers")")
  refused=$(rate_of "$work/$build.refused.wrk")
  room=$(awk -v a="$refused" -v b="${floor_rows:-0}" 'BEGIN {if (a > 0 && b > 0) printf "%d", 1 / (1 / a + 1 / b); else print 0}')
  echo "$build: room for at most $room holds/s with actors that cost nothing" \
       "(the refused hold and PostgreSQL's rows sharing the machine):" \
       "$(ratio "$room" "$conventional_hold") × the conventional hold"
  # A purchase is two requests at the edge, a hold's row and a payment.
  purchase_room=$(awk -v a="$refused" -v b="${floor_rows:-0}" -v c="${floor_payments:-0}" \
    'BEGIN {if (a > 0 && b > 0 && c > 0) printf "%d", 1 / (2 / a + 1 / b + 1 / c); else print 0}')
  echo "$build: room for at most $purchase_room purchases/s with actors that cost nothing" \
       "(two refused holds, a hold's row and a payment sharing the machine):" \
       "$(ratio "$purchase_room" "$conventional_purchase") × the conventional purchase"
  echo "$build: seat list ÷ healthz $(ratio "$seats" "$healthz");" \
       "holds ÷ conventional hold $(ratio "$holds" "$conventional_hold");" \
       "purchases ÷ conventional purchase $(ratio "$purchases" "$conventional_purchase")"
done
