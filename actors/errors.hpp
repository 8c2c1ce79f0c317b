#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>

namespace concert {

/// Domain and service errors. Each maps to one HTTP status and one API code
/// in http/problem.cpp; the context message carries a detail for the client.
enum class ec : uint8_t {
  none = 0,
  /// A body or parameter that breaks the contract.
  invalid_request,
  /// No such route.
  not_found,
  /// A known route asked with another method.
  method_not_allowed,
  /// A body over the size limit.
  payload_too_large,
  /// Missing or wrong admin credentials.
  unauthorized,
  /// The source address sent more requests a second than allowed.
  rate_limited,
  /// A concert already exists on that date.
  date_exists,
  /// A charge that is not positive, too large, or would overflow the balance.
  invalid_amount,
  /// No user with that id.
  user_not_found,
  /// No concert on that date.
  date_not_found,
  /// No such seat on that date.
  seat_not_found,
  /// The seat is held or sold.
  seat_unavailable,
  /// The user holds as many seats as allowed.
  hold_limit,
  /// No such reservation, or another user's.
  reservation_not_found,
  /// The reservation is confirmed, expired or cancelled.
  reservation_not_held,
  /// The hold lapsed before it was paid.
  hold_expired,
  /// The balance does not cover the payment.
  insufficient_balance,
  /// A queue token that is missing, malformed, unknown or expired.
  token_invalid,
  /// A queue token still waiting in line.
  not_admitted,
  /// The user holds a WAITING or ACTIVE token already.
  token_already_issued,
  /// No such queue token.
  token_not_found,
  /// An Idempotency-Key sent again with another body.
  idempotency_key_reused,
  /// Another request with the same Idempotency-Key committed first.
  idempotency_conflict,
  /// The database cannot be reached or refused a statement.
  database_unavailable,
  /// State is still being recovered from the database.
  not_ready,
  /// As many event streams are open as allowed.
  streams_full,
  /// More header lines or header bytes than allowed.
  headers_too_large,
  /// A request body with a Content-Encoding other than identity.
  unsupported_media_type,
  /// A Transfer-Encoding other than chunked.
  not_implemented,
  /// A failure inside the server that has no better name.
  internal,
  /// A user key that is missing, malformed or nobody's.
  user_key_invalid,
  /// A user key of another user than the one named.
  forbidden,
  /// A request whose head or body did not arrive within its deadline.
  request_too_slow,
};

/// The CAF error category of `ec`.
constexpr caf::atom_value ec_category = caf::atom("concert");

/// Found by CAF through ADL, so `caf::error{ec::x}` works too.
caf::error make_error(ec code, std::string detail = {});

/// A refusal that passes with time: the client may retry after
/// `retry_after` seconds (HTTP's Retry-After).
caf::error make_error(ec code, std::string detail, int64_t retry_after);

/// The detail given to make_error, or empty.
std::string detail_of(const caf::error& err);

/// The seconds given to make_error to wait before a retry, or 0.
int64_t retry_after_of(const caf::error& err);

} // namespace concert
