#pragma once

#include <caf/resumable.hpp>
#include <caf/stateful_actor.hpp>

#include "support/metrics.hpp"

namespace concert {

/// The base of concertd's actors: a typed event-based actor that notes how
/// many messages wait in its mailbox each time a thread picks it up.
/// CAF 0.17 has no telemetry of its own, and only the thread running an
/// actor may look into its mailbox, which `resume` is the one place to do.
/// The histogram's sum counts the messages found waiting, a lower bound of
/// those handled (a message that arrives while the actor runs is handled
/// in the same turn without being seen here).
template <class Interface, class State>
class observed_actor : public Interface::base {
public:
  using super = typename Interface::base;
  using super::super;

  caf::resumable::resume_result resume(caf::execution_unit* unit, size_t max_throughput) override {
    static auto& depth = metrics::mailbox_depth(State::name);
    auto& mailbox = this->mailbox();
    if (!mailbox.closed())
      depth.observe(static_cast<double>(mailbox.size()));
    return super::resume(unit, max_throughput);
  }
};

/// `self` of an actor with interface `Interface` and state `State`.
template <class Interface, class State>
using observed_pointer = caf::stateful_actor<State, observed_actor<Interface, State>>*;

} // namespace concert
