#include "tests/support/deterministic.hpp"

#include "actors/memory_trimmer.hpp"

namespace concert::testing {

namespace {

caf::actor_system_config& testing_scheduler(caf::actor_system_config& cfg) {
  cfg.set("scheduler.policy", caf::atom("testing"));
  cfg.add_message_types<caf::id_block::concert>();
  return cfg;
}

} // namespace

deterministic::deterministic()
  : sys(testing_scheduler(cfg)),
    sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())),
    self(sys),
    script(std::make_shared<store_script>()),
    store(sys.spawn(scripted_store, script)),
    trimmer(sys.spawn(memory_trimmer, caf::timespan{trim_settle}, caf::timespan{trim_gap})) {
  own(store);
  own(trimmer);
}

deterministic::~deterministic() {
  for (auto& a : owned)
    self->send_exit(a, caf::exit_reason::user_shutdown);
  sched.run();
}

} // namespace concert::testing
