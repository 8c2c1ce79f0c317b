#include "http/askers.hpp"

#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

namespace concert::http {

namespace {

caf::behavior asking_actor(caf::event_based_actor* self) {
  return {[self](const ask_job& job) { (*job)(self); }};
}

} // namespace

askers::askers(caf::actor_system& system, size_t count) {
  for (size_t i = 0; i < count; ++i)
    actors_.push_back(system.spawn(asking_actor));
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
