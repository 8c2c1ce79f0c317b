#include "http/client_address.hpp"

#include <algorithm>

#include "http/request_head.hpp"

namespace concert::http {

std::string client_address(const request& req,
                           const std::vector<network>& trusted_proxies) {
  const auto& peer = req.remote_addr;
  bool trusted = std::any_of(trusted_proxies.begin(), trusted_proxies.end(),
                             [&](const network& net) { return contains(net, peer); });
  if (!trusted)
    return limit_key(peer);
  // Several X-Forwarded-For lines read as one list; the last entry is the
  // trusted proxy's.
  const std::string* found = nullptr;
  for (const auto& [name, value] : req.headers)
    if (same_name(name, "X-Forwarded-For"))
      found = &value;
  if (found == nullptr)
    return limit_key(peer);
  const auto& line = *found;
  auto last = line.substr(line.rfind(',') == std::string::npos ? 0 : line.rfind(',') + 1);
  last.erase(0, last.find_first_not_of(" \t"));
  last.erase(last.find_last_not_of(" \t") + 1);
  return limit_key(is_address(last) ? last : peer);
}

} // namespace concert::http
