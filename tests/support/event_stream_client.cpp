#include "tests/support/event_stream_client.hpp"

#include <map>
#include <sstream>
#include <utility>

#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/support/raw_connection.hpp"

namespace concert::testing {

event_stream_client::event_stream_client(int port, const std::string& path)
  : socket_(connect_to_loopback(port)) {
  if (socket_ < 0) {
    ADD_FAILURE() << "cannot connect to port " << port;
    closed_ = true;
    return;
  }
  std::string request = "GET " + path
                        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
  if (::send(socket_, request.data(), request.size(), MSG_NOSIGNAL)
      != static_cast<ssize_t>(request.size()))
    ADD_FAILURE() << "cannot send the request";
}

event_stream_client::event_stream_client(event_stream_client&& other) noexcept
  : socket_(std::exchange(other.socket_, -1)),
    buffer_(std::move(other.buffer_)),
    closed_(other.closed_),
    head_read_(other.head_read_),
    last_id_(std::move(other.last_id_)) {}

event_stream_client::~event_stream_client() {
  if (socket_ >= 0)
    ::close(socket_);
}

std::optional<std::string>
event_stream_client::read_until(const std::string& separator,
                                std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    auto at = buffer_.find(separator);
    if (at != std::string::npos) {
      auto piece = buffer_.substr(0, at);
      buffer_.erase(0, at + separator.size());
      return piece;
    }
    if (closed_)
      return std::nullopt;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
    pollfd p{socket_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
      return std::nullopt;
    char chunk[4096];
    auto n = ::recv(socket_, chunk, sizeof(chunk), 0);
    if (n <= 0)
      closed_ = true;
    else
      buffer_.append(chunk, static_cast<size_t>(n));
  }
}

std::string event_stream_client::head(std::chrono::milliseconds timeout) {
  auto head = read_until("\r\n\r\n", std::chrono::steady_clock::now() + timeout);
  head_read_ = head.has_value();
  return head.value_or("");
}

std::optional<nlohmann::json> event_stream_client::next_event(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  if (!head_read_ && head(timeout).empty())
    return std::nullopt;
  while (auto block = read_until("\n\n", deadline)) {
    if (block->rfind(":", 0) == 0)
      continue;
    std::map<std::string, std::string> fields;
    std::istringstream lines{*block};
    for (std::string line; std::getline(lines, line);) {
      auto colon = line.find(": ");
      if (colon != std::string::npos)
        fields[line.substr(0, colon)] = line.substr(colon + 2);
    }
    if (fields["event"] != "token" || fields.count("data") == 0) {
      ADD_FAILURE() << "not a token event: " << *block;
      return std::nullopt;
    }
    last_id_ = fields["id"];
    return nlohmann::json::parse(fields["data"]);
  }
  return std::nullopt;
}

bool event_stream_client::ends(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (auto block = read_until("\n\n", deadline))
    if (block->rfind(":", 0) != 0)
      return false;
  return closed_ && buffer_.empty();
}

bool allow_open_files(size_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_max < wanted)
    return false;
  if (limit.rlim_cur < wanted) {
    limit.rlim_cur = wanted;
    return setrlimit(RLIMIT_NOFILE, &limit) == 0;
  }
  return true;
}

} // namespace concert::testing
