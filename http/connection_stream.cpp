#include "http/connection_stream.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

namespace concert::http {

namespace {

constexpr size_t read_chunk = 16 * 1024;

bool ready(int socket, short events, std::chrono::milliseconds timeout) {
  pollfd wait{socket, events, 0};
  for (;;) {
    auto n = ::poll(&wait, 1, static_cast<int>(timeout.count()));
    if (n < 0 && errno == EINTR)
      continue;
    return n > 0;
  }
}

/// The numeric host and port of an endpoint, as cpp-httplib reports them.
void endpoint(const sockaddr_storage& address, socklen_t length, std::string& ip, int& port) {
  char host[NI_MAXHOST];
  char service[NI_MAXSERV];
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&address), length, host, sizeof(host),
                  service, sizeof(service), NI_NUMERICHOST | NI_NUMERICSERV)
      != 0)
    return;
  ip = host;
  port = std::atoi(service);
}

} // namespace

connection_stream::connection_stream(int socket, limits l) : socket_(socket), limits_(l) {
}

void connection_stream::begin_request() {
  read_in_request_ = 0;
  written_in_request_ = 0;
  head_ = head_lines{};
  head_overflowed_ = false;
  request_overflowed_ = false;
  closing_ = false;
  timed_out_ = false;
  deadline_ = std::chrono::steady_clock::now() + limits_.request_timeout;
  // What a pipelining client sent ahead stays; what was handed out goes.
  buffer_.erase(0, next_);
  next_ = 0;
}

bool connection_stream::is_readable() const {
  return has_buffered() || ready(socket_, POLLIN, time_left());
}

std::chrono::milliseconds connection_stream::time_left() const {
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline_ - std::chrono::steady_clock::now());
  return std::max(left, std::chrono::milliseconds{0});
}

bool connection_stream::is_writable() const {
  return ready(socket_, POLLOUT, limits_.write_timeout);
}

ssize_t connection_stream::read(char* ptr, size_t size) {
  if (head_overflowed_ || request_overflowed_)
    return -1;
  if (!has_buffered()) {
    if (!ready(socket_, POLLIN, time_left())) {
      // Nothing came before the request's deadline.
      timed_out_ = true;
      return -1;
    }
    buffer_.resize(read_chunk);
    ssize_t n;
    do
      n = ::recv(socket_, buffer_.data(), read_chunk, 0);
    while (n < 0 && errno == EINTR);
    buffer_.resize(n > 0 ? static_cast<size_t>(n) : 0);
    next_ = 0;
    if (n <= 0)
      return n;
  }
  auto n = std::min(size, buffer_.size() - next_);
  if (!charge(buffer_.data() + next_, n))
    return -1;
  std::memcpy(ptr, buffer_.data() + next_, n);
  next_ += n;
  return static_cast<ssize_t>(n);
}

bool connection_stream::charge(const char* bytes, size_t n) {
  if (!head_.complete()) {
    // The library reads a head a byte at a time, so `n` is small here.
    auto room = limits_.max_head - std::min(read_in_request_, limits_.max_head);
    head_.feed(bytes, std::min(n, room));
    if (!head_.complete() && n >= room) {
      head_overflowed_ = true;
      return false;
    }
  }
  read_in_request_ += n;
  if (read_in_request_ > limits_.max_request) {
    request_overflowed_ = true;
    return false;
  }
  return true;
}

ssize_t connection_stream::write(const char* ptr, size_t size) {
  if (!is_writable())
    return -1;
  ssize_t n;
  do
    n = ::send(socket_, ptr, size, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n > 0)
    written_in_request_ += static_cast<size_t>(n);
  return n;
}

void connection_stream::get_remote_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  if (getpeername(socket_, reinterpret_cast<sockaddr*>(&address), &length) == 0)
    endpoint(address, length, ip, port);
}

void connection_stream::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  if (getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length) == 0)
    endpoint(address, length, ip, port);
}

} // namespace concert::http
