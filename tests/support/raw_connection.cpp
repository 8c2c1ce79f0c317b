#include "tests/support/raw_connection.hpp"

#include <cerrno>
#include <cstdlib>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace concert::testing {

namespace {

std::string lower(std::string text) {
  for (auto& c : text)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return text;
}

/// The head's status and fields; `head` runs up to its blank line.
raw_answer parse_head(const std::string& head) {
  raw_answer answer;
  auto line_end = head.find("\r\n");
  auto status_line = head.substr(0, line_end);
  if (status_line.rfind("HTTP/1.1 ", 0) == 0)
    answer.status = std::atoi(status_line.c_str() + 9);
  for (auto at = line_end; at != std::string::npos && at + 2 < head.size();) {
    auto next = head.find("\r\n", at + 2);
    auto line = head.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      auto value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      answer.headers[lower(line.substr(0, colon))] = value;
    }
    at = next;
  }
  return answer;
}

} // namespace

std::string raw_answer::code() const {
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  return parsed.is_object() ? parsed.value("code", "") : "";
}

int connect_to_loopback(int port, const std::string& source) {
  auto socket = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (socket >= 0 && !source.empty()) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    if (inet_pton(AF_INET, source.c_str(), &local.sin_addr) != 1
        || ::bind(socket, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
      ::close(socket);
      return -1;
    }
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (socket >= 0
      && ::connect(socket, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(socket);
    socket = -1;
  }
  return socket;
}

raw_connection::raw_connection(int port, const std::string& source)
  : socket_(connect_to_loopback(port, source)) {
  if (socket_ < 0) {
    ADD_FAILURE() << "cannot connect to port " << port;
    ended_ = true;
  }
}

raw_connection::~raw_connection() {
  if (socket_ >= 0)
    ::close(socket_);
}

bool raw_connection::send(std::string_view bytes) {
  while (!bytes.empty() && !ended_) {
    auto n = ::send(socket_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return bytes.empty();
}

void raw_connection::finish_sending() {
  ::shutdown(socket_, SHUT_WR);
}

bool raw_connection::fill(std::chrono::steady_clock::time_point deadline) {
  if (ended_)
    return false;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
    deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0)
    return false;
  pollfd wait{socket_, POLLIN, 0};
  if (::poll(&wait, 1, static_cast<int>(left.count())) <= 0)
    return false;
  char chunk[16384];
  auto n = ::recv(socket_, chunk, sizeof(chunk), 0);
  if (n <= 0) {
    // An orderly close or a reset: the server has ended the connection.
    ended_ = true;
    return false;
  }
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

std::optional<raw_answer> raw_connection::next_answer(std::chrono::milliseconds timeout,
                                                      bool to_head) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto head_end = buffer_.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      auto answer = parse_head(buffer_.substr(0, head_end));
      auto length =
        to_head ? 0 : std::strtoull(answer.headers["content-length"].c_str(), nullptr, 10);
      if (buffer_.size() >= head_end + 4 + length) {
        answer.body = buffer_.substr(head_end + 4, length);
        buffer_.erase(0, head_end + 4 + length);
        return answer;
      }
    }
    if (!fill(deadline))
      return std::nullopt;
  }
}

bool raw_connection::wait_for(std::string_view text, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (buffer_.find(text) == std::string::npos)
    if (!fill(deadline))
      return false;
  return true;
}

bool raw_connection::closed_by_server(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto seen = buffer_.size();
  while (fill(deadline)) {
  }
  return ended_ && buffer_.size() == seen;
}

std::optional<raw_answer> raw_exchange(int port, std::string_view request,
                                       const std::string& source,
                                       std::chrono::milliseconds timeout) {
  raw_connection connection{port, source};
  connection.send(request);
  return connection.next_answer(timeout);
}

} // namespace concert::testing
