#pragma once

#include <functional>
#include <string_view>

#include "actors/actors.hpp"
#include "http/exchange.hpp"
#include "http/services.hpp"

namespace concert::http {

/// What a route does with a wallet once it has it.
using with_wallet = std::function<void(wallet_actor&)>;

/// Calls `then` with the wallet of `user` when the request carries that
/// user's key as `Authorization: Bearer <key>`; otherwise answers
/// ec::user_key_invalid for a missing, malformed or unknown key,
/// ec::forbidden for another user's.
void own_wallet(const services& s, const exchange_ptr& x, int64_t user, with_wallet then);

/// The credentials of `Authorization: Bearer <credentials>` (the scheme in
/// any case, then one or more spaces), or empty for another scheme.
std::string_view bearer_credentials(std::string_view authorization);

} // namespace concert::http
