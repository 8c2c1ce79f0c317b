// Only a user acts for that user: every user route against the real server
// and PostgreSQL, with no key, a made-up key and another user's key.

#include <gtest/gtest.h>

#include <string>

#include "tests/support/booking.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"

using namespace concert::testing;
using nlohmann::json;

namespace {

/// A key of the right form that nobody has.
const std::string made_up_key = std::string(43, 'A');

class http_user_keys : public ::testing::Test {
protected:
  http_user_keys() {
    kim = flow.new_user();
    lee = flow.new_user();
    flow.charge(kim, 5000);
  }

  /// Sends as whoever holds `key` ("" sends no Authorization at all).
  reply with_key(const std::string& key, const std::string& method, const std::string& path,
                 const std::string& body = {}) {
    httplib::Headers headers;
    if (!key.empty())
      headers.emplace("Authorization", "Bearer " + key);
    return send(flow.client, method, path, body, headers);
  }

  /// Each way of not being `kim`, with the status and code it gets.
  struct stranger {
    std::string key;
    int status;
    const char* code;
  };
  std::vector<stranger> strangers() {
    return {{"", 401, "USER_KEY_INVALID"},
            {made_up_key, 401, "USER_KEY_INVALID"},
            {"not-a-key", 401, "USER_KEY_INVALID"},
            {flow.key_of(lee), 403, "FORBIDDEN"}};
  }

  int64_t stored(const std::string& query) {
    return db.connect().exec(query).int64(0, 0);
  }

  test_database db;
  server_process server{db.url()};
  booking flow{server};
  int64_t kim = 0;
  int64_t lee = 0;
};

} // namespace

