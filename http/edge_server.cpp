#include "http/edge_server.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/problem.hpp"

namespace concert::http {

namespace {

thread_local connection_stream* current_stream = nullptr;

/// How often an idle connection looks whether the server is stopping.
constexpr int stop_check_ms = 100;

/// The answer to a request line longer than the head's budget, which the
/// library gives up on without a word: written here, and the connection
/// ends.
void answer_overlong_request_line(connection_stream& stream) {
  auto body = problem_body(problem_for_status(414));
  auto answer = "HTTP/1.1 414 " + std::string{reason_phrase(414)}
                + "\r\nContent-Type: application/problem+json\r\nContent-Length: "
                + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  for (size_t sent = 0; sent < answer.size();) {
    auto n = stream.write(answer.data() + sent, answer.size() - sent);
    if (n <= 0)
      return;
    sent += static_cast<size_t>(n);
  }
}

} // namespace

edge_server::edge_server(connection_stream::limits limits) : limits_(limits) {
}

connection_stream* edge_server::serving() {
  return current_stream;
}

bool edge_server::next_request_arrives(socket_t sock) const {
  auto deadline = std::chrono::steady_clock::now() + limits_.idle_timeout;
  while (svr_sock_ != INVALID_SOCKET) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                  deadline - std::chrono::steady_clock::now())
                  .count();
    if (left <= 0)
      return false;
    pollfd wait{sock, POLLIN, 0};
    auto ready = ::poll(&wait, 1, static_cast<int>(std::min<long>(left, stop_check_ms)));
    if (ready != 0)
      return ready > 0;
  }
  return false;
}

bool edge_server::process_and_close_socket(socket_t sock) {
  connection_stream stream{sock, limits_};
  current_stream = &stream;
  bool served = true;
  for (auto left = keep_alive_max_count_; left > 0; --left) {
    if (!stream.has_buffered() && !next_request_arrives(sock))
      break;
    stream.begin_request();
    bool close_requested = false;
    served = process_request(stream, left == 1, close_requested, nullptr);
    if (!served && stream.head_overflowed() && !stream.answered())
      answer_overlong_request_line(stream);
    if (!served || close_requested || stream.closing())
      break;
  }
  current_stream = nullptr;
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return served;
}

} // namespace concert::http
