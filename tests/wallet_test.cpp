// A wallet on CAF's deterministic scheduler with a real catalog and seat
// manager: charges, the hold cap and all-or-nothing payment.

#include "actors/wallet.hpp"

#include "actors/catalog.hpp"
#include "actors/errors.hpp"
#include "actors/queue.hpp"
#include "tests/support/deterministic.hpp"

using namespace concert;
using namespace concert::testing;
using namespace std::chrono_literals;

namespace {

constexpr auto hold_time = std::chrono::milliseconds{300'000};
constexpr int64_t kim = 1;
const std::string xmas = "2026-12-24";
const std::string eve = "2026-12-31";

class wallet_test : public deterministic {
protected:
  wallet_test()
    : catalog(sys.spawn(concert::catalog, store, hold_time, published)),
      queue(sys.spawn(concert::queue, queue_settings{}, store, published, trimmer)) {
    own(catalog);
    own(queue);
    EXPECT_TRUE(ask<concert_info>(catalog, atom::create_v, concert_info{xmas, "Xmas", 10, 10000}));
    EXPECT_TRUE(ask<concert_info>(catalog, atom::create_v, concert_info{eve, "Eve", 10, 20000}));
  }

  void open(int64_t balance, int32_t max_holds = 4) {
    wallet = sys.spawn(concert::wallet, kim, wallet_row{balance, {}}, max_holds, store, catalog,
                       queue, std::chrono::milliseconds{0});
    own(wallet);
  }

  caf::expected<reservation_view> hold(const std::string& date, int32_t seat) {
    return write<reservation_view>(wallet, atom::hold_v, date, seat, idempotency_claim{});
  }

  caf::expected<payment_view> pay(std::vector<int64_t> ids) {
    return write<payment_view>(wallet, atom::pay_v, std::string{"token"}, ids, idempotency_claim{});
  }

  int64_t balance() {
    return ask<user_record>(wallet, atom::get_v, atom::balance_v)->balance;
  }

  std::string status_of(int64_t id) {
    return ask<reservation_view>(wallet, atom::get_v, id)->status;
  }

  catalog_actor catalog;
  queue_actor queue;
  wallet_actor wallet;
};

} // namespace

TEST_F(wallet_test, a_charge_adds_to_the_balance_after_it_is_written) {
  open(0);
  script->commit_at_once = false;
  auto pending = write<user_record>(wallet, atom::charge_v, int64_t{5000}, idempotency_claim{});
  EXPECT_FALSE(pending);
  EXPECT_EQ(balance(), 0) << "not before the commit";
  commit();
  EXPECT_EQ(balance(), 5000);
}

TEST_F(wallet_test, a_charge_past_ten_to_the_fifteenth_is_invalid_amount) {
  open(max_balance - 10);
  auto over = write<user_record>(wallet, atom::charge_v, int64_t{11}, idempotency_claim{});
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error(), make_error(ec::invalid_amount));
  EXPECT_TRUE(write<user_record>(wallet, atom::charge_v, int64_t{10}, idempotency_claim{}));
}

TEST_F(wallet_test, the_hold_cap_counts_live_holds_and_frees_a_slot_when_one_lapses) {
  open(0, 2);
  ASSERT_TRUE(hold(xmas, 1));
  ASSERT_TRUE(hold(xmas, 2));
  auto third = hold(xmas, 3);
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error(), make_error(ec::hold_limit));
  advance(hold_time);
  EXPECT_TRUE(hold(xmas, 3)) << "lapsed holds no longer count";
}

TEST_F(wallet_test, a_cancelled_hold_frees_its_slot) {
  open(0, 1);
  auto first = hold(xmas, 1);
  ASSERT_TRUE(ask<reservation_view>(wallet, atom::cancel_v, first->reservation_id));
  EXPECT_TRUE(hold(xmas, 2));
}

TEST_F(wallet_test, payment_debits_confirms_and_ends_the_token) {
  open(50000);
  auto a = hold(xmas, 1);
  auto b = hold(eve, 1);
  auto paid = pay({a->reservation_id, b->reservation_id});
  ASSERT_TRUE(paid) << caf::to_string(paid.error());
  EXPECT_EQ(paid->amount, 30000);
  EXPECT_EQ(paid->reservations.size(), 2u);
  EXPECT_EQ(balance(), 20000);
  EXPECT_EQ(status_of(a->reservation_id), "CONFIRMED");
  EXPECT_EQ(status_of(b->reservation_id), "CONFIRMED");
  ASSERT_EQ(script->payments_written.size(), 1u);
  EXPECT_EQ(script->payments_written[0].token, "token");
}

