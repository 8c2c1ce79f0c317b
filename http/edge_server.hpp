#pragma once

#include <chrono>

#include <httplib.h>

#include "http/connection_stream.hpp"

namespace concert::http {

/// cpp-httplib's server with a connection loop of our own, the way the
/// library's TLS server brings its own: each connection is read through
/// one connection_stream, so what a request may make the server read is
/// bounded and pipelined requests are not lost between streams.
class edge_server final : public httplib::Server {
public:
  explicit edge_server(connection_stream::limits limits);

  /// The stream of the request this thread serves, or null off a worker.
  static connection_stream* serving();

private:
  bool process_and_close_socket(socket_t sock) override;

  /// Waits for the next request of an idle connection: false when none
  /// comes within the keep-alive timeout or the server stops.
  bool next_request_arrives(socket_t sock) const;

  connection_stream::limits limits_;
};

} // namespace concert::http
