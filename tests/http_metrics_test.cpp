// /metrics: Prometheus text that promtool accepts, and counters that move
// as a scripted session says they should.

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <thread>

#include <unistd.h>

#include "tests/support/booking.hpp"
#include "tests/support/metrics_page.hpp"
#include "tests/support/test_database.hpp"

using namespace concert::testing;
using nlohmann::json;

namespace {

class http_metrics : public ::testing::Test {
protected:
  std::string page() {
    auto res = flow.admin.Get("/metrics");
    EXPECT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    return res->body;
  }

  test_database db;
  server_process server{db.url(), fast_queue({{"CONCERT_HOLD_SECONDS", "1"}})};
  booking flow{server};
};

} // namespace

TEST_F(http_metrics, the_page_passes_promtool_without_warnings) {
  flow.new_concert("2026-12-24", 5, 100);
  flow.new_user();
  auto text = page();
  char path[] = "/tmp/concert-metrics-XXXXXX";
  close(mkstemp(path));
  std::ofstream{path} << text;
  auto command = std::string{"promtool check metrics < "} + path + " 2>&1";
  auto* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buf[256];
  while (fgets(buf, sizeof(buf), pipe) != nullptr)
    output += buf;
  auto status = pclose(pipe);
  std::remove(path);
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(output, "") << "promtool warns:\n" << output;
}

TEST_F(http_metrics, counters_move_as_the_session_says) {
  flow.new_concert("2026-12-24", 5, 100);
  auto user = flow.new_user();
  flow.charge(user, 1000);
  auto before = page();
  auto messages = [&](const std::string& text, const std::string& actor) {
    return sample_value(text, "concert_actor_mailbox_depth_sum{actor=\"" + actor + "\"}");
  };
  EXPECT_EQ(sample_value(before, R"(concert_seats{status="AVAILABLE"})"), 5);
  auto token = flow.admitted_token(user);
  auto paid = flow.hold(token, "2026-12-24", 1);
  auto cancelled = flow.hold(token, "2026-12-24", 2);
  auto lapsing = flow.hold(token, "2026-12-24", 3);
  ASSERT_EQ(flow.as(token, "DELETE", "/api/reservations/" + std::to_string(cancelled)).status, 200);
  ASSERT_EQ(flow.as(token, "POST", "/api/payments", json{{"reservationId", paid}}.dump()).status, 201);
  std::this_thread::sleep_for(std::chrono::milliseconds{1300});
  (void) lapsing;
  auto after = page();
  EXPECT_EQ(sample_value(after, "concert_holds_created_total"), 3);
  EXPECT_EQ(sample_value(after, "concert_holds_cancelled_total"), 1);
  EXPECT_EQ(sample_value(after, "concert_holds_expired_total"), 1);
  EXPECT_EQ(sample_value(after, "concert_payments_total"), 1);
  EXPECT_EQ(sample_value(after, "concert_paid_won_total"), 100);
  EXPECT_EQ(sample_value(after, "concert_queue_admitted_total"), 1);
  EXPECT_EQ(sample_value(after, "concert_queue_active"), 0) << "the payment ended the token";
  EXPECT_EQ(sample_value(after, R"(concert_seats{status="SOLD"})"), 1);
  EXPECT_EQ(sample_value(after, R"(concert_seats{status="HELD"})"), 0);
  EXPECT_EQ(sample_value(after, R"(concert_seats{status="AVAILABLE"})"), 4);
  EXPECT_EQ(sample_value(after, R"(concert_http_requests_total{listener="public",method="POST",route="/api/reservations",status="201"})"), 3);
  EXPECT_EQ(sample_value(after, R"(concert_http_requests_total{listener="public",method="DELETE",route="/api/reservations/{}",status="200"})"), 1);
  EXPECT_EQ(sample_value(after, R"(concert_http_request_duration_seconds_count{listener="public",method="POST",route="/api/payments"})"), 1);
  EXPECT_GT(sample_value(after, "concert_db_commit_seconds_count"), 0);
  EXPECT_GT(sample_value(after, "concert_db_commit_batch_size_count"), 0);
  for (const auto* actor : {"queue", "store", "catalog", "seat_manager", "wallet", "user_directory"})
    EXPECT_GT(messages(after, actor), messages(before, actor)) << actor << " handled messages";
  EXPECT_EQ(sample_value(after, R"(concert_actor_mailbox_depth_count{actor="other"})"), 0)
    << "every actor is known by name";
}
