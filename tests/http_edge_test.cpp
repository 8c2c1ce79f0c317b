// The HTTP edge of the real server: health, errors as problem+json, limits,
// admin credentials.

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "tests/support/http_reply.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"

using namespace concert::testing;

namespace {

class http_edge : public ::testing::Test {
protected:
  test_database db;
  server_process server{db.url()};
};

void expect_problem(const reply& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status);
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_EQ(r.code(), code);
  EXPECT_EQ(r.body.value("status", 0), status);
  EXPECT_EQ(r.body.value("type", ""), "about:blank");
  EXPECT_FALSE(r.body.value("title", "").empty());
  EXPECT_FALSE(r.body.value("detail", "").empty());
}

} // namespace

TEST_F(http_edge, healthz_answers_on_both_ports) {
  auto client = server.client();
  auto admin = server.admin();
  for (auto* c : {&client, &admin}) {
    auto r = get(*c, "/healthz");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(r.body, (nlohmann::json{{"status", "ok"}}));
  }
}

TEST_F(http_edge, readyz_is_ok_once_state_is_recovered) {
  auto admin = server.admin();
  EXPECT_EQ(get(admin, "/readyz").status, 200);
}

TEST_F(http_edge, readyz_is_on_the_admin_port_only) {
  auto client = server.client();
  expect_problem(get(client, "/readyz"), 404, "NOT_FOUND");
}

TEST_F(http_edge, readyz_follows_the_database_and_recovers_with_it) {
  auto admin = server.admin();
  db.kill_connections();
  expect_problem(get(admin, "/readyz"), 503, "SERVICE_UNAVAILABLE");
  EXPECT_EQ(get(admin, "/readyz").status, 200) << "the store reconnects";
}

TEST_F(http_edge, unknown_routes_are_404_problems) {
  auto client = server.client();
  expect_problem(get(client, "/api/nothing"), 404, "NOT_FOUND");
  expect_problem(post(client, "/api/users/1", "{}"), 404, "NOT_FOUND");
  auto admin = server.admin();
  expect_problem(get(admin, "/admin/nothing"), 404, "NOT_FOUND");
}

TEST_F(http_edge, a_known_route_with_the_wrong_method_is_405_with_allow) {
  auto client = server.client();
  auto r = get(client, "/api/users");
  expect_problem(r, 405, "METHOD_NOT_ALLOWED");
  EXPECT_EQ(r.headers.find("Allow")->second, "POST");
  expect_problem(send(client, "DELETE", "/healthz"), 405, "METHOD_NOT_ALLOWED");
  auto admin = server.admin();
  expect_problem(get(admin, "/admin/concerts"), 405, "METHOD_NOT_ALLOWED");
}

TEST_F(http_edge, a_body_over_64_kib_is_413) {
  auto client = server.client();
  std::string big = R"({"name": ")" + std::string(64 * 1024, 'a') + "\"}";
  expect_problem(post(client, "/api/users", big), 413, "PAYLOAD_TOO_LARGE");
  std::string just_fits = R"({"name": "kim", "pad": ")" + std::string(60 * 1024, 'a') + "\"}";
  EXPECT_EQ(post(client, "/api/users", just_fits).status, 201);
}

TEST_F(http_edge, malformed_json_is_400_and_creates_nothing) {
  auto client = server.client();
  expect_problem(post(client, "/api/users", R"({"name": "kim")"), 400, "INVALID_REQUEST");
  expect_problem(post(client, "/api/users", "[1, 2]"), 400, "INVALID_REQUEST");
  expect_problem(post(client, "/api/users", "\xff\xfe"), 400, "INVALID_REQUEST");
  EXPECT_EQ(db.connect().exec("SELECT count(*) FROM users").int64(0, 0), 0);
}

TEST_F(http_edge, the_server_keeps_serving_after_bad_input) {
  auto client = server.client();
  for (int i = 0; i < 20; ++i)
    post(client, "/api/users", std::string(i * 3, '{'));
  EXPECT_EQ(post(client, "/api/users", "{}").status, 201);
}

