// The queue on CAF's deterministic scheduler: admission order, batch size,
// the cap on ACTIVE tokens and token TTL, in simulated time.

#include "actors/queue.hpp"

#include "actors/errors.hpp"
#include "actors/memory_trimmer.hpp"
#include "support/metrics.hpp"
#include "support/time.hpp"
#include "tests/support/queue_fixture.hpp"

using namespace concert;
using namespace concert::testing;
using namespace std::chrono_literals;

using queue_test = queue_fixture;

TEST_F(queue_test, tokens_wait_in_line_with_positions_from_one) {
  start(2, 100);
  auto a = issue(1);
  auto b = issue(2);
  auto c = issue(3);
  EXPECT_EQ(a.status, "WAITING");
  EXPECT_EQ(a.position, 1);
  EXPECT_EQ(b.position, 2);
  EXPECT_EQ(c.position, 3);
  EXPECT_EQ(a.expires_at, 0);
  EXPECT_EQ(a.token.size(), 36u);
  EXPECT_EQ(a.token[14], '4') << "UUID version 4";
}

TEST_F(queue_test, each_tick_admits_a_batch_first_in_first_out) {
  start(2, 100);
  std::vector<token_view> tokens;
  for (int64_t user = 1; user <= 5; ++user)
    tokens.push_back(issue(user));
  advance(tick - 1ms);
  EXPECT_EQ(statuses(tokens), (std::vector<std::string>(5, "WAITING"))) << "not a tick before";
  advance(1ms);
  EXPECT_EQ(statuses(tokens),
            (std::vector<std::string>{"ACTIVE", "ACTIVE", "WAITING", "WAITING", "WAITING"}));
  EXPECT_EQ(get(tokens[0]).position, 0);
  EXPECT_NE(get(tokens[0]).expires_at, 0);
  EXPECT_EQ(get(tokens[2]).position, 1);
  EXPECT_EQ(get(tokens[4]).position, 3);
  advance(tick);
  EXPECT_EQ(statuses(tokens),
            (std::vector<std::string>{"ACTIVE", "ACTIVE", "ACTIVE", "ACTIVE", "WAITING"}));
  EXPECT_EQ(get(tokens[4]).position, 1);
}

TEST_F(queue_test, admission_stops_at_the_cap_on_active_tokens) {
  start(10, 3);
  std::vector<token_view> tokens;
  for (int64_t user = 1; user <= 5; ++user)
    tokens.push_back(issue(user));
  advance(tick);
  EXPECT_EQ(statuses(tokens),
            (std::vector<std::string>{"ACTIVE", "ACTIVE", "ACTIVE", "WAITING", "WAITING"}));
  advance(tick);
  EXPECT_EQ(get(tokens[3]).status, "WAITING") << "no room yet";
  // A payment ends the token in the database, then tells the queue.
  script->tokens[0].status = "EXPIRED";
  self->send(queue, atom::ended_v, tokens[0].token);
  advance(tick);
  EXPECT_EQ(statuses(tokens),
            (std::vector<std::string>{"EXPIRED", "ACTIVE", "ACTIVE", "ACTIVE", "WAITING"}));
}

TEST_F(queue_test, an_active_token_expires_exactly_at_its_ttl) {
  start(10, 100);
  auto t = issue(1);
  advance(tick);
  EXPECT_EQ(*ask<int64_t>(queue, atom::check_v, t.token), 1);
  advance(ttl - 1ms);
  EXPECT_TRUE(ask<int64_t>(queue, atom::check_v, t.token)) << "not a tick before";
  advance(1ms);
  auto checked = ask<int64_t>(queue, atom::check_v, t.token);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error(), make_error(ec::token_invalid));
  EXPECT_EQ(get(t).status, "EXPIRED");
  EXPECT_EQ(script->tokens_expired, (std::vector<std::string>{t.token}));
}

TEST_F(queue_test, a_waiting_token_is_not_admitted_and_an_unknown_one_invalid) {
  start(1, 100);
  auto t = issue(1);
  auto waiting = ask<int64_t>(queue, atom::check_v, t.token);
  ASSERT_FALSE(waiting);
  EXPECT_EQ(waiting.error(), make_error(ec::not_admitted));
  auto unknown = ask<int64_t>(queue, atom::check_v, std::string{"00000000-0000-4000-8000-000000000000"});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error(), make_error(ec::token_invalid));
}

