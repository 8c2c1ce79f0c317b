#pragma once

#include <chrono>

namespace concert {

/// How long an actor waits for the store. A group commit takes milliseconds;
/// this bounds a database that hangs.
constexpr auto store_timeout = std::chrono::seconds{10};

/// How long an actor waits for another that answers from memory, after a
/// store write (a payment telling its seat managers and the queue): store
/// plus peer stays within reply_timeout.
constexpr auto peer_timeout = std::chrono::seconds{2};

/// How long the dates list's free counts may trail a hold, a lapse or a
/// sale. Every publication copies every date's entry into a new list, so
/// under a stream of holds it is published at most this often rather than
/// on every one.
constexpr auto dates_publish_delay = std::chrono::milliseconds{50};

/// How long an HTTP handler waits for an actor's answer; longer than
/// store_timeout, so the actor's own failure arrives first.
constexpr auto reply_timeout = std::chrono::seconds{15};

} // namespace concert
