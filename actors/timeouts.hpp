#pragma once

#include <chrono>

#include <caf/duration.hpp>

namespace concert {

/// How long an actor waits for the store. A group commit takes milliseconds;
/// this bounds a database that hangs.
constexpr auto store_timeout = std::chrono::seconds{10};

/// How an actor waits for another actor that answers from memory or after
/// its own store request: without a timer of its own, since that request
/// has one. CAF 0.17 sends every request timer and its cancellation through
/// one clock thread under a mutex; measured side by side, a request with a
/// timer cost 2.3 µs of CPU and a wake-up of that thread, one without
/// 0.8 µs and none. What can hang is I/O, and every store request and every
/// HTTP handler's ask keeps its timer.
constexpr auto from_peer = caf::infinite;

/// How long the dates list's free counts may trail a hold, a lapse or a
/// sale. Every publication copies every date's entry into a new list, so
/// under a stream of holds it is published at most this often rather than
/// on every one.
constexpr auto dates_publish_delay = std::chrono::milliseconds{50};

/// How long an HTTP handler waits for an actor's answer; longer than
/// store_timeout, so the actor's own failure arrives first.
constexpr auto reply_timeout = std::chrono::seconds{15};

} // namespace concert
