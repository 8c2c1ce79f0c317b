#include "http/wallets.hpp"

#include <algorithm>

#include "actors/errors.hpp"
#include "http/ask.hpp"
#include "http/request_head.hpp"
#include "http/request_log.hpp"
#include "support/user_key.hpp"

namespace concert::http {

caf::expected<wallet_actor> wallet_of(const services& s, int64_t user) {
  return ask<wallet_actor>(s.system, s.users, atom::lookup_v, user);
}

caf::expected<wallet_actor> own_wallet(const services& s, const httplib::Request& req,
                                       int64_t user) {
  auto authorization = req.get_header_value("Authorization");
  auto key = bearer_credentials(authorization);
  if (!is_user_key(key))
    return make_error(ec::user_key_invalid, authorization.empty()
                                              ? "the Authorization header is missing"
                                              : "the Authorization header holds no user key");
  // Only a refused key costs a database query: an address past its
  // allowance of those is told apart from no one else, but a key of a user
  // in memory still works for it.
  auto& refused = s.limits.refused_keys;
  const auto& client = current_request().client;
  auto wait = refused.wait(client);
  auto wallet = ask<wallet_actor>(s.system, s.users, atom::authenticate_v, user,
                                  user_key_hash(key), wait == 0);
  if (wallet)
    return wallet;
  if (wait > 0)
    return make_error(ec::rate_limited, "this address sent too many refused user keys", wait);
  if (wallet.error() == make_error(ec::user_key_invalid)
      || wallet.error() == make_error(ec::forbidden))
    refused.admit(client);
  return wallet;
}

std::string_view bearer_credentials(std::string_view authorization) {
  // RFC 9110: the scheme is case-insensitive; RFC 6750: one or more spaces.
  static constexpr std::string_view scheme = "Bearer";
  if (authorization.size() <= scheme.size() || authorization[scheme.size()] != ' '
      || !same_name(authorization.substr(0, scheme.size()), scheme))
    return {};
  auto rest = authorization.substr(scheme.size());
  rest.remove_prefix(std::min(rest.find_first_not_of(' '), rest.size()));
  return rest;
}

} // namespace concert::http
