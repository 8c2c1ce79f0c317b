// The store against a real PostgreSQL: a group of writes goes out in one
// pipeline, a refused write changes nothing while the rest commit, and
// sharded writers keep each date's and each user's writes in order.

#include "persistence/store.hpp"

#include <gtest/gtest.h>

#include <thread>

#include <caf/all.hpp>

#include "actors/errors.hpp"
#include "persistence/migrations.hpp"
#include "persistence/store_router.hpp"
#include "support/metrics.hpp"
#include "tests/support/test_database.hpp"

using namespace concert;
using namespace concert::testing;

namespace {

const int64_t far_future = 4'102'444'800'000; // 2100-01-01

class store_test : public ::testing::Test {
protected:
  store_test() : sys(with_types(cfg)), self(sys) {
    auto setup = db.connect();
    persistence::migrate(setup);
    // The first user of a fresh database is user 1.
    EXPECT_EQ(setup.exec("INSERT INTO users (name) VALUES ('kim') RETURNING id").int64(0, 0), 1);
    setup.exec("INSERT INTO concerts (date, title, total_seats, price)"
               " VALUES ('2026-12-24', 'Xmas', 50, 10000)");
    store = sys.spawn<caf::detached>(concert::store, db.url());
  }

  ~store_test() override {
    self->send_exit(store, caf::exit_reason::user_shutdown);
  }

  static caf::actor_system_config& with_types(caf::actor_system_config& c) {
    c.add_message_types<caf::id_block::concert>();
    return c;
  }

