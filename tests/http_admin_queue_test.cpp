// The queue's admin controls through HTTP: status, pause and resume,
// retuning, revocation.

#include <gtest/gtest.h>

#include <thread>

#include "tests/support/booking.hpp"
#include "tests/support/test_database.hpp"

using namespace concert::testing;
using nlohmann::json;

namespace {

class http_admin_queue : public ::testing::Test {
protected:
  reply status() {
    return get(flow.admin, "/admin/queue");
  }

  reply change(const json& body) {
    return post(flow.admin, "/admin/queue", body.dump());
  }

  std::string issue() {
    return flow.issue_token(flow.new_user());
  }

  std::string status_of(const std::string& token) {
    return get(flow.client, "/api/queue_tokens/" + token).body.value("status", "");
  }

  test_database db;
  server_process server{db.url(), fast_queue({{"CONCERT_QUEUE_BATCH_SIZE", "7"}})};
  booking flow{server};
};

} // namespace

TEST_F(http_admin_queue, status_shows_counts_and_controls) {
  auto r = status();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, (json{{"waiting", 0}, {"active", 0}, {"admittedTotal", 0}, {"paused", false},
                          {"batchSize", 7}, {"intervalMs", 20}}));
}

TEST_F(http_admin_queue, pausing_stops_admission_and_resuming_restarts_it) {
  EXPECT_EQ(change({{"paused", true}}).body.at("paused"), true);
  auto token = issue();
  std::this_thread::sleep_for(std::chrono::milliseconds{200});
  EXPECT_EQ(status_of(token), "WAITING");
  EXPECT_EQ(status().body.at("waiting"), 1);
  EXPECT_EQ(change({{"paused", false}}).body.at("paused"), false);
  flow.admitted_token(flow.new_user());
  EXPECT_EQ(status_of(token), "ACTIVE");
  EXPECT_EQ(status().body.at("admittedTotal"), 2);
}

TEST_F(http_admin_queue, batch_size_and_interval_change_live) {
  auto r = change({{"batchSize", 50}, {"intervalMs", 40}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.at("batchSize"), 50);
  EXPECT_EQ(r.body.at("intervalMs"), 40);
  EXPECT_EQ(status().body.at("batchSize"), 50);
}

TEST_F(http_admin_queue, bad_controls_are_400) {
  for (auto body : {json::object(), json{{"paused", "yes"}}, json{{"batchSize", 0}},
                    json{{"intervalMs", 5}}, json{{"intervalMs", 1.5}}}) {
    auto r = change(body);
    EXPECT_EQ(r.status, 400) << body.dump();
    EXPECT_EQ(r.code(), "INVALID_REQUEST") << body.dump();
  }
  EXPECT_EQ(post(flow.admin, "/admin/queue", "[").status, 400);
}

TEST_F(http_admin_queue, a_revoked_token_is_expired_and_401_on_its_next_use) {
  auto token = flow.admitted_token(flow.new_user());
  auto r = send(flow.admin, "DELETE", "/admin/queue_tokens/" + token);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.at("status"), "EXPIRED");
  EXPECT_EQ(r.body.at("token"), token);
  auto use = flow.as(token, "GET", "/api/concerts/available_dates");
  EXPECT_EQ(use.status, 401);
  EXPECT_EQ(use.code(), "TOKEN_INVALID");
  EXPECT_EQ(db.connect().exec("SELECT status FROM queue_tokens WHERE token = $1", {token}).text(0, 0),
            "EXPIRED");
  EXPECT_EQ(send(flow.admin, "DELETE", "/admin/queue_tokens/" + token).status, 200)
    << "revoking again answers the expired token";
}

TEST_F(http_admin_queue, revoking_an_unknown_token_is_404) {
  auto r = send(flow.admin, "DELETE", "/admin/queue_tokens/00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.code(), "TOKEN_NOT_FOUND");
  EXPECT_EQ(send(flow.admin, "DELETE", "/admin/queue_tokens/nope").status, 404);
}

TEST(http_admin_queue_durability, a_pause_survives_kill_9) {
  test_database db;
  {
    server_process server{db.url(), fast_queue()};
    booking flow{server};
    ASSERT_EQ(post(flow.admin, "/admin/queue", R"({"paused": true, "batchSize": 3})").status, 200);
    server.stop(SIGKILL);
  }
  server_process server{db.url(), fast_queue()};
  booking flow{server};
  auto status = get(flow.admin, "/admin/queue");
  EXPECT_EQ(status.body.at("paused"), true);
  EXPECT_EQ(status.body.at("batchSize"), 3);
  auto token = flow.issue_token(flow.new_user());
  std::this_thread::sleep_for(std::chrono::milliseconds{200});
  EXPECT_EQ(get(flow.client, "/api/queue_tokens/" + token).body.at("status"), "WAITING");
}
