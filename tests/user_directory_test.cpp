// The user directory on CAF's deterministic scheduler, with real wallets,
// catalog and queue: an idle wallet leaves memory and comes back from the
// database as it was.

#include "actors/user_directory.hpp"

#include "actors/catalog.hpp"
#include "actors/errors.hpp"
#include "actors/queue.hpp"
#include "tests/support/deterministic.hpp"

using namespace concert;
using namespace concert::testing;
using namespace std::chrono_literals;

namespace {

constexpr auto idle = std::chrono::milliseconds{60'000};
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
  ASSERT_TRUE(ask<user_record>(first, atom::charge_v, int64_t{500}, idempotency_claim{}));
  auto held = ask<reservation_view>(first, atom::hold_v, xmas, int32_t{3}, idempotency_claim{});
  ASSERT_TRUE(held);
  advance(idle);
  auto second = wallet_of(kim);
  EXPECT_NE(second, first) << "the idle wallet was let go";
  EXPECT_EQ(script->wallet_loads, 2u);
  EXPECT_EQ(ask<user_record>(second, atom::get_v, atom::balance_v)->balance, 1500);
  EXPECT_EQ(ask<reservation_view>(second, atom::get_v, held->reservation_id)->status, "HELD");
  auto over = ask<reservation_view>(second, atom::hold_v, xmas, int32_t{4}, idempotency_claim{});
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