TEST_F(queue_test, a_user_holds_one_live_token_and_may_take_another_once_it_ended) {
  start(1, 100);
  auto first = issue(7);
  auto again = ask<token_view>(queue, atom::create_v, int64_t{7});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), make_error(ec::token_already_issued));
  advance(tick);
  EXPECT_FALSE(ask<token_view>(queue, atom::create_v, int64_t{7})) << "ACTIVE counts too";
  self->send(queue, atom::ended_v, first.token);
  run();
  EXPECT_TRUE(ask<token_view>(queue, atom::create_v, int64_t{7}));
}

TEST_F(queue_test, a_second_request_while_the_first_is_written_is_refused) {
  start(1, 100);
  script->commit_at_once = false;
  self->request(queue, 3600s, atom::create_v, int64_t{7});
  run();
  auto second = ask<token_view>(queue, atom::create_v, int64_t{7});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error(), make_error(ec::token_already_issued));
  EXPECT_EQ(script->tokens_written.size(), 1u);
}

TEST_F(queue_test, recovery_keeps_the_line_order_and_expires_overdue_tokens) {
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  script->tokens = {
    {"11111111-1111-4111-8111-111111111111", 1, "ACTIVE", now + 30'000},
    {"22222222-2222-4222-8222-222222222222", 2, "ACTIVE", now - 1},
    {"33333333-3333-4333-8333-333333333333", 3, "WAITING", 0},
    {"44444444-4444-4444-8444-444444444444", 4, "WAITING", 0},
  };
  start(1, 100);
  auto view = [&](const char* token) { return *ask<token_view>(queue, atom::get_v, std::string{token}); };
  EXPECT_EQ(view("11111111-1111-4111-8111-111111111111").status, "ACTIVE");
  EXPECT_EQ(view("22222222-2222-4222-8222-222222222222").status, "EXPIRED");
  EXPECT_EQ(view("33333333-3333-4333-8333-333333333333").position, 1);
  EXPECT_EQ(view("44444444-4444-4444-8444-444444444444").position, 2);
  advance(tick);
  EXPECT_EQ(view("33333333-3333-4333-8333-333333333333").status, "ACTIVE");
  EXPECT_EQ(view("44444444-4444-4444-8444-444444444444").position, 1);
  advance(30'000ms);
  EXPECT_EQ(view("11111111-1111-4111-8111-111111111111").status, "EXPIRED");
}

TEST_F(queue_test, a_paused_queue_admits_nothing_until_resumed) {
  start(10, 100);
  auto t = issue(1);
  auto paused = ask<queue_status>(queue, atom::update_v, queue_change{1, 0, 0});
  EXPECT_TRUE(paused->paused);
  advance(tick * 3);
  EXPECT_EQ(get(t).status, "WAITING");
  ask<queue_status>(queue, atom::update_v, queue_change{0, 0, 0});
  advance(tick);
  EXPECT_EQ(get(t).status, "ACTIVE");
  auto status = ask<queue_status>(queue, atom::get_v, atom::status_v);
  EXPECT_EQ(status->admitted_total, 1);
  EXPECT_EQ(status->active, 1);
  EXPECT_EQ(status->waiting, 0);
}

TEST_F(queue_test, batch_size_and_interval_change_without_restart) {
  start(1, 100);
  std::vector<token_view> tokens;
  for (int64_t user = 1; user <= 6; ++user)
    tokens.push_back(issue(user));
  auto changed = ask<queue_status>(queue, atom::update_v, queue_change{-1, 3, 5000});
  EXPECT_EQ(changed->batch_size, 3);
  EXPECT_EQ(changed->interval_ms, 5000);
  advance(tick);
  EXPECT_EQ(get(tokens[2]).status, "ACTIVE") << "the new batch size applies at the next tick";
  advance(tick);
  EXPECT_EQ(get(tokens[3]).status, "WAITING") << "the next tick comes after the new interval";
  advance(std::chrono::milliseconds{4000});
  EXPECT_EQ(get(tokens[5]).status, "ACTIVE");
}

TEST_F(queue_test, revoking_a_waiting_token_moves_those_behind_it_up) {
  start(1, 100);
  auto a = issue(1);
  auto b = issue(2);
  auto c = issue(3);
  auto revoked = ask<token_view>(queue, atom::revoke_v, b.token);
  ASSERT_TRUE(revoked);
  EXPECT_EQ(revoked->status, "EXPIRED");
  EXPECT_EQ(get(a).position, 1);
  EXPECT_EQ(get(c).position, 2);
  EXPECT_TRUE(ask<token_view>(queue, atom::create_v, int64_t{2})) << "the user may queue again";
}

TEST_F(queue_test, a_revoked_active_token_is_invalid_at_once) {
  start(10, 100);
  auto t = issue(1);
  advance(tick);
  ASSERT_TRUE(ask<token_view>(queue, atom::revoke_v, t.token));
  auto checked = ask<int64_t>(queue, atom::check_v, t.token);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error(), make_error(ec::token_invalid));
  EXPECT_EQ(ask<queue_status>(queue, atom::get_v, atom::status_v)->active, 0);
  EXPECT_EQ(script->tokens_expired, (std::vector<std::string>{t.token}));
}

TEST_F(queue_test, controls_are_stored_before_the_answer_and_restored_at_start) {
  script->controls = stored_controls{true, true, 3, 2000};
  start(10, 100);
  auto restored = ask<queue_status>(queue, atom::get_v, atom::status_v);
  EXPECT_TRUE(restored->paused);
  EXPECT_EQ(restored->batch_size, 3);
  EXPECT_EQ(restored->interval_ms, 2000);
  script->commit_at_once = false;
  auto pending = ask<queue_status>(queue, atom::update_v, queue_change{0, 0, 0});
  EXPECT_FALSE(pending) << "no answer before the write";
  EXPECT_TRUE(ask<queue_status>(queue, atom::get_v, atom::status_v)->paused)
    << "nor any effect";
  commit();
  EXPECT_FALSE(ask<queue_status>(queue, atom::get_v, atom::status_v)->paused);
  EXPECT_FALSE(script->controls.paused);
}

TEST_F(queue_test, an_ended_token_leaves_memory_once_its_end_is_stored_and_still_answers) {
  start(10, 100);
  auto t = issue(1);
  advance(tick);
  script->commit_at_once = false;
  advance(ttl);
  EXPECT_EQ(get(t).status, "EXPIRED");
  EXPECT_EQ(script->token_loads, 0u) << "held here until its end is written";
  commit();
  script->commit_at_once = true;
  EXPECT_EQ(get(t).status, "EXPIRED");
  EXPECT_EQ(script->token_loads, 1u) << "forgotten here, answered from the database";
  auto checked = ask<int64_t>(queue, atom::check_v, t.token);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error(), make_error(ec::token_invalid));
  EXPECT_TRUE(ask<token_view>(queue, atom::create_v, int64_t{1})) << "the user may line up again";
}

