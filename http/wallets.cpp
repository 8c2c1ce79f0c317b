#include "http/wallets.hpp"

#include "http/ask.hpp"

namespace concert::http {

caf::expected<wallet_actor> wallet_of(const services& s, int64_t user) {
  return ask<wallet_actor>(s.system, s.users, atom::lookup_v, user);
}

} // namespace concert::http
