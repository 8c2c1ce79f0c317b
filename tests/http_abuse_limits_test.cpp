// One client cannot hoard a show or flood the line: the per-address limits
// against the real server and PostgreSQL, with clients on several loopback
// addresses (all of 127.0.0.0/8 is this machine).

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "tests/support/booking.hpp"
#include "tests/support/raw_connection.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"

using namespace concert::testing;
using nlohmann::json;

namespace {

std::string new_user_request(const std::string& extra_headers = {}) {
  return "POST /api/users HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n" + extra_headers
         + "\r\n{}";
}

/// A user made from `source`, or the refusal's status.
int create_user_from(const server_process& server, const std::string& source,
                     const std::string& extra_headers = {}) {
  auto answer = raw_exchange(server.port(), new_user_request(extra_headers), source);
  return answer ? answer->status : 0;
}

/// A sliding minute may ask a client to wait up to two: the minute before
/// weighs in as if its events were spread over it.
void expect_retry_after_within(const reply& r, int most) {
  auto header = r.headers.find("Retry-After");
  ASSERT_NE(header, r.headers.end());
  auto seconds = std::atoi(header->second.c_str());
  EXPECT_GE(seconds, 1);
  EXPECT_LE(seconds, most);
}

int64_t count(const test_database& db, const std::string& table) {
  return db.connect().exec("SELECT count(*) FROM " + table).int64(0, 0);
}

} // namespace

TEST(http_abuse_limits, one_address_creates_at_most_its_users_a_minute) {
  test_database db;
  server_process server{db.url(), {{{"CONCERT_NEW_USERS_PER_MINUTE", "3"}}, {}}};
  auto client = server.client();
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(post(client, "/api/users", "{}").status, 201);
  auto refused = post(client, "/api/users", "{}");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.code(), "RATE_LIMITED");
  expect_retry_after_within(refused, 120);
  EXPECT_EQ(count(db, "users"), 3) << "the refused user was never made";
  EXPECT_EQ(create_user_from(server, "127.0.0.2"), 201) << "another address has its own count";
}

TEST(http_abuse_limits, one_address_takes_at_most_its_queue_tokens_a_minute) {
  test_database db;
  server_process server{db.url(), {{{"CONCERT_NEW_TOKENS_PER_MINUTE", "2"}}, {}}};
  booking flow{server};
  flow.issue_token(flow.new_user());
  flow.issue_token(flow.new_user());
  auto third = flow.new_user();
  auto refused = flow.as_user(third, "POST", "/api/queue_tokens", json{{"userId", third}}.dump());
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.code(), "RATE_LIMITED");
  expect_retry_after_within(refused, 120);
  EXPECT_EQ(count(db, "queue_tokens"), 2);
}

TEST(http_abuse_limits, throwaway_users_of_one_address_hold_no_more_than_its_cap) {
  test_database db;
  server_process server{db.url(), fast_queue({{"CONCERT_MAX_HOLDS_PER_ADDRESS", "3"}})};
  booking flow{server};
  flow.new_concert("2026-12-24", 50, 10000);
  // Two users of four holds each could take eight seats; the address, three.
  std::vector<std::string> tokens = {flow.admitted_token(flow.new_user()),
                                     flow.admitted_token(flow.new_user())};
  int seat = 1;
  std::vector<int64_t> held;
  for (int i = 0; i < 3; ++i)
    held.push_back(flow.hold(tokens[i % 2], "2026-12-24", seat++));
  auto refused = flow.as(tokens[1], "POST", "/api/reservations",
                         json{{"date", "2026-12-24"}, {"seat", seat}}.dump());
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.code(), "HOLD_LIMIT");
  expect_retry_after_within(refused, 300);
  EXPECT_EQ(count(db, "reservations"), 3);

  // A cancelled hold frees its place for the address.
  ASSERT_EQ(flow.as(tokens[0], "DELETE", "/api/reservations/" + std::to_string(held[0])).status, 200);
  EXPECT_NE(flow.hold(tokens[1], "2026-12-24", seat++), 0);
}

TEST(http_abuse_limits, a_replayed_hold_is_answered_even_when_the_address_is_at_its_cap) {
  test_database db;
  server_process server{db.url(), fast_queue({{"CONCERT_MAX_HOLDS_PER_ADDRESS", "1"}})};
  booking flow{server};
  flow.new_concert("2026-12-24", 50, 10000);
  auto token = flow.admitted_token(flow.new_user());
  auto hold = [&](int seat, const std::string& key) {
    return send(flow.client, "POST", "/api/reservations",
                json{{"date", "2026-12-24"}, {"seat", seat}}.dump(),
                {{"X-Queue-Token", token}, {"Idempotency-Key", key}});
  };
  auto first = hold(1, "h-1");
  ASSERT_EQ(first.status, 201);
  auto again = hold(1, "h-1");
  EXPECT_EQ(again.status, 201) << "a client whose answer was lost learns its reservation";
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(hold(2, "h-1").code(), "IDEMPOTENCY_KEY_REUSED");
  auto capped = hold(2, "h-2");
  EXPECT_EQ(capped.code(), "HOLD_LIMIT");
  ASSERT_EQ(flow.as(token, "DELETE", "/api/reservations/" + first.body.at("reservationId").dump())
              .status,
            200);
  EXPECT_EQ(hold(2, "h-2").status, 201) << "a 429 passes with time: it is not the key's answer";
}

