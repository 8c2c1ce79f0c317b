#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>

#include "http/edge_shared.hpp"
#include "http/event_loop.hpp"
#include "http/exchange.hpp"

namespace concert::http {

class connection;

/// The sink of an event stream: its connection, reached through the
/// connection's loop. The actor that sends never waits; a client that
/// leaves more than max_unsent bytes unread loses its stream at once, while
/// a stream that ends still delivers what was sent before.
class stream_sink final : public event_sink {
public:
  static constexpr size_t max_unsent = 64 * 1024;

  stream_sink(std::weak_ptr<connection> to, std::weak_ptr<event_loop> loop)
    : to_(std::move(to)), loop_(std::move(loop)) {}

  /// Ends the stream on a sink dropped without close().
  ~stream_sink() override;

  bool send(std::string bytes) override;
  /// Ends the stream after the events queued so far.
  void close() override;

private:
  /// Marks the sink closed and has the connection run `how` on its loop.
  void end(void (connection::*how)());

  std::weak_ptr<connection> to_;
  std::weak_ptr<event_loop> loop_;
  /// Shared with the writes in flight, which may outlive the sink.
  std::shared_ptr<std::atomic<size_t>> unsent_ = std::make_shared<std::atomic<size_t>>(0);
  std::shared_ptr<std::atomic<bool>> closed_ = std::make_shared<std::atomic<bool>>(false);
};

} // namespace concert::http
