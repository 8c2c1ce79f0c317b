#include "support/time.hpp"

#include <cstdio>
#include <ctime>
#include <optional>

namespace concert {

std::string format_timestamp(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  auto secs = static_cast<std::time_t>(ms / 1000);
  auto millis = static_cast<int>(ms % 1000);
  if (millis < 0) {
    millis += 1000;
    --secs;
  }
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char buf[64];  // room for any int the compiler cannot rule out
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
  return buf;
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_timestamp_ms(int64_t ms) {
  return format_timestamp(std::chrono::system_clock::time_point{std::chrono::milliseconds{ms}});
}

std::string format_date(std::chrono::system_clock::time_point t) {
  return format_timestamp(t).substr(0, 10);
}

namespace {

bool is_leap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

std::optional<int> digits(std::string_view text) {
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

} // namespace

bool is_calendar_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-')
    return false;
  auto year = digits(text.substr(0, 4));
  auto month = digits(text.substr(5, 2));
  auto day = digits(text.substr(8, 2));
  return year && month && day && *year >= 1 && *month >= 1 && *month <= 12 && *day >= 1
         && *day <= days_in_month(*year, *month);
}

} // namespace concert
