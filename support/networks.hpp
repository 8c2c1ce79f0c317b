#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace concert {

/// An IPv4 or IPv6 address with a prefix length: one address is a network
/// of /32 or /128.
struct network {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
  int prefix = 0;
};

/// `192.0.2.7`, `10.0.0.0/8`, `::1`, `2001:db8::/32`; nothing when malformed.
std::optional<network> parse_network(std::string_view text);

/// A comma-separated list of networks (spaces allowed); nothing when any
/// entry is malformed. An empty text is an empty list.
std::optional<std::vector<network>> parse_networks(std::string_view text);

/// Whether the numeric address `address` lies in `net`. An IPv4 address
/// written as IPv6 (::ffff:a.b.c.d) counts as the IPv4 one.
bool contains(const network& net, std::string_view address);

/// Whether `text` is a numeric IPv4 or IPv6 address.
bool is_address(std::string_view text);

/// What per-address limits count `address` as: an IPv4 address in its one
/// written form (an IPv4-mapped IPv6 one included), an IPv6 address by its
/// /64, the block one subscriber is given; `text` itself when it is no
/// address.
std::string limit_key(std::string_view address);

} // namespace concert
