// The live queue position: GET /api/queue_tokens/{token} with
// `Accept: text/event-stream` on the real server.

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "tests/support/booking.hpp"
#include "tests/support/event_stream_client.hpp"
#include "tests/support/test_database.hpp"

using namespace concert::testing;
using nlohmann::json;

namespace {

class http_event_stream : public ::testing::Test {
protected:
  std::string issue() {
    return flow.issue_token(flow.new_user());
  }

  void pause(bool paused) {
    EXPECT_EQ(post(flow.admin, "/admin/queue", json{{"paused", paused}}.dump()).status, 200);
  }

  event_stream_client stream(const std::string& token) {
    return event_stream_client{server.port(), "/api/queue_tokens/" + token};
  }

  test_database db;
  server_process server{db.url(), fast_queue({{"CONCERT_QUEUE_BATCH_SIZE", "1"},
                                              {"CONCERT_QUEUE_INTERVAL_MS", "100"}})};
  booking flow{server};
};

} // namespace

TEST_F(http_event_stream, a_client_sees_its_position_fall_then_active_and_the_stream_ends) {
  pause(true);
  issue();
  issue();
  auto mine = issue();
  auto events = stream(mine);
  auto head = events.head();
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("Content-Type: text/event-stream\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Cache-Control: no-cache\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("X-Request-Id: "), std::string::npos) << head;
  auto first = events.next_event();
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, get(flow.client, "/api/queue_tokens/" + mine).body)
    << "the first event is the token as GET shows it";
  EXPECT_EQ(first->at("position"), 3);
  pause(false);
  std::vector<std::string> seen;
  while (auto e = events.next_event())
    seen.push_back(e->at("status").get<std::string>() + " " + e->at("position").dump());
  EXPECT_EQ(seen, (std::vector<std::string>{"WAITING 2", "WAITING 1", "ACTIVE 0"}));
  EXPECT_EQ(events.last_id(), "ACTIVE/0");
  EXPECT_TRUE(events.ends());
}

TEST_F(http_event_stream, a_client_reconnecting_after_the_final_event_gets_204) {
  auto mine = flow.admitted_token(flow.new_user());
  auto events = stream(mine);
  ASSERT_TRUE(events.next_event());
  ASSERT_TRUE(events.ends());
  auto again = send(flow.client, "GET", "/api/queue_tokens/" + mine, {},
                    {{"Accept", "text/event-stream"}, {"Last-Event-ID", events.last_id()}});
  EXPECT_EQ(again.status, 204) << "EventSource stops reconnecting on 204";
  auto fresh = stream(mine);
  EXPECT_TRUE(fresh.next_event()) << "without Last-Event-ID the token is streamed once more";
}

TEST_F(http_event_stream, a_revoked_token_ends_its_stream_with_expired) {
  pause(true);
  auto mine = issue();
  auto events = stream(mine);
  ASSERT_TRUE(events.next_event());
  EXPECT_EQ(send(flow.admin, "DELETE", "/admin/queue_tokens/" + mine).status, 200);
  auto last = events.next_event();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->at("status"), "EXPIRED");
  EXPECT_TRUE(events.ends());
}

TEST_F(http_event_stream, an_active_token_gets_one_event_and_an_unknown_one_404) {
  auto mine = flow.admitted_token(flow.new_user());
  auto events = stream(mine);
  auto only = events.next_event();
  ASSERT_TRUE(only);
  EXPECT_EQ(only->at("status"), "ACTIVE");
  EXPECT_TRUE(events.ends());
  auto unknown = send(flow.client, "GET", "/api/queue_tokens/7c1f1c8e-1b1a-4c3e-9f3e-0d5f8a4b2c11",
                      {}, {{"Accept", "text/event-stream"}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.code(), "TOKEN_NOT_FOUND");
  EXPECT_EQ(unknown.content_type, "application/problem+json");
}

TEST_F(http_event_stream, the_server_ends_open_streams_when_it_stops) {
  pause(true);
  auto events = stream(issue());
  ASSERT_TRUE(events.next_event());
  EXPECT_EQ(server.stop(), 0);
  EXPECT_TRUE(events.ends());
}

TEST(http_event_streams, past_the_cap_a_new_stream_gets_503) {
  test_database db;
  server_process server{db.url(), fast_queue({{"CONCERT_MAX_STREAMS", "1"}})};
  booking flow{server};
  EXPECT_EQ(post(flow.admin, "/admin/queue", R"({"paused": true})").status, 200);
  auto path = [&] { return "/api/queue_tokens/" + flow.issue_token(flow.new_user()); };
  event_stream_client open{server.port(), path()};
  ASSERT_TRUE(open.next_event());
  auto refused = send(flow.client, "GET", path(), {}, {{"Accept", "text/event-stream"}});
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.code(), "TOO_MANY_STREAMS");
  EXPECT_TRUE(refused.headers.count("Retry-After"));
}
