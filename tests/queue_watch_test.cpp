// Watching a queue token: the queue itself tells a watcher of every change
// of a WAITING token's position or status, in simulated time.

#include <map>
#include <memory>

#include "actors/errors.hpp"
#include "tests/support/queue_fixture.hpp"

using namespace concert;
using namespace concert::testing;

namespace {

using heard_list = std::shared_ptr<std::vector<token_view>>;

/// Writes down every view it is told of.
token_watcher_actor::behavior_type listener(heard_list heard) {
  return {
    [=](atom::update, const token_view& token) { heard->push_back(token); },
  };
}

class queue_watch_test : public queue_fixture {
protected:
  token_watcher_actor new_watcher() {
    auto w = sys.spawn(listener, heard);
    own(w);
    return w;
  }

  std::vector<std::string> heard_as_text() const {
    std::vector<std::string> result;
    for (const auto& t : *heard)
      result.push_back(t.status + " " + std::to_string(t.position));
    return result;
  }

  heard_list heard = std::make_shared<std::vector<token_view>>();
};

using lines = std::vector<std::string>;

} // namespace

TEST_F(queue_watch_test, a_watcher_hears_the_position_fall_then_active_and_then_nothing) {
  start(1, 100);
  issue(1);
  issue(2);
  auto mine = issue(3);
  auto now = ask<token_view>(queue, atom::watch_v, mine.token, new_watcher());
  ASSERT_TRUE(now);
  EXPECT_EQ(now->position, 3) << "the reply is the token as it is";
  advance(tick);
  advance(tick);
  advance(tick);
  advance(tick);
  EXPECT_EQ(heard_as_text(), (lines{"WAITING 2", "WAITING 1", "ACTIVE 0"}));
  EXPECT_NE(heard->back().expires_at, 0);
}

TEST_F(queue_watch_test, a_tick_that_admits_nobody_tells_nobody) {
  start(1, 1);
  issue(1);
  auto mine = issue(2);
  ASSERT_TRUE(ask<token_view>(queue, atom::watch_v, mine.token, new_watcher()));
  advance(tick);
  advance(tick);
  advance(tick);
  EXPECT_EQ(heard_as_text(), (lines{"WAITING 1"})) << "the cap on ACTIVE tokens holds the line";
}

TEST_F(queue_watch_test, those_behind_a_token_that_leaves_the_line_hear_it_and_it_hears_expired) {
  start(1, 100);
  auto first = issue(1);
  auto second = issue(2);
  auto third = issue(3);
  for (const auto& t : {first, second, third})
    ASSERT_TRUE(ask<token_view>(queue, atom::watch_v, t.token, new_watcher()));
  ASSERT_TRUE(ask<token_view>(queue, atom::revoke_v, second.token));
  ASSERT_EQ(heard->size(), 2u) << "the first token did not move";
  std::map<std::string, std::string> by_token;
  for (const auto& t : *heard)
    by_token[t.token] = t.status + " " + std::to_string(t.position);
  EXPECT_EQ(by_token[second.token], "EXPIRED 0");
  EXPECT_EQ(by_token[third.token], "WAITING 2");
}

TEST_F(queue_watch_test, every_watcher_of_a_token_hears_it_until_it_unwatches) {
  start(1, 100);
  issue(1);
  issue(2);
  auto mine = issue(3);
  auto stays = new_watcher();
  auto leaves = new_watcher();
  ASSERT_TRUE(ask<token_view>(queue, atom::watch_v, mine.token, stays));
  ASSERT_TRUE(ask<token_view>(queue, atom::watch_v, mine.token, leaves));
  advance(tick);
  EXPECT_EQ(heard_as_text(), (lines{"WAITING 2", "WAITING 2"}));
  self->send(queue, atom::unwatch_v, mine.token, leaves);
  advance(tick);
  EXPECT_EQ(heard_as_text(), (lines{"WAITING 2", "WAITING 2", "WAITING 1"}));
}

TEST_F(queue_watch_test, an_active_or_unknown_token_is_answered_and_not_watched) {
  start(1, 100);
  auto mine = issue(1);
  advance(tick);
  auto now = ask<token_view>(queue, atom::watch_v, mine.token, new_watcher());
  ASSERT_TRUE(now);
  EXPECT_EQ(now->status, "ACTIVE");
  auto unknown = ask<token_view>(queue, atom::watch_v, std::string{"no-such-token"}, new_watcher());
  EXPECT_EQ(unknown.error(), make_error(ec::token_not_found));
  ASSERT_TRUE(ask<token_view>(queue, atom::revoke_v, mine.token));
  EXPECT_TRUE(heard->empty());
}
