#include "http/askers.hpp"

#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

namespace concert::http {

namespace {

/// A class rather than a function: CAF 0.17 reads through a null pointer
/// when it spawns a function that takes no arguments.
class asking_actor : public caf::event_based_actor {
public:
  using caf::event_based_actor::event_based_actor;

  caf::behavior make_behavior() override {
    return {[this](const ask_job& job) { (*job)(this); }};
  }
};

} // namespace

askers::askers(caf::actor_system& system, size_t count) {
  for (size_t i = 0; i < count; ++i)
    actors_.push_back(system.spawn<asking_actor>());
}

askers::~askers() {
  for (auto& a : actors_)
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

void askers::run(ask_job job) {
  auto i = next_.fetch_add(1, std::memory_order_relaxed) % actors_.size();
  caf::anon_send(actors_[i], std::move(job));
}

} // namespace concert::http
