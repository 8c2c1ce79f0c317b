#pragma once

#include <string>
#include <vector>

#include "http/message.hpp"

#include "support/networks.hpp"

namespace concert::http {

/// The address a request comes from, as the per-address limits count it
/// (support/networks.hpp limit_key): the peer's, or, when the peer is one
/// of `trusted_proxies`, the last address in X-Forwarded-For (the one that
/// proxy added). Anything else in that header is the client's own word and
/// is ignored.
std::string client_address(const request& req,
                           const std::vector<network>& trusted_proxies);

} // namespace concert::http
