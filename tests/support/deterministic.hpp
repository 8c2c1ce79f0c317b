#pragma once

#include <chrono>
#include <memory>

#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/sec.hpp>

#include "actors/actors.hpp"
#include "actors/published.hpp"
#include "tests/support/scripted_store.hpp"

namespace concert::testing {

/// A fixture on CAF's deterministic scheduler: actors run only when the test
/// says so, and time moves only when the test advances it.
class deterministic : public ::testing::Test {
protected:
  deterministic();
  ~deterministic() override;

  /// Runs every actor until no message is left.
  void run() {
    sched.run();
  }

  /// Moves simulated time forward, fires what falls due, and runs.
  void advance(std::chrono::milliseconds by) {
    sched.advance_time(by);
    sched.run();
  }

  /// Sends a request, runs until idle, and returns the answer, or
  /// sec::request_timeout when none has come.
  template <class Reply, class Handle, class... Ts>
  caf::expected<Reply> ask(const Handle& dest, Ts&&... xs) {
    auto handle = self->request(dest, std::chrono::seconds{3600}, std::forward<Ts>(xs)...);
    run();
    caf::expected<Reply> outcome{caf::make_error(caf::sec::request_timeout)};
    if (self->mailbox().empty())
      return outcome;
    handle.receive([&](Reply& r) { outcome = std::move(r); },
                   [&](caf::error& e) { outcome = std::move(e); });
    return outcome;
  }

  /// Asks for a write that may carry an Idempotency-Key and returns the
  /// view it made, or its error; an answer replayed from the key is
  /// sec::unexpected_response here (tests that expect one ask for keyed<View>).
  template <class View, class Handle, class... Ts>
  caf::expected<View> write(const Handle& dest, Ts&&... xs) {
    auto answer = ask<keyed<View>>(dest, std::forward<Ts>(xs)...);
    if (!answer)
      return std::move(answer.error());
    if (answer->stored.found)
      return caf::make_error(caf::sec::unexpected_response);
    return std::move(answer->made);
  }

  /// Lets a store that holds its writes commit them, and runs.
  void commit() {
    self->send(store, atom::flush_v);
    run();
  }

  /// Ends `a` with the fixture.
  template <class Handle>
  void own(const Handle& a) {
    owned.push_back(caf::actor_cast<caf::actor>(a));
  }

  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  caf::scoped_actor self;
  std::shared_ptr<store_script> script;
  store_actor store;
  /// On the deterministic scheduler too, unlike the server's detached one.
  memory_trimmer_actor trimmer;
  /// Where the queue, the catalog and the seat managers publish for the edge.
  published_ptr published = std::make_shared<published_state>();
  std::vector<caf::actor> owned;
};

} // namespace concert::testing
