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
  EXPECT_EQ(limiter.admit("10.0.0.1", t + 300ms), 1) << "Retry-After: 1";
  EXPECT_EQ(limiter.admit("10.0.0.1", t + 1s), 0) << "a new second, a new allowance";
}

TEST(rate_limiter, counts_each_address_on_its_own) {
  rate_limiter limiter{1};
  rate_limiter::clock::time_point t{10s};
  EXPECT_EQ(limiter.admit("10.0.0.1", t), 0);
  EXPECT_EQ(limiter.admit("10.0.0.2", t), 0);
  EXPECT_EQ(limiter.admit("10.0.0.1", t), 1);
}

TEST(rate_limiter, zero_means_off) {
  rate_limiter limiter{0};
  for (int i = 0; i < 1000; ++i)
    EXPECT_EQ(limiter.admit("10.0.0.1"), 0);
}

TEST(rate_limiter, a_minute_window_says_how_long_until_it_ends) {
  rate_limiter limiter{2, 60s};
  rate_limiter::clock::time_point t{600s};
  EXPECT_EQ(limiter.admit("10.0.0.1", t), 0);
  EXPECT_EQ(limiter.admit("10.0.0.1", t + 10s), 0);
  EXPECT_EQ(limiter.admit("10.0.0.1", t + 15s), 45) << "Retry-After: the rest of the minute";
  EXPECT_EQ(limiter.admit("10.0.0.1", t + 59s), 1);
  EXPECT_EQ(limiter.admit("10.0.0.1", t + 60s), 0) << "a new minute, a new allowance";
}
