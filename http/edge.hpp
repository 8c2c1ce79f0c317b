#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>

#include "config/settings.hpp"
#include "http/router.hpp"
#include "support/metrics.hpp"

namespace concert::http {

/// The address could not be bound; `what()` names the setting.
class bind_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct edge_shared;
class event_loop;

/// One HTTP port, event-driven: Boost.Asio loops (one thread each) carry
/// every connection, Boost.Beast parses each request, and the routes answer
/// through the actors without any thread waiting (http/exchange). A
/// connection costs its buffers, never a thread, whether it is slow, idle,
/// streaming or waiting for its answer.
class edge {
public:
  /// `name` is the role in logs ("public", "admin"); `bearer_token`, when not
  /// empty, is required of every request; `rate_limit_rps` (0 = off) caps
  /// each source address.
  edge(std::string name, router routes, const config::settings& s, caf::actor_system& system,
       std::string bearer_token = {}, int64_t rate_limit_rps = 0);
  ~edge();
  edge(const edge&) = delete;
  edge& operator=(const edge&) = delete;

  /// Binds `host:port` (port 0 picks a free one) and serves. Returns the
  /// bound port; throws bind_error naming `setting`.
  int start(const std::string& host, int port, const std::string& setting);

  /// Stops accepting and ends every connection: idle ones and streams at
  /// once, the others once their request is answered, cut off at its
  /// deadline. Returns within `budget` whatever clients do, then joins.
  void stop(std::chrono::milliseconds budget);

  /// This port's request counters and latencies.
  const metrics::http_requests& requests() const;

private:
  void accept_next();

  std::shared_ptr<edge_shared> shared_;
  std::vector<std::shared_ptr<event_loop>> loops_;
  std::vector<std::thread> threads_;
  struct acceptor;
  std::unique_ptr<acceptor> acceptor_;
};

} // namespace concert::http
