#include "http/wallets.hpp"

#include <algorithm>

#include "actors/errors.hpp"
#include "http/request_head.hpp"
#include "support/user_key.hpp"

namespace concert::http {

void own_wallet(const services& s, const exchange_ptr& x, int64_t user, with_wallet then) {
  auto authorization = x->req().header("Authorization");
  auto key = bearer_credentials(authorization);
  if (!is_user_key(key))
    return x->fail(make_error(ec::user_key_invalid, authorization.empty()
                                                      ? "the Authorization header is missing"
                                                      : "the Authorization header holds no user key"));
  // Only a refused key costs a database query: an address past its
  // allowance of those is told apart from no one else, but a key of a user
  // in memory still works for it.
  auto& refused = s.limits.refused_keys;
  auto client = x->context().client;
  auto wait = refused.wait(client);
  x->ask<wallet_actor>(
    s.users, message(atom::authenticate_v, user, user_key_hash(key), wait == 0), std::move(then),
    [x, &refused, client, wait](caf::error& err) {
      if (wait > 0)
        return x->fail(
          make_error(ec::rate_limited, "this address sent too many refused user keys", wait));
      if (err == make_error(ec::user_key_invalid) || err == make_error(ec::forbidden))
        refused.admit(client);
      x->fail(err);
    });
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