TEST_F(queue_test, memory_of_ended_tokens_is_given_back_after_the_next_tick) {
  start(10, 100);
  auto t = issue(1);
  advance(tick);
  auto trims = metrics::actors().memory_trim_seconds.count();
  ASSERT_TRUE(ask<token_view>(queue, atom::revoke_v, t.token));
  advance(tick);
  advance(trim_settle);
  EXPECT_EQ(metrics::actors().memory_trim_seconds.count(), trims + 1);
  advance(tick + trim_gap);
  EXPECT_EQ(metrics::actors().memory_trim_seconds.count(), trims + 1)
    << "nothing let go since, so no trim";
}

TEST_F(queue_test, the_published_guard_passes_an_active_token_until_it_ends) {
  start(10, 100);
  auto t = issue(7);
  EXPECT_FALSE(published->tokens.find(t.token, now_ms())) << "a WAITING token is not let in";
  advance(tick);
  auto active = published->tokens.find(t.token, now_ms());
  ASSERT_TRUE(active) << "admitted by the tick";
  EXPECT_EQ(active->user_id, 7);
  auto expires_at = get(t).expires_at;
  EXPECT_FALSE(published->tokens.find(t.token, expires_at)) << "refused from its expiry on";
  EXPECT_TRUE(published->tokens.find(t.token, expires_at - 1));
  script->tokens[0].status = "EXPIRED";
  EXPECT_TRUE(ask<bool>(queue, atom::ended_v, t.token));
  EXPECT_FALSE(published->tokens.find(t.token, now_ms())) << "refused once the queue answered";
}

TEST_F(queue_test, the_published_guard_forgets_a_token_whose_time_ran_out) {
  start(10, 100);
  auto t = issue(7);
  advance(tick);
  ASSERT_TRUE(published->tokens.find(t.token, now_ms()));
  advance(ttl);
  EXPECT_EQ(get(t).status, "EXPIRED");
  EXPECT_FALSE(published->tokens.find(t.token, 0)) << "gone from the guard, whatever the clock";
}
