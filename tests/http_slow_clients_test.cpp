// Clients too slow to finish a request, or idle too long between requests,
// are cut off by deadlines that count the whole request, not each read.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/support/raw_connection.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"

using namespace concert::testing;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

class http_slow_clients : public ::testing::Test {
protected:
  test_database db;
  server_process server{db.url(),
                        {{{"CONCERT_REQUEST_TIMEOUT_MS", "1000"}, {"CONCERT_IDLE_TIMEOUT_MS", "500"}},
                         {}}};
};

/// Sends `pieces` one every 250 ms, each well within any per-read timeout,
/// until the server ends the connection; returns when it did, from the start.
clock_type::duration trickle(raw_connection& connection, const std::string& head,
                             const std::string& piece) {
  auto start = clock_type::now();
  connection.send(head);
  for (int i = 0; i < 40 && connection.send(piece); ++i)
    std::this_thread::sleep_for(250ms);
  return clock_type::now() - start;
}

} // namespace

TEST_F(http_slow_clients, a_head_that_trickles_in_is_cut_off_at_the_request_deadline) {
  raw_connection connection{server.port()};
  auto took = trickle(connection, "GET /healthz HTTP/1.1\r\nHost: x\r\n", "X-Slow: 1\r\n");
  auto answer = connection.next_answer(2s);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 408);
  EXPECT_EQ(answer->code(), "REQUEST_TIMEOUT");
  EXPECT_TRUE(connection.closed_by_server(2s));
  EXPECT_LT(took, 4s) << "ten seconds of trickle would have been taken";
}

TEST_F(http_slow_clients, a_body_that_trickles_in_is_cut_off_at_the_request_deadline) {
  raw_connection connection{server.port()};
  trickle(connection, "POST /api/users HTTP/1.1\r\nHost: x\r\nContent-Length: 4000\r\n\r\n{",
          " ");
  auto answer = connection.next_answer(2s);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 408);
  EXPECT_TRUE(connection.closed_by_server(2s));
  EXPECT_EQ(db.connect().exec("SELECT count(*) FROM users").int64(0, 0), 0);
}

TEST_F(http_slow_clients, an_idle_keep_alive_connection_is_closed_after_the_idle_limit) {
  raw_connection connection{server.port()};
  connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(connection.next_answer(2s));
  auto idle_since = clock_type::now();
  EXPECT_TRUE(connection.closed_by_server(3s));
  EXPECT_GE(clock_type::now() - idle_since, 400ms) << "not before the idle limit";
}
