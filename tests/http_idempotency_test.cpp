// Idempotency-Key on charge, reservation and payment: a repeat with the
// same key and body returns the first answer and changes nothing.

#include <future>

#include <gtest/gtest.h>

#include "tests/support/booking.hpp"
#include "tests/support/test_database.hpp"

using namespace concert::testing;
using nlohmann::json;

namespace {

class http_idempotency : public ::testing::Test {
protected:
  http_idempotency() {
    flow.new_concert("2026-12-24", 10, 10000);
    user = flow.new_user();
  }

  /// POSTs with `Idempotency-Key`: with `token` when given, else as `user`.
  reply with_key(const std::string& key, const std::string& path, const json& body,
                 const std::string& token = {}) {
    httplib::Headers headers{{"Idempotency-Key", key}};
    if (token.empty())
      return flow.as_user(user, "POST", path, body.dump(), headers);
    headers.emplace("X-Queue-Token", token);
    return send(flow.client, "POST", path, body.dump(), headers);
  }

  int64_t count(const std::string& sql) {
    return db.connect().exec(sql).int64(0, 0);
  }

  test_database db;
  server_process server{db.url(), fast_queue()};
  booking flow{server};
  int64_t user = 0;
};

bool replayed(const reply& r) {
  auto i = r.headers.find("Idempotent-Replayed");
  return i != r.headers.end() && i->second == "true";
}

} // namespace

TEST_F(http_idempotency, a_repeated_charge_is_answered_once_and_charged_once) {
  json body{{"userId", user}, {"amount", 5000}};
  auto first = with_key("charge-1", "/api/users/balance", body);
  EXPECT_EQ(first.status, 200);
  EXPECT_FALSE(replayed(first));
  auto again = with_key("charge-1", "/api/users/balance", json{{"amount", 5000}, {"userId", user}});
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, first.body);
  EXPECT_TRUE(replayed(again)) << "key order does not make another body";
  EXPECT_EQ(count("SELECT count(*) FROM charges"), 1);
  auto balance = flow.as_user(user, "GET", "/api/users/balance?userId=" + std::to_string(user));
  EXPECT_EQ(balance.body.at("balance"), 5000);
  auto other = with_key("charge-2", "/api/users/balance", body);
  EXPECT_EQ(other.body.at("balance"), 10000) << "another key is another charge";
}

TEST_F(http_idempotency, the_same_key_with_another_body_is_422) {
  with_key("k", "/api/users/balance", json{{"userId", user}, {"amount", 5000}});
  auto reused = with_key("k", "/api/users/balance", json{{"userId", user}, {"amount", 6000}});
  EXPECT_EQ(reused.status, 422);
  EXPECT_EQ(reused.code(), "IDEMPOTENCY_KEY_REUSED");
  EXPECT_EQ(count("SELECT count(*) FROM charges"), 1);
}

TEST_F(http_idempotency, a_refusal_is_remembered_too) {
  auto first = with_key("big", "/api/users/balance", json{{"userId", user}, {"amount", 2000000000}});
  EXPECT_EQ(first.code(), "INVALID_AMOUNT") << "a body the decoder refuses is not remembered";
  auto token = flow.admitted_token(user);
  auto refused = with_key("pay", "/api/payments", json{{"reservationId", 99999}}, token);
  EXPECT_EQ(refused.status, 404);
  auto again = with_key("pay", "/api/payments", json{{"reservationId", 99999}}, token);
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(again.body, refused.body);
  EXPECT_TRUE(replayed(again));
}

TEST_F(http_idempotency, a_repeated_hold_returns_the_same_reservation) {
  auto token = flow.admitted_token(user);
  json body{{"date", "2026-12-24"}, {"seat", 4}};
  auto first = with_key("hold-4", "/api/reservations", body, token);
  EXPECT_EQ(first.status, 201);
  auto again = with_key("hold-4", "/api/reservations", body, token);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(count("SELECT count(*) FROM reservations"), 1);
}

