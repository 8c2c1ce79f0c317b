// What was acknowledged survives kill -9.

#include <gtest/gtest.h>

#include <thread>

#include "tests/support/booking.hpp"
#include "tests/support/test_database.hpp"

using namespace concert::testing;
using nlohmann::json;

TEST(durability, users_and_concerts_survive_kill_9_and_a_restart) {
  test_database db;
  int64_t last_user = 0;
  {
    server_process server{db.url()};
    auto client = server.client();
    auto admin = server.admin();
    for (int i = 0; i < 3; ++i)
      last_user = post(client, "/api/users", "{}").body.at("userId").get<int64_t>();
    ASSERT_EQ(post(admin, "/admin/concerts",
                   R"({"date": "2026-12-24", "title": "Xmas", "seats": 50, "price": 10000})")
                .status,
              201);
    EXPECT_EQ(server.stop(SIGKILL), 128 + SIGKILL);
  }
  server_process restarted{db.url()};
  auto admin = restarted.admin();
  auto again = post(admin, "/admin/concerts",
                    R"({"date": "2026-12-24", "title": "Other", "seats": 5, "price": 1})");
  EXPECT_EQ(again.status, 409) << "the catalogue was rebuilt from the database";
  EXPECT_EQ(again.code(), "DATE_EXISTS");
  auto client = restarted.client();
  EXPECT_GT(post(client, "/api/users", "{}").body.at("userId").get<int64_t>(), last_user);
  EXPECT_EQ(db.connect().exec("SELECT count(*) FROM users").int64(0, 0), 4);
}

TEST(durability, the_booking_state_survives_kill_9) {
  test_database db;
  int64_t buyer = 0;
  std::string buyer_key;
  int64_t lapsing = 0;
  std::string buyer_token;
  std::string first_token;
  // 1. A hold made with a 1 s hold time, then a crash: it lapses while down.
  {
    server_process server{db.url(), fast_queue({{"CONCERT_HOLD_SECONDS", "1"}})};
    booking flow{server};
    flow.new_concert("2026-12-24", 10, 10000);
    auto user = flow.new_user();
    lapsing = flow.hold(flow.admitted_token(user), "2026-12-24", 1);
    server.stop(SIGKILL);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds{1200});
  // 2. A charge, a payment, a live hold and a live token, then a crash.
  json held;
  json payment;
  {
    server_process server{db.url(), fast_queue()};
    booking flow{server};
    buyer = flow.new_user();
    buyer_key = flow.key_of(buyer);
    flow.charge(buyer, 30000);
    buyer_token = flow.admitted_token(buyer);
    first_token = buyer_token;
    auto paid = flow.hold(buyer_token, "2026-12-24", 2);
    held = flow.as(buyer_token, "POST", "/api/reservations", R"({"date": "2026-12-24", "seat": 3})").body;
    payment = flow.as(buyer_token, "POST", "/api/payments", json{{"reservationId", paid}}.dump()).body;
    ASSERT_EQ(payment.value("amount", 0), 10000) << payment.dump();
    buyer_token = flow.admitted_token(buyer);
    // An admission is written behind (README): what survives a crash is
    // what was stored, so the crash comes once it is.
    auto stored_active = [&] {
      return db.connect()
               .exec("SELECT count(*) FROM queue_tokens WHERE token = $1 AND status = 'ACTIVE'",
                     {buyer_token})
               .int64(0, 0)
             == 1;
    };
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    while (!stored_active() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    ASSERT_TRUE(stored_active()) << "the admission was never stored";
    server.stop(SIGKILL);
  }
  // 3. Everything acknowledged is back.
  server_process server{db.url(), fast_queue()};
  booking flow{server};
  httplib::Headers as_buyer{{"Authorization", "Bearer " + buyer_key}};
  auto wallet = send(flow.client, "GET", "/api/users/balance?userId=" + std::to_string(buyer), {}, as_buyer);
  EXPECT_EQ(wallet.status, 200) << "the user key survives the crash";
  EXPECT_EQ(wallet.body.at("balance"), 20000);
  auto history = send(flow.client, "GET", "/api/payments?userId=" + std::to_string(buyer), {}, as_buyer);
  ASSERT_EQ(history.body.at("payments").size(), 1u);
  EXPECT_EQ(history.body.at("payments")[0], payment);
  EXPECT_EQ(get(flow.client, "/api/queue_tokens/" + buyer_token).body.at("status"), "ACTIVE")
    << "the token is back, still ACTIVE";
  auto ended = get(flow.client, "/api/queue_tokens/" + first_token);
  EXPECT_EQ(ended.status, 200) << "a token ended before the crash is still known";
  EXPECT_EQ(ended.body.at("status"), "EXPIRED");
  auto seats = flow.as(buyer_token, "GET", "/api/concerts/2026-12-24/seats").body.at("seats");
  EXPECT_EQ(seats[0].at("status"), "AVAILABLE") << "the hold that lapsed while down freed its seat";
  EXPECT_EQ(seats[1].at("status"), "SOLD");
  EXPECT_EQ(seats[2].at("status"), "HELD");
  auto hold_now = flow.as(buyer_token, "GET", "/api/reservations/" + held.at("reservationId").dump());
  EXPECT_EQ(hold_now.body, held) << "the hold keeps its original expiresAt";
  EXPECT_EQ(db.connect().exec("SELECT status FROM reservations WHERE id = $1", {std::to_string(lapsing)})
              .text(0, 0),
            "EXPIRED");
}

TEST(durability, waiting_tokens_come_back_in_the_same_order) {
  test_database db;
  launch slow_queue{{{"CONCERT_QUEUE_INTERVAL_MS", "3600000"}}, {}};
  std::vector<std::string> tokens;
  {
    server_process server{db.url(), slow_queue};
    booking flow{server};
    for (int i = 0; i < 3; ++i)
      tokens.push_back(flow.issue_token(flow.new_user()));
    server.stop(SIGKILL);
  }
  server_process server{db.url(), slow_queue};
  auto client = server.client();
  for (size_t i = 0; i < tokens.size(); ++i) {
    auto r = get(client, "/api/queue_tokens/" + tokens[i]);
    EXPECT_EQ(r.body.at("status"), "WAITING");
    EXPECT_EQ(r.body.at("position"), static_cast<int>(i + 1));
  }
}
