#include "support/networks.hpp"

#include <charconv>
#include <cstring>

#include <arpa/inet.h>

namespace concert {

namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  return text;
}

/// The address alone, as a network of its full length; IPv4-mapped IPv6
/// addresses become IPv4.
std::optional<network> parse_address(std::string_view text) {
  std::string copy{text};
  network net;
  if (inet_pton(AF_INET, copy.c_str(), net.bytes.data()) == 1) {
    net.prefix = 32;
    return net;
  }
  if (inet_pton(AF_INET6, copy.c_str(), net.bytes.data()) != 1)
    return std::nullopt;
  static constexpr uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (std::memcmp(net.bytes.data(), mapped, sizeof(mapped)) == 0) {
    std::memmove(net.bytes.data(), net.bytes.data() + 12, 4);
    std::memset(net.bytes.data() + 4, 0, 12);
    net.prefix = 32;
    return net;
  }
  net.v6 = true;
  net.prefix = 128;
  return net;
}

} // namespace

std::optional<network> parse_network(std::string_view text) {
  auto slash = text.find('/');
  auto net = parse_address(text.substr(0, slash));
  if (!net || slash == std::string_view::npos)
    return net;
  auto length = text.substr(slash + 1);
  int prefix = -1;
  auto [end, error] = std::from_chars(length.data(), length.data() + length.size(), prefix);
  if (length.empty() || error != std::errc{} || end != length.data() + length.size() || prefix < 0
      || prefix > net->prefix)
    return std::nullopt;
  net->prefix = prefix;
  return net;
}

std::optional<std::vector<network>> parse_networks(std::string_view text) {
  std::vector<network> nets;
  if (trimmed(text).empty())
    return nets;
  while (true) {
    auto comma = text.find(',');
    auto net = parse_network(trimmed(text.substr(0, comma)));
    if (!net)
      return std::nullopt;
    nets.push_back(*net);
    if (comma == std::string_view::npos)
      return nets;
    text.remove_prefix(comma + 1);
  }
}

bool contains(const network& net, std::string_view address) {
  auto ip = parse_address(address);
  if (!ip || ip->v6 != net.v6)
    return false;
  int whole = net.prefix / 8;
  if (std::memcmp(ip->bytes.data(), net.bytes.data(), static_cast<size_t>(whole)) != 0)
    return false;
  int rest = net.prefix % 8;
  if (rest == 0)
    return true;
  auto mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (ip->bytes[whole] & mask) == (net.bytes[whole] & mask);
}

bool is_address(std::string_view text) {
  return parse_address(text).has_value();
}

std::string limit_key(std::string_view address) {
  auto ip = parse_address(address);
  if (!ip)
    return std::string{address};
  char text[INET6_ADDRSTRLEN] = {};
  if (!ip->v6) {
    inet_ntop(AF_INET, ip->bytes.data(), text, sizeof(text));
    return text;
  }
  std::memset(ip->bytes.data() + 8, 0, 8);
  inet_ntop(AF_INET6, ip->bytes.data(), text, sizeof(text));
  return std::string{text} + "/64";
}

} // namespace concert
