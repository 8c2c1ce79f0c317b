#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include <httplib.h>

#include "http/head_lines.hpp"

namespace concert::http {

/// The bytes of one client connection as cpp-httplib reads and writes
/// them, with a budget on what one request may make the server read.
///
/// cpp-httplib 0.11 reads a request's head whole, with no limit on its
/// header lines, before any handler sees it: a client streaming headers
/// grows the server's memory without end. The budget stops reading
/// instead: past `max_head` bytes before the blank line that ends the
/// head, or past `max_request` bytes in all, every further read fails and
/// the connection is done. It watches the head's lines for what the
/// library would let through unseen (head_lines); parsing stays the
/// library's.
///
/// One stream serves every request of its connection, so bytes of a
/// pipelined request read along with the one before stay buffered for it.
class connection_stream final : public httplib::Stream {
public:
  struct limits {
    size_t max_head;
    size_t max_request;
    /// The whole request's head and body, not each read.
    std::chrono::milliseconds request_timeout;
    /// Between requests of a keep-alive connection.
    std::chrono::milliseconds idle_timeout;
    /// Each write of an answer to a client that does not read.
    std::chrono::milliseconds write_timeout;
  };

  connection_stream(int socket, limits l);

  /// Starts the budget and the deadline of the next request.
  void begin_request();

  /// Whether the current request missed its deadline.
  bool timed_out() const {
    return timed_out_;
  }

  /// Whether the current request's head ran past `max_head`.
  bool head_overflowed() const {
    return head_overflowed_;
  }

  /// The first rule the current request's head breaks (head_lines).
  const caf::error& head_error() const {
    return head_.error();
  }

  /// Whether the current request ran past `max_request`.
  bool request_overflowed() const {
    return request_overflowed_;
  }

  /// Ends the connection once the current answer is written, so that bytes
  /// the server did not read are never taken for a next request.
  void close_after_answer() {
    closing_ = true;
  }

  /// Whether the connection must end after the current answer: asked for,
  /// or the request overdrew its budget.
  bool closing() const {
    return closing_ || head_overflowed_ || request_overflowed_ || timed_out_;
  }

  /// Whether any byte of an answer to the current request was written.
  bool answered() const {
    return written_in_request_ > 0;
  }

  /// Whether bytes of a next request are buffered already.
  bool has_buffered() const {
    return next_ < buffer_.size();
  }

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override {
    return socket_;
  }

private:
  /// What is left of the current request's deadline.
  std::chrono::milliseconds time_left() const;

  /// Counts `n` bytes handed to the library against the budget; false when
  /// they overdraw it.
  bool charge(const char* bytes, size_t n);

  int socket_;
  limits limits_;
  std::string buffer_;
  size_t next_ = 0;
  size_t read_in_request_ = 0;
  size_t written_in_request_ = 0;
  head_lines head_;
  bool head_overflowed_ = false;
  bool request_overflowed_ = false;
  bool closing_ = false;
  bool timed_out_ = false;
  std::chrono::steady_clock::time_point deadline_;
};

} // namespace concert::http