TEST_F(http_user_keys, a_new_user_gets_a_key_of_256_random_bits_once) {
  auto created = post(flow.client, "/api/users", "{}");
  ASSERT_EQ(created.status, 201);
  auto key = created.body.at("userKey").get<std::string>();
  EXPECT_EQ(key.size(), 43u) << "32 bytes in unpadded base64url";
  EXPECT_EQ(key.find_first_not_of(
              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_NE(key, flow.key_of(kim));
  EXPECT_EQ(created.body.size(), 3u) << created.body.dump();
}

TEST_F(http_user_keys, a_charge_needs_the_users_own_key_and_a_refusal_changes_nothing) {
  auto body = json{{"userId", kim}, {"amount", 1000}}.dump();
  for (const auto& [key, status, code] : strangers()) {
    auto r = with_key(key, "POST", "/api/users/balance", body);
    EXPECT_EQ(r.status, status) << key;
    EXPECT_EQ(r.code(), code) << key;
  }
  EXPECT_EQ(stored("SELECT balance FROM users WHERE id = " + std::to_string(kim)), 5000);
  EXPECT_EQ(stored("SELECT count(*) FROM charges"), 1);
  EXPECT_EQ(flow.as_user(kim, "POST", "/api/users/balance", body).status, 200);
}

TEST_F(http_user_keys, a_balance_and_a_payment_history_are_read_with_the_users_key_only) {
  for (auto path : {"/api/users/balance?userId=", "/api/payments?userId="}) {
    for (const auto& [key, status, code] : strangers()) {
      auto r = with_key(key, "GET", path + std::to_string(kim));
      EXPECT_EQ(r.status, status) << path << key;
      EXPECT_EQ(r.code(), code);
      EXPECT_EQ(r.body.find("balance"), r.body.end()) << "nothing of kim's leaks";
    }
    EXPECT_EQ(flow.as_user(kim, "GET", path + std::to_string(kim)).status, 200) << path;
  }
}

TEST_F(http_user_keys, a_queue_token_is_issued_with_the_users_key_only) {
  auto body = json{{"userId", kim}}.dump();
  for (const auto& [key, status, code] : strangers()) {
    auto r = with_key(key, "POST", "/api/queue_tokens", body);
    EXPECT_EQ(r.status, status) << key;
    EXPECT_EQ(r.code(), code);
  }
  EXPECT_EQ(stored("SELECT count(*) FROM queue_tokens"), 0);
  EXPECT_EQ(flow.as_user(kim, "POST", "/api/queue_tokens", body).status, 201)
    << "the refusals took no token that blocks kim's own";
}

TEST_F(http_user_keys, a_key_for_an_unknown_user_tells_nothing_about_who_exists) {
  auto r = with_key(made_up_key, "GET", "/api/users/balance?userId=424242");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(with_key(flow.key_of(lee), "GET", "/api/users/balance?userId=424242").status, 403);
}

TEST_F(http_user_keys, an_operator_gives_a_new_key_and_the_old_one_fails_at_once) {
  auto old_key = flow.key_of(kim);
  auto path = "/api/users/balance?userId=" + std::to_string(kim);
  auto reset = post(flow.admin, "/admin/users/" + std::to_string(kim) + "/key", "");
  ASSERT_EQ(reset.status, 200);
  EXPECT_EQ(reset.body.at("userId"), kim);
  auto new_key = reset.body.at("userKey").get<std::string>();
  EXPECT_NE(new_key, old_key);
  EXPECT_EQ(with_key(old_key, "GET", path).code(), "USER_KEY_INVALID");
  EXPECT_EQ(with_key(new_key, "GET", path).body.at("balance"), 5000);
  EXPECT_EQ(post(flow.admin, "/admin/users/424242/key", "").code(), "USER_NOT_FOUND");
  EXPECT_EQ(post(flow.admin, "/admin/users/x/key", "").status, 400);
}

TEST_F(http_user_keys, a_new_key_also_ends_the_queue_token_taken_with_the_old_one) {
  auto token = flow.issue_token(kim);
  ASSERT_EQ(post(flow.admin, "/admin/users/" + std::to_string(kim) + "/key", "").status, 200);
  EXPECT_EQ(db.connect()
              .exec("SELECT status FROM queue_tokens WHERE token = '" + token + "'")
              .text(0, 0),
            "EXPIRED")
    << "ended in the same durable step as the key, before the answer";
  EXPECT_EQ(get(flow.client, "/api/queue_tokens/" + token).body.at("status"), "EXPIRED")
    << "whoever took a token with a stolen key loses it with the key";
  EXPECT_EQ(flow.as(token, "GET", "/api/concerts/available_dates").code(), "TOKEN_INVALID");
}

TEST_F(http_user_keys, the_bearer_scheme_is_read_in_any_case_and_a_refusal_says_how_to_pass) {
  auto path = "/api/users/balance?userId=" + std::to_string(kim);
  for (auto scheme : {"bearer ", "BEARER ", "Bearer   "}) {
    auto r = send(flow.client, "GET", path, {},
                  {{"Authorization", std::string{scheme} + flow.key_of(kim)}});
    EXPECT_EQ(r.status, 200) << scheme;
  }
  auto refused = with_key(made_up_key, "GET", path);
  EXPECT_EQ(refused.headers.find("WWW-Authenticate")->second, "Bearer");
}

TEST_F(http_user_keys, an_address_that_keeps_sending_refused_keys_is_refused_unlooked) {
  auto path = "/api/users/balance?userId=" + std::to_string(kim);
  for (int i = 0; i < 100; ++i)
    ASSERT_EQ(with_key("not-a-key", "GET", path).status, 401) << "malformed keys cost nothing";
  int refused = 0;
  while (refused < 100 && with_key(made_up_key, "GET", path).status == 401)
    ++refused;
  EXPECT_EQ(refused, 60) << "a minute's allowance of looked-up refusals";
  auto limited = with_key(made_up_key, "GET", path);
  EXPECT_EQ(limited.code(), "RATE_LIMITED");
  EXPECT_NE(limited.headers.find("Retry-After"), limited.headers.end());
  EXPECT_EQ(flow.as_user(kim, "GET", path).status, 200)
    << "a user behind the same address, already known, still gets in";
}

TEST_F(http_user_keys, a_key_is_never_in_a_log_line_the_metrics_or_the_database) {
  auto key = flow.key_of(kim);
  flow.as_user(kim, "GET", "/api/users/balance?userId=" + std::to_string(kim));
  auto reset = post(flow.admin, "/admin/users/" + std::to_string(lee) + "/key", "");
  auto new_key = reset.body.value("userKey", "");
  ASSERT_FALSE(new_key.empty());
  auto page = flow.admin.Get("/metrics");
  ASSERT_TRUE(page);
  for (const auto& secret : {key, flow.key_of(lee), new_key}) {
    EXPECT_EQ(server.output().find(secret), std::string::npos);
    EXPECT_EQ(page->body.find(secret), std::string::npos);
    EXPECT_EQ(stored("SELECT count(*) FROM users WHERE key_hash = '" + secret + "'"
                     " OR name = '" + secret + "'"),
              0);
  }
  EXPECT_EQ(stored("SELECT count(*) FROM users WHERE key_hash ~ '^[0-9a-f]{64}$'"), 2)
    << "only hashes are kept";
}
