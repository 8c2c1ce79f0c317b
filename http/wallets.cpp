#include "http/wallets.hpp"

#include "actors/errors.hpp"
#include "http/ask.hpp"
#include "support/user_key.hpp"

namespace concert::http {

caf::expected<wallet_actor> wallet_of(const services& s, int64_t user) {
  return ask<wallet_actor>(s.system, s.users, atom::lookup_v, user);
}

caf::expected<wallet_actor> own_wallet(const services& s, const httplib::Request& req,
                                       int64_t user) {
  static constexpr std::string_view scheme = "Bearer ";
  auto authorization = req.get_header_value("Authorization");
  auto key = std::string_view{authorization};
  if (key.substr(0, scheme.size()) != scheme || !is_user_key(key.substr(scheme.size())))
    return make_error(ec::user_key_invalid, authorization.empty()
                                              ? "the Authorization header is missing"
                                              : "the Authorization header holds no user key");
  return ask<wallet_actor>(s.system, s.users, atom::authenticate_v, user,
                           user_key_hash(key.substr(scheme.size())));
}

} // namespace concert::http