TEST_F(http_idempotency, a_repeated_payment_is_answered_even_after_it_ended_the_token) {
  flow.charge(user, 30000);
  auto token = flow.admitted_token(user);
  auto id = flow.hold(token, "2026-12-24", 1);
  json body{{"reservationId", id}};
  auto first = with_key("pay-1", "/api/payments", body, token);
  ASSERT_EQ(first.status, 201) << first.body.dump();
  auto again = with_key("pay-1", "/api/payments", body, token);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(count("SELECT count(*) FROM payments"), 1);
  auto balance = flow.as_user(user, "GET", "/api/users/balance?userId=" + std::to_string(user));
  EXPECT_EQ(balance.body.at("balance"), 20000);
  auto without_key = flow.as(token, "POST", "/api/payments", body.dump());
  EXPECT_EQ(without_key.status, 401) << "the ended token is good for the replay only";
  auto other_key = with_key("pay-2", "/api/payments", body, token);
  EXPECT_EQ(other_key.status, 401);
  auto other_body = with_key("pay-1", "/api/payments", json{{"reservationId", id + 1}}, token);
  EXPECT_EQ(other_body.status, 422) << "the key is the user's: its reuse is told as such";
}

TEST_F(http_idempotency, a_malformed_key_is_400) {
  auto r = with_key(std::string(256, 'k'), "/api/users/balance", json{{"userId", user}, {"amount", 1}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code(), "INVALID_REQUEST");
}

TEST_F(http_idempotency, the_key_survives_a_restart) {
  json body{{"userId", user}, {"amount", 700}};
  auto first = with_key("durable", "/api/users/balance", body);
  server.stop(SIGKILL);
  server_process restarted{db.url(), fast_queue()};
  booking again_flow{restarted};
  httplib::Headers headers{{"Idempotency-Key", "durable"}, {"Authorization", "Bearer " + flow.key_of(user)}};
  auto again = send(again_flow.client, "POST", "/api/users/balance", body.dump(), headers);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(count("SELECT count(*) FROM charges"), 1);
}

TEST_F(http_idempotency, the_same_request_sent_twice_at_once_gets_one_answer_twice) {
  flow.charge(user, 100000);
  auto token = flow.admitted_token(user);
  // Each pair is one client's request and its retry, sent at the same
  // moment on two connections: the write is made once and both get its answer.
  auto twice = [&](const std::string& key, const std::string& path, const json& body) {
    auto once = [&] {
      httplib::Client c{"127.0.0.1", server.port()};
      return send(c, "POST", path, body.dump(), {{"Idempotency-Key", key}, {"X-Queue-Token", token}});
    };
    auto a = std::async(std::launch::async, once);
    auto b = std::async(std::launch::async, once);
    return std::make_pair(a.get(), b.get());
  };
  for (int seat = 1; seat <= 5; ++seat) {
    auto key = "hold-" + std::to_string(seat);
    auto [a, b] = twice(key, "/api/reservations", json{{"date", "2026-12-24"}, {"seat", seat}});
    EXPECT_EQ(a.status, 201) << a.body.dump();
    EXPECT_EQ(b.status, 201) << b.body.dump();
    EXPECT_EQ(a.body, b.body);
    EXPECT_NE(replayed(a), replayed(b)) << "one made it, the other is its replay";
    auto [p, q] = twice("pay-" + key, "/api/payments", json{{"reservationId", a.body.at("reservationId")}});
    EXPECT_EQ(p.status, 201) << p.body.dump();
    EXPECT_EQ(q.status, 201) << q.body.dump();
    EXPECT_EQ(p.body, q.body);
    token = flow.admitted_token(user);
  }
  EXPECT_EQ(count("SELECT count(*) FROM payments"), 5);
  EXPECT_EQ(count("SELECT count(*) FROM reservations"), 5);
}
