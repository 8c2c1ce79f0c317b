// Queue tokens through HTTP: issue, position, admission, expiry.

#include <gtest/gtest.h>

#include <thread>

#include "tests/support/booking.hpp"
#include "tests/support/test_database.hpp"

using namespace concert::testing;

namespace {

reply issue(booking& flow, int64_t user) {
  return flow.as_user(user, "POST", "/api/queue_tokens", nlohmann::json{{"userId", user}}.dump());
}

} // namespace

TEST(http_queue, a_token_is_a_uuid_with_a_place_in_line) {
  test_database db;
  server_process server{db.url(), {{{"CONCERT_QUEUE_INTERVAL_MS", "3600000"}}, {}}};
  booking flow{server};
  auto first = issue(flow, flow.new_user());
  auto second = issue(flow, flow.new_user());
  EXPECT_EQ(first.status, 201);
  EXPECT_EQ(first.body.at("status"), "WAITING");
  EXPECT_EQ(first.body.at("position"), 1);
  EXPECT_TRUE(first.body.at("expiresAt").is_null());
  EXPECT_EQ(second.body.at("position"), 2);
  auto token = first.body.at("token").get<std::string>();
  EXPECT_EQ(token.size(), 36u);
  EXPECT_EQ(token[14], '4');
  auto read = get(flow.client, "/api/queue_tokens/" + token);
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.body, first.body);
  auto waiting = flow.as(token, "GET", "/api/concerts/available_dates");
  EXPECT_EQ(waiting.status, 403);
  EXPECT_EQ(waiting.code(), "NOT_ADMITTED");
}

TEST(http_queue, tokens_are_admitted_and_expire_after_their_ttl) {
  test_database db;
  server_process server{db.url(), fast_queue({{"CONCERT_TOKEN_TTL_SECONDS", "1"}})};
  booking flow{server};
  auto user = flow.new_user();
  auto token = flow.admitted_token(user);
  auto active = get(flow.client, "/api/queue_tokens/" + token);
  EXPECT_EQ(active.body.at("position"), 0);
  EXPECT_TRUE(active.body.at("expiresAt").is_string());
  EXPECT_EQ(flow.as(token, "GET", "/api/concerts/available_dates").status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds{1200});
  auto expired = flow.as(token, "GET", "/api/concerts/available_dates");
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.code(), "TOKEN_INVALID");
  EXPECT_EQ(get(flow.client, "/api/queue_tokens/" + token).body.at("status"), "EXPIRED");
  EXPECT_EQ(issue(flow, user).status, 201) << "an expired token frees the user for a new one";
}

TEST(http_queue, one_live_token_per_user_and_only_for_users) {
  test_database db;
  server_process server{db.url(), fast_queue()};
  booking flow{server};
  auto user = flow.new_user();
  EXPECT_EQ(issue(flow, user).status, 201);
  auto again = issue(flow, user);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.code(), "TOKEN_ALREADY_ISSUED");
  auto stranger = flow.as_user(user, "POST", "/api/queue_tokens", R"({"userId": 424242})");
  EXPECT_EQ(stranger.status, 403) << "a key acts for its own user only";
  EXPECT_EQ(stranger.code(), "FORBIDDEN");
  EXPECT_EQ(flow.as_user(user, "POST", "/api/queue_tokens", "{}").code(), "INVALID_REQUEST");
  EXPECT_EQ(flow.as_user(user, "POST", "/api/queue_tokens", R"({"userId": -1})").code(), "INVALID_REQUEST");
}

TEST(http_queue, unknown_tokens_are_404_and_bad_ones_401_on_guarded_routes) {
  test_database db;
  server_process server{db.url(), fast_queue()};
  booking flow{server};
  auto unknown = get(flow.client, "/api/queue_tokens/00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.code(), "TOKEN_NOT_FOUND");
  EXPECT_EQ(get(flow.client, "/api/queue_tokens/not-a-token").code(), "TOKEN_NOT_FOUND");
  for (auto token : {"", "not-a-uuid", "00000000-0000-4000-8000-000000000000"}) {
    auto r = flow.as(token, "GET", "/api/concerts/available_dates");
    EXPECT_EQ(r.status, 401) << token;
    EXPECT_EQ(r.code(), "TOKEN_INVALID") << token;
  }
  auto no_header = get(flow.client, "/api/concerts/available_dates");
  EXPECT_EQ(no_header.status, 401);
}

TEST(http_queue, the_token_is_checked_before_the_body) {
  test_database db;
  server_process server{db.url(), fast_queue()};
  booking flow{server};
  auto r = send(flow.client, "POST", "/api/reservations", "{not json");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.code(), "TOKEN_INVALID");
}
