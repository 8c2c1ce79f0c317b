#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace concert::testing {

/// One answer read off the wire; header names in lower case.
struct raw_answer {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;

  /// The problem's `code`, or "" when the body is no problem.
  std::string code() const;
};

/// A TCP connection that writes exactly the bytes a test gives it, with no
/// HTTP client library in the way to tidy them up, and reads answers as
/// they come.
class raw_connection {
public:
  /// Connects to 127.0.0.1:`port`, from `source` (any 127.x.y.z, so a test
  /// can play several clients) when given; a failed connect fails the test.
  explicit raw_connection(int port, const std::string& source = {});
  ~raw_connection();
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  /// Writes `bytes`; false when the server has closed or reset the
  /// connection, which a test of limits may expect.
  bool send(std::string_view bytes);

  /// Shuts the sending side, as a client that has said all it will
  /// (shutdown SHUT_WR); answers may still come.
  void finish_sending();

  /// The next whole answer (it needs a Content-Length), or nullopt when
  /// the connection ends or nothing whole comes within `timeout`. An answer
  /// to HEAD has no body, whatever its Content-Length says.
  std::optional<raw_answer> next_answer(
    std::chrono::milliseconds timeout = std::chrono::seconds{10}, bool to_head = false);

  /// Whether `text` arrives within `timeout`, for answers with no length.
  bool wait_for(std::string_view text,
                std::chrono::milliseconds timeout = std::chrono::seconds{10});

  /// Whether the server ends the connection within `timeout` without
  /// sending another byte.
  bool closed_by_server(std::chrono::milliseconds timeout = std::chrono::seconds{10});

private:
  /// Reads what is there within `deadline` into the buffer; false once the
  /// connection has ended or the deadline passed.
  bool fill(std::chrono::steady_clock::time_point deadline);

  int socket_ = -1;
  std::string buffer_;
  bool ended_ = false;
};

/// A TCP connection to 127.0.0.1:`port` (close-on-exec) from `source` when
/// given, or -1.
int connect_to_loopback(int port, const std::string& source = {});

/// Sends `request` on a new connection from `source` and reads one answer.
std::optional<raw_answer> raw_exchange(int port, std::string_view request,
                                       const std::string& source = {},
                                       std::chrono::milliseconds timeout = std::chrono::seconds{10});

} // namespace concert::testing
