// The catalog on CAF's deterministic scheduler, with a store whose answers
// the test hands out one by one.

#include "actors/catalog.hpp"

#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/errors.hpp"

using namespace concert;

namespace {

/// What the fake store has been asked, shared with the test (one thread).
struct store_script {
  std::vector<concert_info> stored;
  /// Creates seen and not yet answered.
  std::vector<std::pair<caf::typed_response_promise<concert_info>, concert_info>> held;
  size_t creates_seen = 0;
  /// How the next flush ends: empty for a commit, else this error.
  caf::error commit_failure;
};

/// Holds every create until it is sent `flush`, like the real store's group
/// commit, and answers then as the script says.
store_actor::behavior_type fake_store(store_actor::pointer self,
                                      std::shared_ptr<store_script> script) {
  return {
    [=](atom::create, const new_user&) -> caf::result<user_record> {
      return make_error(ec::database_unavailable);
    },
    [=](atom::create, const concert_info& c) {
      auto promise = self->make_response_promise<concert_info>();
      script->held.emplace_back(promise, c);
      ++script->creates_seen;
      return promise;
    },
    [=](atom::load, atom::concerts) { return script->stored; },
    [=](atom::flush) {
      for (auto& [promise, c] : script->held) {
        if (script->commit_failure)
          promise.deliver(script->commit_failure);
        else
          promise.deliver(c);
      }
      script->held.clear();
    },
    [=](atom::ping) { return true; },
  };
}

caf::actor_system_config& deterministic(caf::actor_system_config& cfg) {
  cfg.set("scheduler.policy", caf::atom("testing"));
  cfg.add_message_types<caf::id_block::concert>();
  return cfg;
}

const concert_info xmas{"2026-12-24", "Xmas", 50, 10000};

class catalog_test : public ::testing::Test {
protected:
  catalog_test()
    : sys(deterministic(cfg)),
      sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())),
      self(sys),
      script(std::make_shared<store_script>()),
      store(sys.spawn(fake_store, script)),
      catalog(sys.spawn(concert::catalog, store)) {
  }

  ~catalog_test() override {
    self->send_exit(catalog, caf::exit_reason::user_shutdown);
    self->send_exit(store, caf::exit_reason::user_shutdown);
    sched.run();
  }

  /// Asks the catalog to create `c` and runs every actor until idle; the
  /// answer, if any came, is then waiting in `self`'s mailbox.
  auto create(const concert_info& c) {
    auto handle = self->request(catalog, std::chrono::seconds{1}, atom::create_v, c);
    sched.run();
    return handle;
  }

  /// The answer to a request whose reply is already in the mailbox.
  template <class Handle>
  caf::expected<concert_info> answer_of(Handle& handle) {
    caf::expected<concert_info> outcome{caf::make_error(caf::sec::request_timeout)};
    handle.receive([&](concert_info& c) { outcome = std::move(c); },
                   [&](caf::error& e) { outcome = std::move(e); });
    return outcome;
  }

  /// Lets the store commit (or fail) what it holds, and runs until idle.
  void commit() {
    self->send(store, atom::flush_v);
    sched.run();
  }

  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  caf::scoped_actor self;
  std::shared_ptr<store_script> script;
  store_actor store;
  catalog_actor catalog;
};

} // namespace

TEST_F(catalog_test, a_date_being_written_is_taken_for_everyone_else) {
  auto first = create(xmas);
  ASSERT_EQ(script->creates_seen, 1u);
  auto second = create(xmas);
  auto refused = answer_of(second);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), make_error(ec::date_exists));
  EXPECT_EQ(script->creates_seen, 1u) << "the store never saw the second create";
  commit();
  auto created = answer_of(first);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->date, xmas.date);
}

TEST_F(catalog_test, the_answer_waits_for_the_commit) {
  auto first = create(xmas);
  EXPECT_TRUE(self->mailbox().empty()) << "no answer before the commit";
  commit();
  EXPECT_TRUE(answer_of(first));
}

TEST_F(catalog_test, a_failed_write_frees_the_date_again) {
  auto first = create(xmas);
  script->commit_failure = make_error(ec::database_unavailable);
  commit();
  auto failed = answer_of(first);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error(), make_error(ec::database_unavailable));
  script->commit_failure = caf::error{};
  auto retry = create(xmas);
  EXPECT_EQ(script->creates_seen, 2u) << "the retry reached the store";
  commit();
  EXPECT_TRUE(answer_of(retry));
}

TEST_F(catalog_test, recovered_dates_are_taken) {
  script->stored = {xmas};
  auto recovery = self->request(catalog, std::chrono::seconds{1}, atom::recover_v);
  sched.run();
  recovery.receive([](int32_t count) { EXPECT_EQ(count, 1); },
                   [](caf::error& e) { FAIL() << caf::to_string(e); });
  auto again = create(xmas);
  auto refused = answer_of(again);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), make_error(ec::date_exists));
  EXPECT_EQ(script->creates_seen, 0u);
}
