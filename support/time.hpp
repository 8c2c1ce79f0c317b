#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace concert {

/// The wall clock in milliseconds since the Unix epoch.
int64_t now_ms();

/// RFC 3339 UTC with milliseconds for a time in ms since the epoch.
std::string format_timestamp_ms(int64_t ms);

/// RFC 3339 UTC with milliseconds, e.g. `2026-12-24T19:00:00.000Z`.
std::string format_timestamp(std::chrono::system_clock::time_point t);

/// The UTC calendar day of `t` as `YYYY-MM-DD`.
std::string format_date(std::chrono::system_clock::time_point t);

/// True for exactly `YYYY-MM-DD` naming a real day, leap years included.
bool is_calendar_date(std::string_view text);

} // namespace concert
