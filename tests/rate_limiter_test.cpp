#include "http/rate_limiter.hpp"

#include <gtest/gtest.h>

using concert::http::rate_limiter;
using namespace std::chrono_literals;

TEST(rate_limiter, lets_the_rate_through_and_refuses_the_rest_of_the_second) {
  rate_limiter limiter{3};
  rate_limiter::clock::time_point t{10s};
  EXPECT_EQ(limiter.admit("10.0.0.1", t), 0);
  EXPECT_EQ(limiter.admit("10.0.0.1", t + 100ms), 0);
  EXPECT_EQ(limiter.admit("10.0.0.1", t + 200ms), 0);
  EXPECT_EQ(limiter.admit("10.0.0.1", t + 300ms), 2)
    << "the next fits once a third of the three has slid out, 1.03 s on";
  EXPECT_GT(limiter.admit("10.0.0.1", t + 1s), 0) << "all three are still within the last second";
  EXPECT_EQ(limiter.admit("10.0.0.1", t + 1340ms), 0);
}

TEST(rate_limiter, counts_each_address_on_its_own) {
  rate_limiter limiter{1};
  rate_limiter::clock::time_point t{10s};
  EXPECT_EQ(limiter.admit("10.0.0.1", t), 0);
  EXPECT_EQ(limiter.admit("10.0.0.2", t), 0);
  EXPECT_GT(limiter.admit("10.0.0.1", t), 0);
}

TEST(rate_limiter, zero_means_off) {
  rate_limiter limiter{0};
  for (int i = 0; i < 1000; ++i)
    EXPECT_EQ(limiter.admit("10.0.0.1"), 0);
}

TEST(rate_limiter, a_minute_window_says_when_the_next_event_fits) {
  rate_limiter limiter{2, 60s};
  rate_limiter::clock::time_point t{600s};
  EXPECT_EQ(limiter.admit("10.0.0.1", t), 0);
  EXPECT_EQ(limiter.admit("10.0.0.1", t + 10s), 0);
  EXPECT_EQ(limiter.admit("10.0.0.1", t + 15s), 75) << "half the two have slid out at t + 90 s";
  EXPECT_EQ(limiter.wait("10.0.0.1", t + 89s), 1) << "asking does not count";
  EXPECT_EQ(limiter.admit("10.0.0.1", t + 90s), 0);
}

TEST(rate_limiter, a_burst_at_a_windows_edge_gets_no_second_allowance) {
  rate_limiter limiter{20, 60s};
  rate_limiter::clock::time_point edge{660s};
  for (int i = 0; i < 20; ++i)
    ASSERT_EQ(limiter.admit("10.0.0.1", edge - 500ms), 0);
  for (int i = 0; i < 20; ++i)
    EXPECT_GT(limiter.admit("10.0.0.1", edge + 500ms), 0) << "a fixed window would admit 20 more";
}