TEST_F(wallet_test, insufficient_balance_changes_nothing_and_keeps_the_holds) {
  open(15000);
  auto a = hold(xmas, 1);
  auto b = hold(eve, 1);
  auto paid = pay({a->reservation_id, b->reservation_id});
  ASSERT_FALSE(paid);
  EXPECT_EQ(paid.error(), make_error(ec::insufficient_balance));
  EXPECT_EQ(balance(), 15000);
  EXPECT_TRUE(script->payments_written.empty());
  EXPECT_EQ(status_of(a->reservation_id), "HELD");
  EXPECT_TRUE(pay({a->reservation_id})) << "both holds are payable again";
}

TEST_F(wallet_test, a_failed_commit_rolls_both_sides_back) {
  open(50000);
  auto a = hold(xmas, 1);
  script->commit_failure = make_error(ec::database_unavailable);
  EXPECT_FALSE(pay({a->reservation_id}));
  script->commit_failure = caf::error{};
  EXPECT_EQ(balance(), 50000);
  EXPECT_EQ(status_of(a->reservation_id), "HELD");
  EXPECT_TRUE(pay({a->reservation_id}));
}

TEST_F(wallet_test, money_set_aside_for_a_payment_in_flight_cannot_be_spent_twice) {
  open(10000);
  auto a = hold(xmas, 1);
  auto b = hold(xmas, 2);
  script->commit_at_once = false;
  self->request(wallet, 3600s, atom::pay_v, std::string{"token"}, std::vector<int64_t>{a->reservation_id},
                idempotency_claim{});
  run();
  auto second = pay({b->reservation_id});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error(), make_error(ec::insufficient_balance));
}

TEST_F(wallet_test, unknown_ids_and_repeated_ids_are_refused_before_anything_happens) {
  open(50000);
  auto a = hold(xmas, 1);
  auto unknown = pay({a->reservation_id, 999});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error(), make_error(ec::reservation_not_found));
  auto twice = pay({a->reservation_id, a->reservation_id});
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error(), make_error(ec::invalid_request));
  EXPECT_EQ(status_of(a->reservation_id), "HELD");
}

TEST_F(wallet_test, paying_a_lapsed_hold_is_hold_expired) {
  open(50000);
  auto a = hold(xmas, 1);
  advance(hold_time);
  auto paid = pay({a->reservation_id});
  ASSERT_FALSE(paid);
  EXPECT_EQ(paid.error(), make_error(ec::hold_expired));
  EXPECT_EQ(balance(), 50000);
}

TEST_F(wallet_test, reservations_that_had_ended_when_it_loaded_are_answered_by_the_wallet) {
  // After a restart seat managers hold live reservations only; what had
  // ended comes with the wallet's own load, and is final.
  wallet = sys.spawn(concert::wallet, kim,
                     wallet_row{10000,
                                {},
                                {{41, kim, xmas, 1, 10000, "EXPIRED", 0},
                                 {42, kim, xmas, 2, 10000, "CANCELLED", 0}}},
                     4, store, catalog, queue, std::chrono::milliseconds{0});
  own(wallet);
  EXPECT_EQ(status_of(41), "EXPIRED");
  EXPECT_EQ(status_of(42), "CANCELLED");
  auto cancelled = ask<reservation_view>(wallet, atom::cancel_v, int64_t{41});
  ASSERT_FALSE(cancelled);
  EXPECT_EQ(cancelled.error(), make_error(ec::reservation_not_held));
  auto lapsed = pay({41});
  ASSERT_FALSE(lapsed);
  EXPECT_EQ(lapsed.error(), make_error(ec::hold_expired));
  auto gone = pay({42});
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error(), make_error(ec::reservation_not_held));
  EXPECT_EQ(balance(), 10000);
}

TEST_F(wallet_test, reservations_their_seat_manager_let_go_are_answered_from_the_database) {
  open(50000);
  auto lapsed = hold(xmas, 1);
  auto cancelled = hold(xmas, 2);
  ASSERT_TRUE(ask<reservation_view>(wallet, atom::cancel_v, cancelled->reservation_id));
  advance(hold_time);
  auto seats = ask<seat_manager_actor>(catalog, atom::lookup_v, xmas);
  auto there = ask<reservation_view>(*seats, atom::get_v, lapsed->reservation_id, kim);
  ASSERT_FALSE(there) << "what would keep it: the seat manager holding ended reservations";
  EXPECT_EQ(status_of(lapsed->reservation_id), "EXPIRED");
  EXPECT_EQ(status_of(cancelled->reservation_id), "CANCELLED");
  auto again = ask<reservation_view>(wallet, atom::cancel_v, lapsed->reservation_id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), make_error(ec::reservation_not_held));
  auto late = pay({lapsed->reservation_id});
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error(), make_error(ec::hold_expired));
  auto gone = pay({cancelled->reservation_id});
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error(), make_error(ec::reservation_not_held));
  EXPECT_EQ(balance(), 50000);
}

// Idempotency-Keys: the wallet owns its user's writes, so it checks and
// records their keys; the store records a write's answer in its transaction.

