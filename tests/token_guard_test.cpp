// The queue's published guard of ACTIVE tokens: the edge reads it without
// asking the queue, so an ended token must be refused from the next read
// on, and the tokens that ended must not stay in memory.

#include "actors/published.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "support/time.hpp"

using concert::active_token;
using concert::token_guard;

namespace {

/// `count` tokens ACTIVE for an hour, user n holding token n.
std::vector<std::pair<std::string, active_token>> tokens(int count) {
  std::vector<std::pair<std::string, active_token>> result;
  for (int n = 0; n < count; ++n)
    result.push_back({"token-" + std::to_string(n), {n, concert::now_ms() + 3'600'000}});
  return result;
}

} // namespace

TEST(token_guard, an_ended_token_is_refused_at_once_whatever_the_clock_and_no_other_is) {
  token_guard guard;
  auto active = tokens(3000);
  guard.add(active);
  guard.remove("token-7");
  EXPECT_FALSE(guard.find("token-7", 0));
  EXPECT_FALSE(guard.find("token-7", concert::now_ms()));
  for (const auto& [token, entry] : active) {
    if (token == "token-7")
      continue;
    auto found = guard.find(token, concert::now_ms());
    ASSERT_TRUE(found) << token;
    EXPECT_EQ(found->user_id, entry.user_id);
    EXPECT_EQ(found->expires_at, entry.expires_at);
  }
}

TEST(token_guard, a_token_is_refused_from_its_expiry_on) {
  token_guard guard;
  guard.add({{"t", {1, 5000}}});
  EXPECT_TRUE(guard.find("t", 4999));
  EXPECT_FALSE(guard.find("t", 5000));
}

TEST(token_guard, ended_tokens_never_outnumber_the_live_ones_in_memory) {
  token_guard guard;
  auto active = tokens(4096);
  guard.add(active);
  ASSERT_EQ(guard.entries_for_test(), 4096u);
  for (int n = 0; n < 4096; ++n)
    if (n % 4 != 0)
      guard.remove(active[static_cast<size_t>(n)].first);
  EXPECT_LE(guard.entries_for_test(), 2u * 1024u) << "at most as many ended as live, 1,024 live";
  for (int n = 0; n < 4096; n += 4)
    guard.remove(active[static_cast<size_t>(n)].first);
  EXPECT_EQ(guard.entries_for_test(), 0u) << "every token ended, so none is kept";
}

TEST(token_guard, an_admission_drops_the_ended_tokens_of_the_shards_it_copies) {
  token_guard guard;
  auto first = tokens(4096);
  guard.add(first);
  for (int n = 0; n < 4096; n += 4)
    guard.remove(first[static_cast<size_t>(n)].first);
  EXPECT_GT(guard.entries_for_test(), 3072u) << "a few ended tokens a shard are kept for now";
  std::vector<std::pair<std::string, active_token>> second;
  for (int n = 0; n < 20000; ++n)
    second.push_back({"later-" + std::to_string(n), {n, concert::now_ms() + 3'600'000}});
  guard.add(second); // touches every shard (std::hash is the same every run)
  EXPECT_EQ(guard.entries_for_test(), 3072u + 20000u);
}

TEST(token_guard, a_token_added_again_after_it_ended_is_let_in) {
  token_guard guard;
  guard.add({{"t", {1, concert::now_ms() + 60'000}}});
  guard.remove("t");
  ASSERT_FALSE(guard.find("t", concert::now_ms()));
  guard.add({{"t", {2, concert::now_ms() + 60'000}}});
  auto found = guard.find("t", concert::now_ms());
  ASSERT_TRUE(found);
  EXPECT_EQ(found->user_id, 2);
}
