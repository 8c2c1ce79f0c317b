#pragma once

#include <string_view>

#include <caf/expected.hpp>
#include <httplib.h>

#include "http/services.hpp"

namespace concert::http {

/// The wallet of a user; ec::user_not_found. For routes where a queue token
/// already stands for its user.
caf::expected<wallet_actor> wallet_of(const services& s, int64_t user);

/// The wallet of `user` when the request carries that user's key as
/// `Authorization: Bearer <key>`: ec::user_key_invalid for a missing,
/// malformed or unknown key, ec::forbidden for another user's.
caf::expected<wallet_actor> own_wallet(const services& s, const httplib::Request& req,
                                       int64_t user);

/// The credentials of `Authorization: Bearer <credentials>` (the scheme in
/// any case, then one or more spaces), or empty for another scheme.
std::string_view bearer_credentials(std::string_view authorization);

} // namespace concert::http
