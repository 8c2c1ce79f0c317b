#include "http/client_address.hpp"

#include <algorithm>

namespace concert::http {

std::string client_address(const httplib::Request& req,
                           const std::vector<network>& trusted_proxies) {
  const auto& peer = req.remote_addr;
  bool trusted = std::any_of(trusted_proxies.begin(), trusted_proxies.end(),
                             [&](const network& net) { return contains(net, peer); });
  if (!trusted)
    return limit_key(peer);
  // Several X-Forwarded-For lines read as one list; the last entry is the
  // trusted proxy's.
  auto count = req.get_header_value_count("X-Forwarded-For");
  if (count == 0)
    return limit_key(peer);
  auto line = req.get_header_value("X-Forwarded-For", count - 1);
  auto last = line.substr(line.rfind(',') == std::string::npos ? 0 : line.rfind(',') + 1);
  last.erase(0, last.find_first_not_of(" \t"));
  last.erase(last.find_last_not_of(" \t") + 1);
  return limit_key(is_address(last) ? last : peer);
}

} // namespace concert::http
