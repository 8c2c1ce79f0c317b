#pragma once

#include <caf/expected.hpp>

#include "http/services.hpp"

namespace concert::http {

/// The wallet of a user; ec::user_not_found.
caf::expected<wallet_actor> wallet_of(const services& s, int64_t user);

} // namespace concert::http
