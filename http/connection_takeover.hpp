#pragma once

#include <string>

namespace concert::http {

/// cpp-httplib 0.11 serves a connection on one pool worker from accept to
/// close, streams included. A stream that stays open for minutes would hold
/// its worker all that time, so the routes that stream take the connection
/// away from the library instead.

/// A connection taken from cpp-httplib: both descriptors are the caller's
/// to close.
struct taken_connection {
  /// The client's socket (close-on-exec, still in blocking mode); -1 when
  /// the connection was not found.
  int socket = -1;
  /// The far end of what the library now writes to instead; close it once
  /// the library has written its response.
  int sink = -1;
};

/// Takes the connection on descriptor `fd` (edge_server::serving()'s
/// socket) away from cpp-httplib. Under the same descriptor the library is
/// left one end of a local socket pair:
/// what it writes of this response lands in `sink` and is never read, its
/// access log sees the status it was given, and with `Connection: close` it
/// ends the exchange at once, so its worker is free again.
taken_connection take_connection(int fd);

/// Writes all of `bytes` to a blocking socket; false when the client has
/// gone.
bool write_all(int socket, const std::string& bytes);

} // namespace concert::http