TEST(http_abuse_limits, the_users_own_hold_cap_says_when_to_retry_and_is_not_remembered) {
  test_database db;
  server_process server{db.url(), fast_queue({{"CONCERT_MAX_HOLDS_PER_USER", "1"}})};
  booking flow{server};
  flow.new_concert("2026-12-24", 50, 10000);
  auto token = flow.admitted_token(flow.new_user());
  auto first = flow.hold(token, "2026-12-24", 1);
  auto capped = send(flow.client, "POST", "/api/reservations",
                     json{{"date", "2026-12-24"}, {"seat", 2}}.dump(),
                     {{"X-Queue-Token", token}, {"Idempotency-Key", "k"}});
  EXPECT_EQ(capped.code(), "HOLD_LIMIT");
  expect_retry_after_within(capped, 300);
  flow.as(token, "DELETE", "/api/reservations/" + std::to_string(first));
  EXPECT_EQ(send(flow.client, "POST", "/api/reservations",
                 json{{"date", "2026-12-24"}, {"seat", 2}}.dump(),
                 {{"X-Queue-Token", token}, {"Idempotency-Key", "k"}})
              .status,
            201);
}

TEST(http_abuse_limits, an_address_counts_once_however_it_is_written_and_ipv6_by_its_64) {
  test_database db;
  server_process server{db.url(), {{{"CONCERT_NEW_USERS_PER_MINUTE", "1"},
                                    {"CONCERT_TRUSTED_PROXIES", "127.0.0.7"}},
                                   {}}};
  auto via_proxy = [&](const std::string& forwarded) {
    return create_user_from(server, "127.0.0.7", "X-Forwarded-For: " + forwarded + "\r\n");
  };
  EXPECT_EQ(via_proxy("10.6.6.6"), 201);
  for (auto same : {"::ffff:10.6.6.6", "::FFFF:a06:606", "0:0:0:0:0:ffff:a06:606"})
    EXPECT_EQ(via_proxy(same), 429) << same;
  EXPECT_EQ(via_proxy("2001:db8::1"), 201);
  for (auto same_64 : {"2001:DB8::1", "2001:db8:0::2", "2001:db8::ffff:9"})
    EXPECT_EQ(via_proxy(same_64), 429) << same_64;
  EXPECT_EQ(via_proxy("2001:db8:0:1::1"), 201) << "the next /64 is another subscriber";
}

TEST(http_abuse_limits, an_untrusted_peer_cannot_pick_its_address_with_x_forwarded_for) {
  test_database db;
  server_process server{db.url(), {{{"CONCERT_NEW_USERS_PER_MINUTE", "2"}}, {}}};
  for (int i = 0; i < 2; ++i)
    ASSERT_EQ(create_user_from(server, "127.0.0.3",
                               "X-Forwarded-For: 10.9.9." + std::to_string(i) + "\r\n"),
              201);
  EXPECT_EQ(create_user_from(server, "127.0.0.3", "X-Forwarded-For: 10.9.9.77\r\n"), 429)
    << "the header of an untrusted peer is ignored";
  EXPECT_EQ(count(db, "users"), 2);
}

TEST(http_abuse_limits, a_trusted_proxy_names_the_client_in_its_last_forwarded_hop) {
  test_database db;
  server_process server{db.url(), {{{"CONCERT_NEW_USERS_PER_MINUTE", "1"},
                                    {"CONCERT_TRUSTED_PROXIES", "127.0.0.4, 127.0.5.0/24"}},
                                   {}}};
  auto via_proxy = [&](const std::string& proxy, const std::string& forwarded) {
    return create_user_from(server, proxy, "X-Forwarded-For: " + forwarded + "\r\n");
  };
  EXPECT_EQ(via_proxy("127.0.0.4", "203.0.113.1"), 201);
  EXPECT_EQ(via_proxy("127.0.0.4", "203.0.113.2"), 201) << "another client behind the proxy";
  EXPECT_EQ(via_proxy("127.0.5.9", "198.51.100.7, 203.0.113.1"), 429)
    << "the last hop is the client; what a client put before it is its own word";
  EXPECT_EQ(via_proxy("127.0.5.9", "203.0.113.1, 203.0.113.3"), 201);
  EXPECT_EQ(create_user_from(server, "127.0.0.4"), 201) << "no header: the proxy's own address";
  EXPECT_EQ(create_user_from(server, "127.0.0.4"), 429);
  EXPECT_EQ(count(db, "users"), 4);
}

TEST(http_abuse_limits, the_limits_are_on_by_default) {
  test_database db;
  // The test support turns them off for tests about other things; the
  // server's own defaults are API.md's: 20 users, 60 tokens, 20 holds.
  launch defaults;
  defaults.default_abuse_limits = true;
  server_process server{db.url(), defaults};
  int created = 0;
  while (created < 25 && create_user_from(server, "127.0.0.6") == 201)
    ++created;
  EXPECT_EQ(created, 20);
}
