#pragma once

#include <chrono>

#include "config/settings.hpp"
#include "http/hold_ledger.hpp"
#include "http/rate_limiter.hpp"

namespace concert::http {

/// What one source address may do, whatever users it makes (API.md's
/// abuse limits): so one client cannot flood the line or hoard a show.
struct abuse_limits {
  /// Refused user keys an address may send a minute before it is refused
  /// without a look: only a refused key costs a database query.
  static constexpr int64_t refused_keys_per_minute = 60;

  explicit abuse_limits(const config::settings& s)
    : new_users(s.new_users_per_minute, std::chrono::minutes{1}),
      new_tokens(s.new_tokens_per_minute, std::chrono::minutes{1}),
      holds(s.max_holds_per_address),
      refused_keys(refused_keys_per_minute, std::chrono::minutes{1}) {
  }

  rate_limiter new_users;
  rate_limiter new_tokens;
  hold_ledger holds;
  rate_limiter refused_keys;
};

} // namespace concert::http
