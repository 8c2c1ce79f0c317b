#include "support/time.hpp"

#include <gtest/gtest.h>

using namespace std::chrono;

TEST(time, timestamps_are_rfc3339_utc_with_milliseconds) {
  system_clock::time_point t{milliseconds{1798138800123}};
  EXPECT_EQ(concert::format_timestamp(t), "2026-12-24T19:00:00.123Z");
  EXPECT_EQ(concert::format_timestamp(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
}

TEST(time, a_date_is_the_utc_day) {
  system_clock::time_point t{milliseconds{1798138800123}};
  EXPECT_EQ(concert::format_date(t), "2026-12-24");
}

TEST(time, calendar_dates_follow_the_gregorian_rules) {
  EXPECT_TRUE(concert::is_calendar_date("2026-12-24"));
  EXPECT_TRUE(concert::is_calendar_date("2000-02-29"));
  EXPECT_FALSE(concert::is_calendar_date("1900-02-29"));
  EXPECT_FALSE(concert::is_calendar_date("2026-04-31"));
  EXPECT_FALSE(concert::is_calendar_date("2026-00-10"));
  EXPECT_FALSE(concert::is_calendar_date("0000-01-01"));
  EXPECT_FALSE(concert::is_calendar_date("2026-12-24T00"));
  EXPECT_FALSE(concert::is_calendar_date("2026-12-2x"));
  EXPECT_FALSE(concert::is_calendar_date("+026-12-24"));
}