TEST_F(wallet_test, a_key_with_an_answer_stored_is_answered_from_it_and_nothing_is_written) {
  open(50000);
  stored_answer earlier{true, R"({"date":"x"})", 201, R"({"reservationId":7})"};
  script->answers[{"reservation", kim, "k1"}] = earlier;
  auto answer = ask<keyed<reservation_view>>(wallet, atom::hold_v, xmas, int32_t{1},
                                             idempotency_claim{"reservation", kim, "k1", R"({"date":"x"})"});
  ASSERT_TRUE(answer);
  EXPECT_TRUE(answer->stored.found);
  EXPECT_EQ(answer->stored.body, earlier.body);
  EXPECT_TRUE(script->holds_written.empty());
}

TEST_F(wallet_test, a_refusal_under_a_key_is_stored_as_its_answer_and_answered_as_a_refusal) {
  open(50000);
  idempotency_claim claim{"reservation", kim, "k2", "{}"};
  auto refused = ask<keyed<reservation_view>>(wallet, atom::hold_v, xmas, int32_t{99}, claim);
  ASSERT_FALSE(refused) << "the first answer is the refusal itself, not a replay";
  EXPECT_EQ(refused.error(), make_error(ec::seat_not_found));
  auto stored = script->answers.find({"reservation", kim, "k2"});
  ASSERT_NE(stored, script->answers.end());
  EXPECT_EQ(stored->second.status, 404);
  EXPECT_NE(stored->second.body.find("SEAT_NOT_FOUND"), std::string::npos);
  auto again = ask<keyed<reservation_view>>(wallet, atom::hold_v, xmas, int32_t{99}, claim);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->stored.found) << "a repeat is replayed";
}

TEST_F(wallet_test, a_refusal_that_passes_with_time_is_not_stored) {
  open(50000, 1);
  ASSERT_TRUE(hold(xmas, 1));
  auto capped = ask<keyed<reservation_view>>(wallet, atom::hold_v, xmas, int32_t{2},
                                             idempotency_claim{"reservation", kim, "k3", "{}"});
  ASSERT_FALSE(capped);
  EXPECT_EQ(capped.error(), make_error(ec::hold_limit));
  EXPECT_TRUE(script->answers.empty()) << "a retry after a hold lapses is tried afresh";
}

TEST_F(wallet_test, a_refusal_whose_key_another_request_took_meanwhile_answers_with_that_ones) {
  open(50000);
  script->stored_meanwhile = stored_answer{true, "{}", 201, R"({"reservationId":8})"};
  auto answer = ask<keyed<reservation_view>>(wallet, atom::hold_v, xmas, int32_t{99},
                                             idempotency_claim{"reservation", kim, "k4", "{}"});
  ASSERT_TRUE(answer);
  ASSERT_TRUE(answer->stored.found);
  EXPECT_EQ(answer->stored.status, 201);
}

TEST_F(wallet_test, the_stored_answer_of_a_key_is_read_through_the_wallet) {
  open(50000);
  script->answers[{"payment", kim, "k5"}] = stored_answer{true, "{}", 201, R"({"paymentId":1})"};
  auto stored = ask<stored_answer>(wallet, atom::idempotent_v,
                                   idempotency_claim{"payment", kim, "k5", "{}"});
  ASSERT_TRUE(stored);
  EXPECT_TRUE(stored->found);
  auto none = ask<stored_answer>(wallet, atom::idempotent_v,
                                 idempotency_claim{"payment", kim, "k6", "{}"});
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->found);
}

TEST_F(wallet_test, a_repeat_sent_while_the_first_is_being_written_gets_the_first_ones_answer) {
  open(50000);
  script->commit_at_once = false;
  idempotency_claim claim{"reservation", kim, "k7", R"({"date":"2026-12-24","seat":1})"};
  auto first = self->request(wallet, 3600s, atom::hold_v, xmas, int32_t{1}, claim);
  auto repeat = self->request(wallet, 3600s, atom::hold_v, xmas, int32_t{1}, claim);
  run();
  EXPECT_EQ(script->holds_written.size(), 1u);
  EXPECT_TRUE(self->mailbox().empty()) << "neither is answered before the commit";
  commit();
  std::vector<keyed<reservation_view>> answers;
  for (auto* handle : {&first, &repeat})
    handle->receive([&](keyed<reservation_view>& a) { answers.push_back(a); },
                    [&](caf::error& err) { ADD_FAILURE() << caf::to_string(err); });
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_FALSE(answers[0].stored.found);
  EXPECT_EQ(answers[0].made.seat, 1);
  ASSERT_TRUE(answers[1].stored.found) << "what would refuse it: a write of its own on a taken seat";
  EXPECT_EQ(answers[1].stored.status, 201);
  EXPECT_EQ(script->holds_written.size(), 1u);
  EXPECT_TRUE(script->answers.size() == 1u) << "no refusal was stored under the key";
}
