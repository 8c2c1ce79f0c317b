#pragma once

#include <array>
#include <chrono>
#include <future>
#include <string>
#include <unordered_set>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <caf/actor_system.hpp>

#include "config/settings.hpp"
#include "http/rate_limiter.hpp"
#include "http/router.hpp"
#include "support/metrics.hpp"
#include "support/networks.hpp"

namespace concert::http {

/// What every connection of one port reads; it outlives them all.
struct edge_shared {
  edge_shared(std::string name, router routes, caf::actor_system& system,
              std::string bearer_token, int64_t rate_limit_rps, const config::settings& s);

  std::string name;
  router routes;
  caf::actor_system& system;
  std::string bearer_token;
  rate_limiter limiter;
  std::vector<network> trusted_proxies;
  metrics::http_requests requests;
  /// From the first byte of a request to the end of its body.
  std::chrono::milliseconds request_timeout;
  /// Between the requests of a keep-alive connection.
  std::chrono::milliseconds idle_timeout;
  /// For the whole of one answer to reach a client.
  std::chrono::milliseconds write_timeout;
  /// Connections the kernel may hold before they are accepted.
  int backlog;
};

class connection;

/// One Asio loop and the connections it carries. Only its own thread
/// touches `open`; the loop outlives every connection on it, since each
/// holds it.
class event_loop {
public:
  std::unordered_set<connection*> open;
  bool stopping = false;
  /// Kept once the loop is stopping and its last connection has closed.
  std::promise<void> drained;

  /// A connection has left `open`: keeps `drained` when it was the last.
  void closed_one() {
    if (stopping && open.empty() && !drained_told_) {
      drained_told_ = true;
      drained.set_value();
    }
  }
  /// Where a connection reads what has come; only this loop's thread
  /// uses it, one read at a time.
  std::array<char, 16 * 1024> scratch{};
  /// Declared last, so destroyed first: the connections its pending
  /// handlers hold still find `open`.
  boost::asio::io_context context{1};

private:
  bool drained_told_ = false;
};

} // namespace concert::http
