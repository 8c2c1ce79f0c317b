#include "http/hold_ledger.hpp"

#include <gtest/gtest.h>

using concert::http::hold_ledger;
using namespace std::chrono_literals;

namespace {

const hold_ledger::clock::time_point t{1000s};

} // namespace

TEST(hold_ledger, an_address_holds_up_to_its_cap_across_all_its_users) {
  hold_ledger ledger{2};
  ASSERT_EQ(ledger.reserve("10.0.0.1", t), 0);
  ledger.held("10.0.0.1", 1, t + 300s);
  ASSERT_EQ(ledger.reserve("10.0.0.1", t), 0);
  ledger.held("10.0.0.1", 2, t + 200s);
  EXPECT_EQ(ledger.reserve("10.0.0.1", t + 50s), 150) << "Retry-After: until the first lapses";
  EXPECT_EQ(ledger.reserve("10.0.0.2", t), 0) << "another address is not affected";
}

TEST(hold_ledger, asks_under_way_count_so_a_burst_cannot_overshoot) {
  hold_ledger ledger{2};
  EXPECT_EQ(ledger.reserve("10.0.0.1", t), 0);
  EXPECT_EQ(ledger.reserve("10.0.0.1", t), 0);
  EXPECT_EQ(ledger.reserve("10.0.0.1", t), 1);
  ledger.failed("10.0.0.1");
  EXPECT_EQ(ledger.reserve("10.0.0.1", t), 0) << "a refused hold frees its place";
}

TEST(hold_ledger, a_lapsed_cancelled_or_paid_hold_frees_its_place) {
  hold_ledger ledger{1};
  ledger.reserve("10.0.0.1", t);
  ledger.held("10.0.0.1", 1, t + 300s);
  EXPECT_GT(ledger.reserve("10.0.0.1", t + 299s), 0);
  EXPECT_EQ(ledger.reserve("10.0.0.1", t + 300s), 0) << "lapsed at its expiresAt";
  ledger.held("10.0.0.1", 2, t + 900s);
  EXPECT_GT(ledger.reserve("10.0.0.1", t + 301s), 0);
  ledger.released({2});
  EXPECT_EQ(ledger.reserve("10.0.0.1", t + 301s), 0) << "cancelled or paid";
}

TEST(hold_ledger, a_replayed_hold_is_counted_once) {
  hold_ledger ledger{2};
  ledger.reserve("10.0.0.1", t);
  ledger.held("10.0.0.1", 7, t + 300s);
  ledger.reserve("10.0.0.1", t);
  ledger.held("10.0.0.1", 7, t + 300s);
  EXPECT_EQ(ledger.reserve("10.0.0.1", t), 0);
}

TEST(hold_ledger, zero_means_off) {
  hold_ledger ledger{0};
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(ledger.reserve("10.0.0.1", t), 0);
}
