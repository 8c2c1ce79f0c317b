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
  /// A concert already exists on that date.
  date_exists,
  /// The database cannot be reached or refused a statement.
  database_unavailable,
  /// State is still being recovered from the database.
  not_ready,
};

/// The CAF error category of `ec`.
constexpr caf::atom_value ec_category = caf::atom("concert");

/// Found by CAF through ADL, so `caf::error{ec::x}` works too.
caf::error make_error(ec code, std::string detail = {});

/// The detail given to make_error, or empty.
std::string detail_of(const caf::error& err);

} // namespace concert
