#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace concert::testing {

/// A Server-Sent Events client on a plain socket, so a test can hold a
/// thousand of them open from one thread.
class event_stream_client {
public:
  /// Connects to 127.0.0.1:`port` and sends GET `path` with
  /// `Accept: text/event-stream`. A failed connect fails the test.
  event_stream_client(int port, const std::string& path);
  ~event_stream_client();
  event_stream_client(event_stream_client&& other) noexcept;
  event_stream_client(const event_stream_client&) = delete;
  event_stream_client& operator=(const event_stream_client&) = delete;
  event_stream_client& operator=(event_stream_client&&) = delete;

  /// The status line and headers, or "" if they do not come in `timeout`.
  std::string head(std::chrono::milliseconds timeout = std::chrono::seconds{10});

  /// The data of the next `event: token`, skipping the head and comments;
  /// nullopt when the server ends the stream or nothing comes in `timeout`.
  std::optional<nlohmann::json> next_event(
    std::chrono::milliseconds timeout = std::chrono::seconds{10});

  /// The `id` of the last event read.
  const std::string& last_id() const {
    return last_id_;
  }

  /// Whether the server closes the stream within `timeout`, with no more
  /// events before.
  bool ends(std::chrono::milliseconds timeout = std::chrono::seconds{10});

private:
  /// Reads until `separator` is in the buffer and cuts off what comes before
  /// it; nullopt on end of stream or timeout.
  std::optional<std::string> read_until(const std::string& separator,
                                        std::chrono::steady_clock::time_point deadline);

  int socket_ = -1;
  std::string buffer_;
  bool closed_ = false;
  bool head_read_ = false;
  std::string last_id_;
};

/// Raises this process's open-file limit to what a test of many
/// connections needs; false when the hard limit is lower.
bool allow_open_files(size_t wanted);

} // namespace concert::testing
