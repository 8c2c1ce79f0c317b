#pragma once

#include <chrono>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"
#include "actors/observed_actor.hpp"
#include "http/exchange.hpp"

namespace concert::http {

/// Holds the Server-Sent Events streams of queue tokens. Each stream is a
/// connection of the edge whose response headers are written, so an open
/// stream costs its buffers and a few bytes here, and no thread. The queue
/// actor pushes each change; writes never wait.
using event_streams_actor = token_watcher_actor::extend<
  // Adopts a stream whose headers are written: sends `first` as its first
  // event, then the token's changes until ACTIVE or EXPIRED.
  caf::reacts_to<atom::open, event_sink_ptr, token_view>,
  // Sends every stream a comment line, which finds closed connections and
  // keeps proxies from timing out idle ones; then schedules the next.
  caf::reacts_to<atom::tick>>;

/// How often each stream gets a comment line when nothing else happens.
constexpr auto keep_alive_interval = std::chrono::milliseconds{15000};

/// One client's stream: ends its connection when dropped and remembers the
/// last event sent.
class event_stream {
public:
  explicit event_stream(event_sink_ptr sink) : sink_(std::move(sink)) {}
  event_stream(event_stream&& other) noexcept = default;
  event_stream& operator=(event_stream&& other) noexcept;
  event_stream(const event_stream&) = delete;
  event_stream& operator=(const event_stream&) = delete;
  ~event_stream();

  /// Sends `event` unless it is the one sent last. Never waits: false when
  /// the client has gone or left too much unread, after which the stream
  /// is of no use.
  bool send(const std::string& event);

  /// Sends an SSE comment, which also finds connections the client closed;
  /// false as for send().
  bool keep_alive();

private:
  event_sink_ptr sink_;
  std::string last_;
};

/// The `event: token` frame of a token view. Its id is the status and
/// position (`WAITING/3`), which a reconnecting client sends back as
/// `Last-Event-ID`.
std::string token_event(const token_view& token);

/// After ACTIVE or EXPIRED a token changes no more, so its streams end.
bool is_final(const token_view& token);

struct event_streams_state {
  static inline const char* name = "event_streams";
  queue_actor queue;
  std::chrono::milliseconds keep_alive_interval{0};
  /// The open streams of each WAITING token.
  std::unordered_map<std::string, std::vector<event_stream>> by_token;

  /// Closes the streams left, and takes them off the gauge.
  ~event_streams_state();
};

event_streams_actor::behavior_type
event_streams(observed_pointer<event_streams_actor, event_streams_state> self, queue_actor queue,
              std::chrono::milliseconds keep_alive_interval);

} // namespace concert::http