  /// Holds the row of user 1 from a connection of the test's own until
  /// the returned transaction ends, and waits until the store waits for it:
  /// whatever is sent to the store meanwhile queues up for one group.
  pg::connection block_the_store() {
    auto blocker = db.connect();
    blocker.exec("BEGIN");
    blocker.exec("SELECT 1 FROM users WHERE id = 1 FOR UPDATE");
    self->send(store, atom::charge_v, new_charge{1, 100, {}});
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    auto watcher = db.connect();
    while (watcher.exec("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        " AND datname = current_database()")
             .rows()
           == 0) {
      if (std::chrono::steady_clock::now() > deadline)
        ADD_FAILURE() << "the store never waited for the row";
      std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
    return blocker;
  }

  /// True when the store released the hold; false when it answered that
  /// the reservation was not held.
  template <class Handle>
  static bool released(Handle& handle) {
    auto answer = false;
    handle.receive([&](bool) { answer = true; }, [](caf::error& err) {
      EXPECT_EQ(err, make_error(ec::reservation_not_held)) << caf::to_string(err);
    });
    return answer;
  }

  /// A user with `balance`, an ACTIVE token and a HELD reservation for
  /// each of `seats`.
  struct payer {
    int64_t user = 0;
    std::string token;
    std::vector<paid_item> items;
  };

  payer payer_with(int64_t balance, std::vector<int32_t> seats) {
    auto setup = db.connect();
    payer p;
    p.user = setup.exec("INSERT INTO users (name, balance) VALUES ('payer', $1) RETURNING id",
                        {std::to_string(balance)})
               .int64(0, 0);
    p.token = setup
                .exec("INSERT INTO queue_tokens (token, user_id, status)"
                      " VALUES (gen_random_uuid(), $1, 'ACTIVE') RETURNING token",
                      {std::to_string(p.user)})
                .text(0, 0);
    for (auto seat : seats)
      p.items.push_back(
        {setup
           .exec("INSERT INTO reservations (user_id, concert_date, seat, price, status, expires_at)"
                 " VALUES ($1, '2026-12-24', $2, 10000, 'HELD', now() + interval '1 hour')"
                 " RETURNING id",
                 {std::to_string(p.user), std::to_string(seat)})
           .int64(0, 0),
         "2026-12-24", seat, 10000});
    return p;
  }

  /// Asks the store to pay for all of `p`'s items.
  auto pay(const payer& p) {
    auto amount = 10000 * static_cast<int64_t>(p.items.size());
    return self->request(store, std::chrono::seconds{10}, atom::pay_v,
                         payment_order{p.user, p.token, amount, far_future, p.items, {}});
  }

  new_hold hold_of(int32_t seat, idempotency_claim claim = {}) {
    return new_hold{1, "2026-12-24", seat, 10000, far_future, std::move(claim)};
  }

  test_database db;
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scoped_actor self;
  store_actor store;
};

} // namespace

TEST_F(store_test, a_refused_write_changes_nothing_and_the_rest_of_its_group_commits) {
  db.connect().exec("INSERT INTO reservations (user_id, concert_date, seat, price, status, expires_at)"
                    " VALUES (1, '2026-12-24', 5, 10000, 'HELD', now() + interval '1 hour')");
  auto replayed = metrics::actors().commit_groups_replayed.load();
  auto blocker = block_the_store();
  auto timeout = std::chrono::seconds{10};
  auto first = self->request(store, timeout, atom::create_v, hold_of(1));
  auto taken = self->request(store, timeout, atom::create_v, hold_of(5));
  auto third = self->request(store, timeout, atom::create_v, hold_of(2));
  auto charge = self->request(store, timeout, atom::charge_v, new_charge{1, 50, {}});
  blocker.exec("COMMIT");

  std::vector<caf::expected<int64_t>> answers;
  for (auto* h : {&first, &taken, &third, &charge}) {
    caf::expected<int64_t> answer{caf::error{}};
    std::move(*h).receive([&](int64_t value) { answer = value; },
                          [&](caf::error& err) { answer = std::move(err); });
    answers.push_back(std::move(answer));
  }
  ASSERT_TRUE(answers[0]) << caf::to_string(answers[0].error());
  ASSERT_FALSE(answers[1]);
  EXPECT_EQ(answers[1].error(), make_error(ec::seat_unavailable));
  ASSERT_TRUE(answers[2]) << caf::to_string(answers[2].error());
  ASSERT_TRUE(answers[3]) << caf::to_string(answers[3].error());
  EXPECT_EQ(*answers[3], 150) << "the blocked charge of 100, then this one of 50";

  auto check = db.connect();
  EXPECT_EQ(check.exec("SELECT count(*) FROM reservations WHERE seat = 5").int64(0, 0), 1)
    << "the refused hold wrote nothing";
  EXPECT_EQ(check.exec("SELECT count(*) FROM reservations WHERE seat IN (1, 2) AND status = 'HELD'")
              .int64(0, 0),
            2);
  EXPECT_EQ(check.exec("SELECT count(*) FROM charges").int64(0, 0), 2);
  EXPECT_EQ(metrics::actors().commit_groups_replayed.load(), replayed + 1)
    << "the group went out once whole, then one write at a time";
}

TEST_F(store_test, holds_and_releases_of_a_group_go_out_as_one_statement_each_and_each_reads_its_own_row) {
  auto setup = db.connect();
  auto held = [&](int32_t seat) {
    return setup
      .exec("INSERT INTO reservations (user_id, concert_date, seat, price, status, expires_at)"
            " VALUES (1, '2026-12-24', $1, 10000, 'HELD', now() + interval '1 hour') RETURNING id",
            {std::to_string(seat)})
      .int64(0, 0);
  };
  auto lapsing = held(20);
  auto cancelled = held(21);
  auto replayed = metrics::actors().commit_groups_replayed.load();
  auto blocker = block_the_store();
  auto timeout = std::chrono::seconds{10};
  auto release = [&](int64_t id, const char* status) {
    return self->request(store, timeout, atom::release_v, hold_release{id, status, "2026-12-24"});
  };
  std::vector<decltype(self->request(store, timeout, atom::create_v, hold_of(0)))> holds;
  for (int32_t seat : {12, 10, 11})
    holds.push_back(self->request(store, timeout, atom::create_v, hold_of(seat)));
  auto lapse = release(lapsing, "EXPIRED");
  auto cancel = release(cancelled, "CANCELLED");
  blocker.exec("COMMIT");

  std::vector<int64_t> ids;
  for (auto& h : holds)
    h.receive([&](int64_t id) { ids.push_back(id); },
              [](caf::error& err) { ADD_FAILURE() << caf::to_string(err); });
  ASSERT_EQ(ids.size(), 3u);
  auto check = db.connect();
  for (size_t i = 0; i < ids.size(); ++i)
    EXPECT_EQ(check.exec("SELECT seat FROM reservations WHERE id = $1", {std::to_string(ids[i])})
                .int64(0, 0),
              std::vector<int64_t>({12, 10, 11})[i])
      << "each hold is answered with its own row's id";
  EXPECT_TRUE(released(lapse));
  EXPECT_TRUE(released(cancel));
  EXPECT_EQ(check.exec("SELECT status FROM reservations WHERE id = $1", {std::to_string(lapsing)})
              .text(0, 0),
            "EXPIRED");
  EXPECT_EQ(check.exec("SELECT status FROM reservations WHERE id = $1", {std::to_string(cancelled)})
              .text(0, 0),
            "CANCELLED");
  EXPECT_EQ(metrics::actors().commit_groups_replayed.load(), replayed)
    << "nothing was refused, so the group went out once";
}

TEST_F(store_test, a_reservation_released_twice_in_one_group_is_released_once) {
  auto id = db.connect()
              .exec("INSERT INTO reservations (user_id, concert_date, seat, price, status, expires_at)"
                    " VALUES (1, '2026-12-24', 30, 10000, 'HELD', now() + interval '1 hour')"
                    " RETURNING id")
              .int64(0, 0);
  auto blocker = block_the_store();
  auto timeout = std::chrono::seconds{10};
  auto release = [&](int64_t reservation, const char* status) {
    return self->request(store, timeout, atom::release_v,
                         hold_release{reservation, status, "2026-12-24"});
  };
  auto lapse = release(id, "EXPIRED");
  auto cancel = release(id, "CANCELLED");
  auto nobody = release(999999, "EXPIRED");
  blocker.exec("COMMIT");
  EXPECT_TRUE(released(lapse));
  EXPECT_FALSE(released(cancel)) << "the second release finds it no longer held";
  EXPECT_FALSE(released(nobody));
  EXPECT_EQ(db.connect()
              .exec("SELECT status FROM reservations WHERE id = $1", {std::to_string(id)})
              .text(0, 0),
            "EXPIRED");
}

TEST_F(store_test, payments_gather_after_the_rest_of_their_group_and_each_reads_its_own_row) {
  auto two_seats = payer_with(50000, {41, 42});
  auto one_seat = payer_with(20000, {43});
  auto replayed = metrics::actors().commit_groups_replayed.load();
  auto blocker = block_the_store();
  auto timeout = std::chrono::seconds{10};
  auto first = pay(two_seats);
  auto hold = self->request(store, timeout, atom::create_v, hold_of(44));
  auto second = pay(one_seat);
  auto charge = self->request(store, timeout, atom::charge_v, new_charge{one_seat.user, 5, {}});
  blocker.exec("COMMIT");

  auto paid = [](auto& handle) {
    payment_view view;
    handle.receive([&](payment_view& v) { view = std::move(v); },
                   [](caf::error& err) { ADD_FAILURE() << caf::to_string(err); });
    return view;
  };
  auto first_paid = paid(first);
  auto second_paid = paid(second);
  EXPECT_EQ(first_paid.balance, 30000);
  hold.receive([](int64_t) {}, [](caf::error& err) { ADD_FAILURE() << caf::to_string(err); });
  charge.receive([](int64_t balance) { EXPECT_EQ(balance, 20005) << "the charge went first"; },
                 [](caf::error& err) { ADD_FAILURE() << caf::to_string(err); });
  EXPECT_EQ(second_paid.balance, 10005) << "the payment went after the charge sent after it";

  auto check = db.connect();
  for (const auto& [p, view] : {std::pair{two_seats, first_paid}, std::pair{one_seat, second_paid}}) {
    EXPECT_EQ(check
                .exec("SELECT count(*) FROM reservations"
                      " WHERE user_id = $1 AND status = 'CONFIRMED' AND payment_id = $2",
                      {std::to_string(p.user), std::to_string(view.payment_id)})
                .int64(0, 0),
              static_cast<int64_t>(p.items.size()))
      << "each payment confirmed its own reservations";
    EXPECT_EQ(check.exec("SELECT status FROM queue_tokens WHERE token = $1", {p.token}).text(0, 0),
              "EXPIRED");
    EXPECT_EQ(check.exec("SELECT user_id FROM payments WHERE id = $1",
                         {std::to_string(view.payment_id)})
                .int64(0, 0),
              p.user);
  }
  EXPECT_EQ(metrics::actors().commit_groups_replayed.load(), replayed)
    << "nothing was refused, so the group went out once";
}

TEST_F(store_test, a_refused_payment_among_gathered_ones_is_refused_alone) {
  auto first = payer_with(50000, {45});
  auto poor = payer_with(5000, {46});
  auto lapsed = payer_with(50000, {47});
  db.connect().exec("UPDATE reservations SET status = 'EXPIRED' WHERE id = $1",
                    {std::to_string(lapsed.items[0].reservation_id)});
  auto last = payer_with(50000, {48});
  auto replayed = metrics::actors().commit_groups_replayed.load();
  auto blocker = block_the_store();
  auto first_pay = pay(first);
  auto poor_pay = pay(poor);
  auto lapsed_pay = pay(lapsed);
  auto last_pay = pay(last);
  blocker.exec("COMMIT");

  auto outcome = [](auto& handle) {
    caf::error refusal;
    handle.receive([](payment_view&) {}, [&](caf::error& err) { refusal = std::move(err); });
    return refusal;
  };
  EXPECT_FALSE(outcome(first_pay));
  EXPECT_EQ(outcome(poor_pay), make_error(ec::insufficient_balance));
  EXPECT_EQ(outcome(lapsed_pay), make_error(ec::reservation_not_held));
  EXPECT_FALSE(outcome(last_pay));
  auto check = db.connect();
  for (const auto& p : {poor, lapsed}) {
    EXPECT_EQ(check.exec("SELECT status FROM queue_tokens WHERE token = $1", {p.token}).text(0, 0),
              "ACTIVE")
      << "a refused payment ends no token";
    EXPECT_EQ(check.exec("SELECT count(*) FROM payments WHERE user_id = $1", {std::to_string(p.user)})
                .int64(0, 0),
              0);
  }
  EXPECT_EQ(check.exec("SELECT balance FROM users WHERE id = $1", {std::to_string(poor.user)})
              .int64(0, 0),
            5000);
  EXPECT_EQ(check.exec("SELECT status FROM reservations WHERE id = $1",
                       {std::to_string(poor.items[0].reservation_id)})
              .text(0, 0),
            "HELD");
  for (const auto& p : {first, last})
    EXPECT_EQ(check.exec("SELECT status FROM reservations WHERE id = $1",
                         {std::to_string(p.items[0].reservation_id)})
                .text(0, 0),
              "CONFIRMED");
  EXPECT_EQ(metrics::actors().commit_groups_replayed.load(), replayed + 1)
    << "the set was refused once, then each payment went alone";
}

TEST_F(store_test, an_idempotency_key_taken_refuses_its_write_alone) {
  idempotency_claim claim{"reservations", 1, "key-1", R"({"date":"2026-12-24","seat":3})"};
  db.connect().exec("INSERT INTO idempotency_keys (scope, user_id, key, request, status, response)"
                    " VALUES ('reservations', 1, 'key-1', '{}', 201, '{}')");
  auto blocker = block_the_store();
  auto timeout = std::chrono::seconds{10};
  auto keyed = self->request(store, timeout, atom::create_v, hold_of(3, claim));
  auto other = self->request(store, timeout, atom::create_v, hold_of(4));
  blocker.exec("COMMIT");
  keyed.receive([](int64_t) { ADD_FAILURE() << "a taken key let its write commit"; },
                [](caf::error& err) { EXPECT_EQ(err, make_error(ec::idempotency_conflict)); });
  other.receive([](int64_t id) { EXPECT_GT(id, 0); },
                [](caf::error& err) { ADD_FAILURE() << caf::to_string(err); });
  auto check = db.connect();
  EXPECT_EQ(check.exec("SELECT count(*) FROM reservations WHERE seat = 3").int64(0, 0), 0);
  EXPECT_EQ(check.exec("SELECT count(*) FROM reservations WHERE seat = 4").int64(0, 0), 1);
}

TEST_F(store_test, a_taken_key_beside_a_refusal_answers_each_write_and_leaves_the_store_usable) {
  idempotency_claim taken{"balance", 1, "key-3", R"({"amount":5})"};
  db.connect().exec("INSERT INTO idempotency_keys (scope, user_id, key, request, status, response)"
                    " VALUES ('balance', 1, 'key-3', '{}', 200, '{}')");
  auto blocker = block_the_store();
  auto timeout = std::chrono::seconds{10};
  auto keyed = self->request(store, timeout, atom::charge_v, new_charge{1, 5, taken});
  auto plain = self->request(store, timeout, atom::create_v, hold_of(8));
  auto refused = self->request(store, timeout, atom::release_v,
                               hold_release{999999, "CANCELLED", "2026-12-24"});
  blocker.exec("COMMIT");
  keyed.receive([](int64_t) { ADD_FAILURE() << "a taken key let its charge commit"; },
                [](caf::error& err) { EXPECT_EQ(err, make_error(ec::idempotency_conflict)); });
  plain.receive([](int64_t id) { EXPECT_GT(id, 0); },
                [](caf::error& err) { ADD_FAILURE() << caf::to_string(err); });
  refused.receive([](bool) { ADD_FAILURE() << "an unknown reservation was released"; },
                  [](caf::error& err) { EXPECT_EQ(err, make_error(ec::reservation_not_held)); });
  self->request(store, timeout, atom::load_v, atom::wallet_v, int64_t{1})
    .receive([](wallet_row& row) { EXPECT_EQ(row.balance, 100) << "the blocked charge alone"; },
             [](caf::error& err) { ADD_FAILURE() << "the next read failed: " << caf::to_string(err); });
}

TEST_F(store_test, a_change_replaces_the_refusal_its_simultaneous_duplicate_stored) {
  // Two identical requests under one key at once: the second was refused
  // while the first was in flight, and its refusal was stored first.
  idempotency_claim claim{"reservations", 1, "key-4", R"({"date":"2026-12-24","seat":9})"};
  db.connect().exec("INSERT INTO idempotency_keys (scope, user_id, key, request, status, response)"
                    " VALUES ('reservations', 1, 'key-4', $1, 409, '{\"code\":\"SEAT_UNAVAILABLE\"}')",
                    {claim.request});
  caf::expected<int64_t> id{caf::error{}};
  self->request(store, std::chrono::seconds{10}, atom::create_v, hold_of(9, claim))
    .receive([&](int64_t value) { id = value; }, [&](caf::error& err) { id = std::move(err); });
  ASSERT_TRUE(id) << caf::to_string(id.error());
  auto stored = db.connect().exec("SELECT status FROM idempotency_keys WHERE key = 'key-4'");
  EXPECT_EQ(stored.int64(0, 0), 201) << "the key now answers with the hold";
}

TEST_F(store_test, a_keyed_hold_stores_its_answer_with_the_reservation) {
  idempotency_claim claim{"reservations", 1, "key-2", R"({"date":"2026-12-24","seat":7})"};
  caf::expected<int64_t> id{caf::error{}};
  self->request(store, std::chrono::seconds{10}, atom::create_v, hold_of(7, claim))
    .receive([&](int64_t value) { id = value; }, [&](caf::error& err) { id = std::move(err); });
  ASSERT_TRUE(id) << caf::to_string(id.error());
  auto stored = db.connect().exec("SELECT status, response FROM idempotency_keys WHERE key = 'key-2'");
  ASSERT_EQ(stored.rows(), 1);
  EXPECT_EQ(stored.int64(0, 0), 201);
  EXPECT_NE(stored.text(0, 1).find("\"reservationId\":" + std::to_string(*id)), std::string::npos);
}

TEST_F(store_test, sharded_writers_commit_a_users_writes_in_the_order_sent) {
  auto sharded = spawn_store(sys, db.url(), 4).router;
  std::vector<caf::response_handle<caf::blocking_actor, caf::detail::type_list<int64_t>, true>> charges;
  for (int64_t amount = 1; amount <= 40; ++amount)
    charges.push_back(self->request(sharded, std::chrono::seconds{10}, atom::charge_v,
                                    new_charge{1, amount, {}}));
  int64_t expected = 0;
  for (int64_t amount = 1; amount <= 40; ++amount) {
    expected += amount;
    std::move(charges[static_cast<size_t>(amount - 1)])
      .receive([&](int64_t balance) { EXPECT_EQ(balance, expected) << "charge " << amount; },
               [](caf::error& err) { ADD_FAILURE() << caf::to_string(err); });
  }
  self->request(sharded, std::chrono::seconds{10}, atom::load_v, atom::wallet_v, int64_t{1})
    .receive([&](wallet_row& row) { EXPECT_EQ(row.balance, expected) << "read after the acks"; },
             [](caf::error& err) { ADD_FAILURE() << caf::to_string(err); });
  self->send_exit(sharded, caf::exit_reason::user_shutdown);
}

TEST_F(store_test, sharded_writers_let_the_first_hold_sent_on_a_seat_win) {
  auto sharded = spawn_store(sys, db.url(), 4).router;
  for (int round = 0; round < 10; ++round) {
    auto seat = static_cast<int32_t>(10 + round);
    std::vector<caf::response_handle<caf::blocking_actor, caf::detail::type_list<int64_t>, true>> holds;
    for (int i = 0; i < 5; ++i)
      holds.push_back(self->request(sharded, std::chrono::seconds{10}, atom::create_v,
                                    hold_of(seat)));
    for (size_t i = 0; i < holds.size(); ++i)
      std::move(holds[i]).receive(
        [&](int64_t) { EXPECT_EQ(i, 0u) << "seat " << seat << ": hold " << i << " won"; },
        [&](caf::error& err) {
          EXPECT_NE(i, 0u) << caf::to_string(err);
          EXPECT_EQ(err, make_error(ec::seat_unavailable));
        });
  }
  self->send_exit(sharded, caf::exit_reason::user_shutdown);
}
