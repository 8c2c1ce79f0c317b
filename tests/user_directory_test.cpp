// The user directory on CAF's deterministic scheduler, with real wallets,
// catalog and queue: an idle wallet leaves memory and comes back from the
// database as it was; a wallet in use stays.

#include "actors/user_directory.hpp"

#include "actors/catalog.hpp"
#include "actors/errors.hpp"
#include "actors/memory_trimmer.hpp"
#include "actors/queue.hpp"
#include "support/metrics.hpp"
#include "tests/support/deterministic.hpp"

using namespace concert;
using namespace concert::testing;
using namespace std::chrono_literals;

namespace {

// Shorter than the server allows (a minute at least), and than the store's
// timeout, so that a write can still be in flight when the wallet is asked
// to stop.
constexpr auto idle = std::chrono::milliseconds{5'000};
constexpr int64_t kim = 1;
const std::string xmas = "2026-12-24";

class user_directory_test : public deterministic {
protected:
  user_directory_test()
    : catalog(sys.spawn(concert::catalog, store, std::chrono::milliseconds{300'000}, published)),
      queue(sys.spawn(concert::queue, queue_settings{}, store, published, trimmer)),
      users(sys.spawn(concert::user_directory, store, catalog, queue, trimmer, int32_t{1}, idle)) {
    own(catalog);
    own(queue);
    own(users);
    EXPECT_TRUE(ask<concert_info>(catalog, atom::create_v, concert_info{xmas, "Xmas", 10, 100}));
    script->wallets[kim] = wallet_row{1000, {}, {}};
  }

  wallet_actor wallet_of(int64_t user) {
    return *ask<wallet_actor>(users, atom::lookup_v, user);
  }

  catalog_actor catalog;
  queue_actor queue;
  user_directory_actor users;
};

} // namespace

TEST_F(user_directory_test, an_idle_wallet_leaves_memory_and_returns_with_its_balance_and_holds) {
  auto first = wallet_of(kim);
  ASSERT_TRUE(write<user_record>(first, atom::charge_v, int64_t{500}, idempotency_claim{}));
  auto held = write<reservation_view>(first, atom::hold_v, xmas, int32_t{3}, idempotency_claim{});
  ASSERT_TRUE(held);
  advance(idle);
  auto second = wallet_of(kim);
  EXPECT_NE(second, first) << "the idle wallet was let go";
  EXPECT_EQ(script->wallet_loads, 2u);
  EXPECT_EQ(ask<user_record>(second, atom::get_v, atom::balance_v)->balance, 1500);
  EXPECT_EQ(ask<reservation_view>(second, atom::get_v, held->reservation_id)->status, "HELD");
  auto over = write<reservation_view>(second, atom::hold_v, xmas, int32_t{4}, idempotency_claim{});
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error(), make_error(ec::hold_limit)) << "the live hold still counts";
}

TEST_F(user_directory_test, a_wallet_handed_out_within_its_idle_time_stays) {
  auto first = wallet_of(kim);
  advance(idle - 1s);
  // Handed out again: a request may be about to use it.
  EXPECT_EQ(wallet_of(kim), first);
  advance(1s);
  EXPECT_EQ(wallet_of(kim), first) << "had the wallet gone, the lookup would load a new one";
  EXPECT_EQ(script->wallet_loads, 1u);
}

TEST_F(user_directory_test, a_users_write_sent_to_the_directory_is_answered_by_their_wallet) {
  auto held = write<reservation_view>(users, atom::hold_v, kim, xmas, int32_t{3}, idempotency_claim{});
  ASSERT_TRUE(held) << "the wallet was loaded on the way";
  EXPECT_EQ(script->wallet_loads, 1u);
  auto wallet = wallet_of(kim);
  EXPECT_EQ(ask<reservation_view>(wallet, atom::get_v, held->reservation_id)->status, "HELD")
    << "the hold is the wallet's";
  EXPECT_EQ(ask<reservation_view>(users, atom::cancel_v, kim, held->reservation_id)->status,
            "CANCELLED");
  EXPECT_EQ(ask<reservation_view>(users, atom::get_v, kim, held->reservation_id)->status,
            "CANCELLED");
  auto stranger = ask<reservation_view>(users, atom::get_v, int64_t{99}, held->reservation_id);
  ASSERT_FALSE(stranger);
  EXPECT_EQ(stranger.error(), make_error(ec::user_not_found));
}

TEST_F(user_directory_test, a_wallet_with_a_charge_being_written_stays_until_it_is_written) {
  auto first = wallet_of(kim);
  script->commit_at_once = false;
  EXPECT_FALSE(write<user_record>(first, atom::charge_v, int64_t{500}, idempotency_claim{}))
    << "being written";
  advance(idle);
  auto balance = ask<user_record>(first, atom::get_v, atom::balance_v);
  ASSERT_TRUE(balance) << "asked to stop, the wallet stayed";
  EXPECT_EQ(balance->balance, 1000);
  commit();
  script->commit_at_once = true;
  advance(idle);
  auto second = wallet_of(kim);
  EXPECT_NE(second, first) << "let go once the charge was written";
  EXPECT_EQ(script->wallet_loads, 2u);
  EXPECT_EQ(ask<user_record>(second, atom::get_v, atom::balance_v)->balance, 1500);
}

TEST_F(user_directory_test, a_wallet_with_a_hold_being_made_stays) {
  auto first = wallet_of(kim);
  script->commit_at_once = false;
  EXPECT_FALSE(write<reservation_view>(first, atom::hold_v, xmas, int32_t{3}, idempotency_claim{}))
    << "being written";
  advance(idle);
  EXPECT_TRUE(ask<user_record>(first, atom::get_v, atom::balance_v))
    << "asked to stop, the wallet stayed";
  EXPECT_EQ(script->wallet_loads, 1u);
}

TEST_F(user_directory_test, a_request_while_the_wallet_is_asked_to_stop_gets_one_that_works) {
  auto first = wallet_of(kim);
  sched.advance_time(idle);
  // The sweep asks the wallet to stop; nothing else has run.
  ASSERT_TRUE(sched.try_run_once());
  auto second = wallet_of(kim);
  EXPECT_NE(second, first) << "waited for the answer, then loaded anew";
  EXPECT_EQ(script->wallet_loads, 2u);
  auto balance = ask<user_record>(second, atom::get_v, atom::balance_v);
  ASSERT_TRUE(balance);
  EXPECT_EQ(balance->balance, 1000);
}

TEST_F(user_directory_test, the_memory_of_wallets_let_go_is_given_back) {
  script->wallets[2] = wallet_row{0, {}, {}};
  wallet_of(kim);
  wallet_of(2);
  auto trims = metrics::actors().memory_trim_seconds.count();
  advance(idle);
  EXPECT_EQ(script->wallet_loads, 2u);
  EXPECT_EQ(metrics::actors().memory_trim_seconds.count(), trims)
    << "not at once: what else goes meanwhile goes with it";
  advance(trim_settle);
  EXPECT_EQ(metrics::actors().memory_trim_seconds.count(), trims + 1) << "both wallets in one trim";
}
