// Charging and reading a wallet, and the payment history, through HTTP.

#include <gtest/gtest.h>

#include "tests/support/booking.hpp"
#include "tests/support/test_database.hpp"

using namespace concert::testing;

namespace {

class http_wallet : public ::testing::Test {
protected:
  test_database db;
  server_process server{db.url(), fast_queue()};
  booking flow{server};
};

/// Charges `body` with the key of `as`.
reply charge(booking& flow, int64_t as, const std::string& body) {
  return flow.as_user(as, "POST", "/api/users/balance", body);
}

std::string charge_body(int64_t user, const std::string& amount) {
  return R"({"userId": )" + std::to_string(user) + R"(, "amount": )" + amount + "}";
}

} // namespace

TEST_F(http_wallet, a_charge_adds_to_the_balance_and_is_stored) {
  auto user = flow.new_user();
  auto r = charge(flow, user, charge_body(user, "5000"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, (nlohmann::json{{"userId", user}, {"balance", 5000}}));
  EXPECT_EQ(charge(flow, user, charge_body(user, "2500")).body.at("balance"), 7500);
  auto read = flow.as_user(user, "GET", "/api/users/balance?userId=" + std::to_string(user));
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.body, (nlohmann::json{{"userId", user}, {"balance", 7500}}));
  EXPECT_EQ(db.connect().exec("SELECT balance FROM users WHERE id = $1", {std::to_string(user)})
              .int64(0, 0),
            7500);
  EXPECT_EQ(db.connect().exec("SELECT sum(amount) FROM charges").int64(0, 0), 7500);
}

TEST_F(http_wallet, a_bad_amount_is_invalid_amount_and_changes_nothing) {
  auto user = flow.new_user();
  for (auto amount : {"0", "-5", "1.5", "\"100\"", "1000000001", "1e3", "null"}) {
    auto r = charge(flow, user, charge_body(user, amount));
    EXPECT_EQ(r.status, 400) << amount;
    EXPECT_EQ(r.code(), "INVALID_AMOUNT") << amount;
  }
  auto balance = flow.as_user(user, "GET", "/api/users/balance?userId=" + std::to_string(user));
  EXPECT_EQ(balance.body.at("balance"), 0);
}

TEST_F(http_wallet, the_balance_may_not_pass_ten_to_the_fifteenth) {
  auto user = flow.new_user();
  // Set before the wallet is first used, so it loads this balance.
  db.connect().exec("UPDATE users SET balance = 999999999999000 WHERE id = $1",
                    {std::to_string(user)});
  auto over = charge(flow, user, charge_body(user, "1001"));
  EXPECT_EQ(over.status, 400);
  EXPECT_EQ(over.code(), "INVALID_AMOUNT");
  EXPECT_EQ(charge(flow, user, charge_body(user, "1000")).body.at("balance"), 1000000000000000);
  EXPECT_EQ(charge(flow, user, charge_body(user, "1")).code(), "INVALID_AMOUNT");
}

TEST_F(http_wallet, a_missing_or_bad_user_is_rejected) {
  auto user = flow.new_user();
  auto unknown = charge(flow, user, charge_body(424242, "10"));
  EXPECT_EQ(unknown.status, 403) << "a key acts for its own user only";
  EXPECT_EQ(unknown.code(), "FORBIDDEN");
  EXPECT_EQ(charge(flow, user, R"({"amount": 10})").code(), "INVALID_REQUEST");
  EXPECT_EQ(charge(flow, user, R"({"userId": "1", "amount": 10})").code(), "INVALID_REQUEST");
  EXPECT_EQ(charge(flow, user, R"({"userId": 1})").code(), "INVALID_REQUEST");
  for (auto query : {"", "?userId=", "?userId=abc", "?userId=0", "?userId=-1", "?userId=1.5"}) {
    auto r = flow.as_user(user, "GET", std::string{"/api/users/balance"} + query);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_EQ(r.code(), "INVALID_REQUEST") << query;
  }
  auto missing = flow.as_user(user, "GET", "/api/users/balance?userId=424242");
  EXPECT_EQ(missing.status, 403);
  EXPECT_EQ(missing.code(), "FORBIDDEN");
  EXPECT_EQ(flow.as_user(user, "GET", "/api/payments?userId=424242").code(), "FORBIDDEN");
  EXPECT_EQ(flow.as_user(user, "GET", "/api/payments?userId=x").status, 400);
}

TEST_F(http_wallet, payment_history_lists_payments_newest_first) {
  flow.new_concert("2026-12-24", 10, 1000);
  auto user = flow.new_user();
  flow.charge(user, 10000);
  EXPECT_EQ(flow.as_user(user, "GET", "/api/payments?userId=" + std::to_string(user)).body,
            (nlohmann::json{{"payments", nlohmann::json::array()}}));
  auto token = flow.admitted_token(user);
  auto a = flow.hold(token, "2026-12-24", 1);
  auto b = flow.hold(token, "2026-12-24", 2);
  ASSERT_EQ(flow.as(token, "POST", "/api/payments", nlohmann::json{{"reservationId", a}}.dump()).status, 201);
  token = flow.admitted_token(user);
  ASSERT_EQ(flow.as(token, "POST", "/api/payments", nlohmann::json{{"reservationId", b}}.dump()).status, 201);
  auto history = flow.as_user(user, "GET", "/api/payments?userId=" + std::to_string(user));
  ASSERT_EQ(history.status, 200);
  auto& payments = history.body.at("payments");
  ASSERT_EQ(payments.size(), 2u);
  EXPECT_EQ(payments[0].at("reservations")[0].at("reservationId"), b);
  EXPECT_EQ(payments[0].at("balance"), 8000);
  EXPECT_EQ(payments[1].at("reservations")[0].at("reservationId"), a);
  EXPECT_EQ(payments[1].at("balance"), 9000);
  EXPECT_EQ(payments[1].at("status"), "CONFIRMED");
}