TEST_F(http_edge, every_request_gets_a_request_id_and_one_log_line) {
  auto client = server.client();
  auto given = send(client, "GET", "/healthz", {}, {{"X-Request-Id", "trace-42"}});
  EXPECT_EQ(given.headers.find("X-Request-Id")->second, "trace-42");
  auto made = post(client, "/api/users", "{}");
  auto id = made.headers.find("X-Request-Id")->second;
  EXPECT_EQ(id.size(), 36u) << "a UUID when the client sends none";
  get(client, "/api/nothing");
  // The line is written after the answer is sent, so it may trail it.
  std::string out;
  auto line_with = [&](const std::string& needle) {
    for (int attempt = 0; attempt < 500; ++attempt) {
      out = server.output();
      std::istringstream lines{out};
      for (std::string line; std::getline(lines, line);)
        if (line.find(needle) != std::string::npos)
          return nlohmann::json::parse(line);
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    return nlohmann::json{};
  };
  auto logged = line_with("\"request_id\":\"" + id + "\"");
  ASSERT_FALSE(logged.is_null()) << out;
  EXPECT_EQ(logged.at("msg"), "request");
  EXPECT_EQ(logged.at("method"), "POST");
  EXPECT_EQ(logged.at("route"), "/api/users");
  EXPECT_EQ(logged.at("status"), 201);
  EXPECT_TRUE(logged.at("latency_ms").is_number());
  EXPECT_EQ(line_with("\"request_id\":\"trace-42\"").value("route", ""), "/healthz");
  EXPECT_EQ(line_with("\"status\":404").value("route", ""), "unmatched");
}

TEST(http_admin_auth, every_admin_call_needs_the_bearer_token_when_one_is_set) {
  test_database db;
  server_process server{db.url(), {{{"CONCERT_ADMIN_TOKEN", "s3cret"}}, {}}};
  httplib::Client anonymous{"127.0.0.1", server.admin_port()};
  for (auto path : {"/healthz", "/readyz", "/admin/concerts", "/admin/nothing"}) {
    auto r = get(anonymous, path);
    expect_problem(r, 401, "UNAUTHORIZED");
    EXPECT_EQ(r.headers.find("WWW-Authenticate")->second, "Bearer");
  }
  auto wrong = send(anonymous, "GET", "/readyz", {}, {{"Authorization", "Bearer s3cre"}});
  expect_problem(wrong, 401, "UNAUTHORIZED");
  auto admin = server.admin();
  EXPECT_EQ(get(admin, "/readyz").status, 200);
  auto created = post(admin, "/admin/concerts",
                      R"({"date": "2026-12-24", "title": "Xmas", "seats": 5, "price": 1})");
  EXPECT_EQ(created.status, 201);
  auto client = server.client();
  EXPECT_EQ(get(client, "/healthz").status, 200) << "the public port takes no admin token";
}

TEST(http_rate_limit, a_client_over_the_rate_gets_429_with_retry_after) {
  test_database db;
  server_process server{db.url(), {{{"CONCERT_RATE_LIMIT_RPS", "5"}}, {}}};
  auto client = server.client();
  int ok = 0;
  int limited = 0;
  for (int i = 0; i < 20; ++i) {
    auto r = post(client, "/api/users", "{}");
    if (r.status == 201) {
      ++ok;
    } else {
      expect_problem(r, 429, "RATE_LIMITED");
      // A sliding second: the next fits within one or two.
      auto wait = r.headers.find("Retry-After")->second;
      EXPECT_TRUE(wait == "1" || wait == "2") << wait;
      ++limited;
    }
  }
  EXPECT_GE(ok, 5);
  EXPECT_LE(ok, 10) << "at most two one-second windows' worth";
  EXPECT_GT(limited, 0);
  EXPECT_EQ(db.connect().exec("SELECT count(*) FROM users").int64(0, 0), ok)
    << "a refused request changes nothing";
}
