#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>

#include "http/edge_shared.hpp"
#include "http/exchange.hpp"

namespace concert::http {

class connection;

/// The sink of an event stream: its connection, reached through the
/// connection's loop. The actor that sends never waits; a client that
/// leaves more than max_unsent bytes unread loses its stream.
class stream_sink final : public event_sink {
public:
  static constexpr size_t max_unsent = 64 * 1024;

  stream_sink(std::weak_ptr<connection> to, std::weak_ptr<event_loop> loop)
    : to_(std::move(to)), loop_(std::move(loop)) {}

  bool send(std::string bytes) override;
  void close() override;

private:
  std::weak_ptr<connection> to_;
  std::weak_ptr<event_loop> loop_;
  /// Shared with the writes in flight, which may outlive the sink.
  std::shared_ptr<std::atomic<size_t>> unsent_ = std::make_shared<std::atomic<size_t>>(0);
  std::shared_ptr<std::atomic<bool>> closed_ = std::make_shared<std::atomic<bool>>(false);
};

} // namespace concert::http
