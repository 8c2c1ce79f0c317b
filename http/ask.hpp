#pragma once

#include <utility>

#include <caf/expected.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/sec.hpp>

#include "actors/timeouts.hpp"

namespace concert::http {

/// Sends one request from a thread outside the actors and waits for the
/// answer, at most `timeout`: for start-up and tests only. Requests never
/// wait like this (http/exchange).
template <class Reply, class Handle, class... Ts>
caf::expected<Reply> ask_within(std::chrono::milliseconds timeout, caf::actor_system& system,
                                const Handle& destination, Ts&&... xs) {
  caf::scoped_actor self{system};
  caf::expected<Reply> outcome{caf::make_error(caf::sec::request_timeout)};
  self->request(destination, timeout, std::forward<Ts>(xs)...)
    .receive([&](Reply& reply) { outcome = std::move(reply); },
             [&](caf::error& err) { outcome = std::move(err); });
  return outcome;
}

template <class Reply, class Handle, class... Ts>
caf::expected<Reply> ask(caf::actor_system& system, const Handle& destination, Ts&&... xs) {
  return ask_within<Reply>(reply_timeout, system, destination, std::forward<Ts>(xs)...);
}

} // namespace concert::http
