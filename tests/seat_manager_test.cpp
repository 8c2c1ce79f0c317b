// A seat manager on CAF's deterministic scheduler: holds, their lapse in
// simulated time, and payments racing the lapse.

#include "actors/seat_manager.hpp"

#include <atomic>

#include <caf/event_based_actor.hpp>
#include <nlohmann/json.hpp>

#include "actors/errors.hpp"
#include "actors/view_json.hpp"
#include "tests/support/deterministic.hpp"

using namespace concert;
using namespace concert::testing;
using namespace std::chrono_literals;

namespace {

constexpr auto hold_time = std::chrono::milliseconds{300'000};
constexpr int64_t kim = 1;
constexpr int64_t lee = 2;

class seat_manager_test : public deterministic {
protected:
  seat_manager_test()
    : board(std::make_shared<seat_board>()),
      seats(sys.spawn(seat_manager, concert_info{"2026-12-24", "Xmas", 10, 10000}, hold_time,
                      store, catalog_actor{}, std::make_shared<std::atomic<bool>>(), board)) {
    own(seats);
  }

  caf::expected<reservation_view> hold(int64_t user, int32_t seat) {
    return ask<reservation_view>(seats, atom::hold_v, user, seat, idempotency_claim{});
  }

  std::string seat_status(int32_t seat) {
    auto list = ask<seat_list>(seats, atom::get_v, atom::seats_v);
    return list->seats.at(static_cast<size_t>(seat - 1)).status;
  }

  /// The reservation's status as the seat manager answers it. One that
  /// has ended and been let go once its release was written is "EXPIRED,
  /// let go" (or CANCELLED): the seat manager no longer knows it, and the
  /// database has that status.
  std::string status_of(int64_t id, int64_t user = kim) {
    auto r = ask<reservation_view>(seats, atom::get_v, id, user);
    if (r)
      return r->status;
    if (r.error() != make_error(ec::reservation_not_found))
      return caf::to_string(r.error());
    for (auto i = script->releases_written.rbegin(); i != script->releases_written.rend(); ++i)
      if (i->reservation_id == id)
        return i->status + ", let go";
    return "not found";
  }

  caf::expected<std::vector<paid_item>> begin_pay(std::vector<int64_t> ids, int64_t user = kim) {
    return ask<std::vector<paid_item>>(seats, atom::begin_pay_v, user, ids);
  }

  /// The seat's status in what the seat manager last published.
  std::string published_status(int32_t seat) {
    auto snapshot = board->latest();
    if (snapshot == nullptr)
      return "nothing published";
    auto seats = nlohmann::json::parse(snapshot->body).at("seats");
    return seats.at(static_cast<size_t>(seat - 1)).at("status").get<std::string>();
  }

  /// Alarm messages (atom::expire without an id) waiting in CAF's clock.
  size_t alarms_pending() {
    using clock = caf::detail::simple_actor_clock;
    size_t n = 0;
    for (auto& [at, event] : sched.clock().schedule())
      if (event->subtype == clock::actor_msg_type
          && static_cast<const clock::actor_msg&>(*event).content->content().match_elements<atom::expire>())
        ++n;
    return n;
  }

  std::shared_ptr<seat_board> board;
  seat_manager_actor seats;
};

} // namespace

TEST_F(seat_manager_test, a_hold_makes_the_seat_held_and_is_written) {
  auto r = hold(kim, 3);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, "HELD");
  EXPECT_EQ(r->seat, 3);
  EXPECT_EQ(r->price, 10000);
  EXPECT_EQ(seat_status(3), "HELD");
  ASSERT_EQ(script->holds_written.size(), 1u);
  EXPECT_EQ(script->holds_written[0].expires_at, r->expires_at);
}

TEST_F(seat_manager_test, a_held_seat_is_unavailable_to_everyone) {
  ASSERT_TRUE(hold(kim, 3));
  auto second = hold(lee, 3);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error(), make_error(ec::seat_unavailable));
}

TEST_F(seat_manager_test, a_seat_whose_hold_is_being_written_is_taken) {
  script->commit_at_once = false;
  auto first = self->request(seats, 3600s, atom::hold_v, kim, int32_t{3}, idempotency_claim{});
  run();
  EXPECT_EQ(seat_status(3), "HELD");
  auto second = hold(lee, 3);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error(), make_error(ec::seat_unavailable));
  commit();
  first.receive([](reservation_view& r) { EXPECT_EQ(r.user_id, kim); },
                [](caf::error& e) { FAIL() << caf::to_string(e); });
}

TEST_F(seat_manager_test, a_failed_write_frees_the_seat) {
  script->commit_failure = make_error(ec::database_unavailable);
  EXPECT_FALSE(hold(kim, 3));
  script->commit_failure = caf::error{};
  EXPECT_EQ(seat_status(3), "AVAILABLE");
  EXPECT_TRUE(hold(lee, 3));
}

TEST_F(seat_manager_test, seats_outside_the_concert_do_not_exist) {
  for (int32_t seat : {0, 11, -1}) {
    auto r = hold(kim, seat);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error(ec::seat_not_found));
  }
}

TEST_F(seat_manager_test, hold_lapses_exactly_at_the_hold_time_and_not_a_tick_before) {
  auto r = hold(kim, 3);
  advance(hold_time - 1ms);
  EXPECT_EQ(status_of(r->reservation_id), "HELD");
  EXPECT_EQ(seat_status(3), "HELD");
  EXPECT_TRUE(script->releases_written.empty());
  advance(1ms);
  EXPECT_EQ(status_of(r->reservation_id), "EXPIRED, let go");
  EXPECT_EQ(seat_status(3), "AVAILABLE");
  ASSERT_EQ(script->releases_written.size(), 1u);
  EXPECT_EQ(script->releases_written[0].status, "EXPIRED");
}

TEST_F(seat_manager_test, a_stale_expiry_after_cancel_changes_nothing) {
  auto first = hold(kim, 3);
  advance(hold_time / 2);
  auto cancelled = ask<reservation_view>(seats, atom::cancel_v, first->reservation_id, kim);
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->status, "CANCELLED");
  auto second = hold(lee, 3);
  ASSERT_TRUE(second);
  advance(hold_time / 2);
  EXPECT_EQ(status_of(second->reservation_id, lee), "HELD") << "the first hold's timer is stale";
  EXPECT_EQ(status_of(first->reservation_id), "CANCELLED, let go");
  EXPECT_EQ(seat_status(3), "HELD");
}

TEST_F(seat_manager_test, a_stale_expiry_after_payment_changes_nothing) {
  auto r = hold(kim, 3);
  ASSERT_TRUE(begin_pay({r->reservation_id}));
  self->send(seats, atom::commit_pay_v, std::vector<int64_t>{r->reservation_id});
  advance(hold_time);
  EXPECT_EQ(status_of(r->reservation_id), "CONFIRMED");
  EXPECT_EQ(seat_status(3), "SOLD");
}

TEST_F(seat_manager_test, a_hold_being_paid_does_not_lapse_and_commits) {
  auto r = hold(kim, 3);
  advance(hold_time - 1ms);
  auto items = begin_pay({r->reservation_id});
  ASSERT_TRUE(items);
  EXPECT_EQ(items->at(0).price, 10000);
  advance(1ms);
  EXPECT_EQ(status_of(r->reservation_id), "HELD") << "the timer fired while paying";
  self->send(seats, atom::commit_pay_v, std::vector<int64_t>{r->reservation_id});
  run();
  EXPECT_EQ(status_of(r->reservation_id), "CONFIRMED");
}

TEST_F(seat_manager_test, a_failed_payment_after_the_hold_time_lapses_the_hold_at_once) {
  auto r = hold(kim, 3);
  advance(hold_time - 1ms);
  ASSERT_TRUE(begin_pay({r->reservation_id}));
  advance(1ms);
  self->send(seats, atom::abort_pay_v, std::vector<int64_t>{r->reservation_id});
  run();
  EXPECT_EQ(status_of(r->reservation_id), "EXPIRED, let go");
  EXPECT_EQ(seat_status(3), "AVAILABLE");
}

TEST_F(seat_manager_test, a_failed_payment_in_time_leaves_the_hold) {
  auto r = hold(kim, 3);
  ASSERT_TRUE(begin_pay({r->reservation_id}));
  self->send(seats, atom::abort_pay_v, std::vector<int64_t>{r->reservation_id});
  run();
  EXPECT_EQ(status_of(r->reservation_id), "HELD");
  advance(hold_time);
  EXPECT_EQ(status_of(r->reservation_id), "EXPIRED, let go") << "and it still lapses on time";
}

TEST_F(seat_manager_test, paying_a_lapsed_hold_is_hold_expired_until_it_is_let_go) {
  auto r = hold(kim, 3);
  script->commit_at_once = false;
  advance(hold_time);
  auto paid = begin_pay({r->reservation_id});
  ASSERT_FALSE(paid);
  EXPECT_EQ(paid.error(), make_error(ec::hold_expired));
  commit();
  auto later = begin_pay({r->reservation_id});
  ASSERT_FALSE(later);
  EXPECT_EQ(later.error(), make_error(ec::reservation_not_found))
    << "let go once its release is written; the wallet answers for it";
}

TEST_F(seat_manager_test, an_ended_reservation_leaves_memory_once_its_release_is_written) {
  auto lapsing = hold(kim, 3);
  auto cancelling = hold(kim, 4);
  script->commit_at_once = false;
  advance(hold_time - 1ms);
  auto cancel = self->request(seats, 3600s, atom::cancel_v, cancelling->reservation_id, kim);
  run();
  advance(1ms);
  EXPECT_EQ(status_of(lapsing->reservation_id), "EXPIRED") << "kept while its release is written";
  EXPECT_EQ(status_of(cancelling->reservation_id), "HELD") << "being cancelled";
  commit();
  cancel.receive([](reservation_view& r) { EXPECT_EQ(r.status, "CANCELLED"); },
                 [](caf::error& e) { FAIL() << caf::to_string(e); });
  EXPECT_EQ(status_of(lapsing->reservation_id), "EXPIRED, let go");
  EXPECT_EQ(status_of(cancelling->reservation_id), "CANCELLED, let go");
  EXPECT_EQ(seat_status(3), "AVAILABLE");
  EXPECT_EQ(seat_status(4), "AVAILABLE");
  script->commit_at_once = true;
  EXPECT_TRUE(hold(lee, 3)) << "the seat is free for the next hold";
}

TEST_F(seat_manager_test, a_hold_being_paid_cannot_be_paid_or_cancelled_again) {
  auto r = hold(kim, 3);
  ASSERT_TRUE(begin_pay({r->reservation_id}));
  auto again = begin_pay({r->reservation_id});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), make_error(ec::reservation_not_held));
  auto cancel = ask<reservation_view>(seats, atom::cancel_v, r->reservation_id, kim);
  ASSERT_FALSE(cancel);
  EXPECT_EQ(cancel.error(), make_error(ec::reservation_not_held));
}

TEST_F(seat_manager_test, another_users_reservation_is_not_found) {
  auto r = hold(kim, 3);
  auto seen = ask<reservation_view>(seats, atom::get_v, r->reservation_id, lee);
  ASSERT_FALSE(seen);
  EXPECT_EQ(seen.error(), make_error(ec::reservation_not_found));
  auto paid = begin_pay({r->reservation_id}, lee);
  ASSERT_FALSE(paid);
  EXPECT_EQ(paid.error(), make_error(ec::reservation_not_found));
}

TEST_F(seat_manager_test, one_refused_hold_refuses_the_whole_payment) {
  auto a = hold(kim, 3);
  auto b = hold(kim, 4);
  ASSERT_TRUE(ask<reservation_view>(seats, atom::cancel_v, b->reservation_id, kim));
  auto paid = begin_pay({a->reservation_id, b->reservation_id});
  ASSERT_FALSE(paid);
  EXPECT_EQ(paid.error(), make_error(ec::reservation_not_found))
    << "the cancelled hold was let go; its wallet says RESERVATION_NOT_HELD";
  EXPECT_TRUE(begin_pay({a->reservation_id})) << "the first hold was left as it was";
}

TEST_F(seat_manager_test, recovery_rearms_live_holds_and_expires_lapsed_ones) {
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  // The catalog hands a seat manager its date's live reservations only.
  std::vector<reservation_view> live = {
    {11, kim, "2026-12-24", 1, 10000, "HELD", now + 60'000},
    {12, kim, "2026-12-24", 2, 10000, "HELD", now - 1'000},
    {13, lee, "2026-12-24", 3, 10000, "CONFIRMED", now - 5'000},
  };
  EXPECT_EQ(*ask<int32_t>(seats, atom::recover_v, live), 3);
  EXPECT_EQ(status_of(11), "HELD");
  EXPECT_EQ(status_of(12), "EXPIRED, let go") << "lapsed while the server was down";
  EXPECT_EQ(status_of(13, lee), "CONFIRMED");
  EXPECT_EQ(seat_status(1), "HELD");
  EXPECT_EQ(seat_status(2), "AVAILABLE");
  EXPECT_EQ(seat_status(3), "SOLD");
  EXPECT_EQ(seat_status(4), "AVAILABLE");
  advance(std::chrono::milliseconds{60'000});
  EXPECT_EQ(status_of(11), "EXPIRED, let go") << "the re-armed timer keeps the original expiry";
}

TEST_F(seat_manager_test, holds_made_at_different_times_each_lapse_at_their_own_time) {
  auto first = hold(kim, 1);
  advance(hold_time / 4);
  auto paid = hold(kim, 2);
  ASSERT_TRUE(begin_pay({paid->reservation_id}));
  self->send(seats, atom::commit_pay_v, std::vector<int64_t>{paid->reservation_id});
  advance(hold_time / 4);
  auto last = hold(lee, 3);
  // A recovered hold due before all of them: the alarm must come sooner.
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  std::vector<reservation_view> recovered = {
    {900, lee, "2026-12-24", 4, 10000, "HELD", now + 1'000}};
  ASSERT_EQ(*ask<int32_t>(seats, atom::recover_v, recovered), 1);

  advance(1s);
  EXPECT_EQ(status_of(900, lee), "EXPIRED, let go");
  EXPECT_EQ(status_of(first->reservation_id), "HELD");
  advance(hold_time / 2 - 1s - 1ms);
  EXPECT_EQ(status_of(first->reservation_id), "HELD") << "a tick before its time";
  advance(1ms);
  EXPECT_EQ(status_of(first->reservation_id), "EXPIRED, let go");
  EXPECT_EQ(status_of(last->reservation_id, lee), "HELD");
  advance(hold_time / 4);
  EXPECT_EQ(status_of(paid->reservation_id), "CONFIRMED") << "a paid hold's deadline passes by";
  EXPECT_EQ(status_of(last->reservation_id, lee), "HELD");
  advance(hold_time / 4);
  EXPECT_EQ(status_of(last->reservation_id, lee), "EXPIRED, let go");
  EXPECT_EQ(seat_status(1), "AVAILABLE");
  EXPECT_EQ(seat_status(2), "SOLD");
  EXPECT_EQ(seat_status(3), "AVAILABLE");
  EXPECT_EQ(seat_status(4), "AVAILABLE");
}

TEST_F(seat_manager_test, an_alarm_replaced_by_a_sooner_one_goes_without_sending_another) {
  ASSERT_TRUE(hold(kim, 1));
  EXPECT_EQ(alarms_pending(), 1u);
  // Recovered holds due in descending order: each brings the alarm forward.
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  std::vector<reservation_view> recovered;
  for (int32_t i = 0; i < 5; ++i)
    recovered.push_back({900 + i, lee, "2026-12-24", 5 + i, 10000, "HELD", now + 100'000 - i * 10'000});
  ASSERT_EQ(*ask<int32_t>(seats, atom::recover_v, recovered), 5);
  advance(101s);
  for (int64_t id = 900; id < 905; ++id)
    EXPECT_EQ(status_of(id, lee), "EXPIRED, let go");
  // Holds keep coming, so there is always a deadline ahead: what would
  // change the count is a stale alarm that sends another when it arrives.
  for (int32_t seat = 2; seat <= 4; ++seat) {
    ASSERT_TRUE(hold(kim, seat));
    advance(100s);
  }
  EXPECT_EQ(alarms_pending(), 1u) << "one alarm, for the earliest hold still held";
}

TEST_F(seat_manager_test, the_published_seats_answer_as_the_seat_manager_does) {
  run();
  EXPECT_EQ(published_status(3), "AVAILABLE");
  ASSERT_TRUE(hold(kim, 3));
  EXPECT_EQ(published_status(3), "HELD");
  auto list = ask<seat_list>(seats, atom::get_v, atom::seats_v);
  EXPECT_EQ(board->latest()->body, json_text(encode(*list)));
  EXPECT_EQ(board->latest()->available, 9);
}

TEST_F(seat_manager_test, the_published_seats_are_the_encoded_answer_byte_for_byte_whatever_the_title) {
  auto odd = std::make_shared<seat_board>();
  auto titled = sys.spawn(seat_manager,
                          concert_info{"2027-01-01", "Quote \" back\\slash \u00e9t\u00e9 \x01 tab\t", 3, 7},
                          hold_time, store, catalog_actor{}, std::make_shared<std::atomic<bool>>(), odd);
  own(titled);
  ASSERT_TRUE(ask<reservation_view>(titled, atom::hold_v, kim, int32_t{2}, idempotency_claim{}));
  auto list = ask<seat_list>(titled, atom::get_v, atom::seats_v);
  EXPECT_EQ(odd->latest()->body, json_text(encode(*list)));
}

TEST_F(seat_manager_test, a_seat_being_held_is_published_taken_before_its_hold_is_answered) {
  script->commit_at_once = false;
  auto pending = self->request(seats, 3600s, atom::hold_v, kim, int32_t{3}, idempotency_claim{});
  run();
  EXPECT_EQ(published_status(3), "HELD");
  commit();
  pending.receive([](reservation_view&) {}, [](caf::error& e) { FAIL() << caf::to_string(e); });
}

TEST_F(seat_manager_test, a_lapsed_seat_is_published_free_only_once_its_release_is_written) {
  auto r = hold(kim, 3);
  script->commit_at_once = false;
  advance(hold_time);
  EXPECT_EQ(status_of(r->reservation_id), "EXPIRED");
  // What would free it: the release committing. Until then a new hold
  // would break the database's unique index.
  EXPECT_EQ(published_status(3), "HELD");
  EXPECT_EQ(seat_status(3), "HELD");
  commit();
  EXPECT_EQ(published_status(3), "AVAILABLE");
  script->commit_at_once = true;
  EXPECT_TRUE(hold(lee, 3));
}

TEST_F(seat_manager_test, a_lapse_the_database_refused_is_written_again) {
  auto r = hold(kim, 3);
  script->commit_failure = make_error(ec::database_unavailable);
  advance(hold_time);
  EXPECT_EQ(published_status(3), "HELD");
  script->commit_failure = caf::error{};
  advance(1s);
  EXPECT_EQ(published_status(3), "AVAILABLE");
  EXPECT_EQ(script->releases_written.back().reservation_id, r->reservation_id);
}

TEST_F(seat_manager_test, a_sold_seat_is_published_before_the_payment_is_acknowledged) {
  auto r = hold(kim, 3);
  ASSERT_TRUE(begin_pay({r->reservation_id}));
  EXPECT_TRUE(ask<bool>(seats, atom::commit_pay_v, std::vector<int64_t>{r->reservation_id}));
  EXPECT_EQ(published_status(3), "SOLD");
}

TEST_F(seat_manager_test, a_lapse_released_twice_frees_its_seat_once) {
  auto r = hold(kim, 3);
  script->commit_at_once = false;
  advance(hold_time);
  // A stale timer, or a retry, sends the release again while the first is
  // being written.
  self->send(seats, atom::expire_v, r->reservation_id);
  run();
  commit();
  script->commit_at_once = true;
  EXPECT_EQ(board->latest()->available, 10) << "counted free once, not twice";
  ASSERT_TRUE(hold(lee, 3));
  EXPECT_EQ(published_status(3), "HELD");
  EXPECT_EQ(board->latest()->available, 9);
}

TEST_F(seat_manager_test, only_the_first_count_change_after_the_catalog_listed_the_dates_tells_it) {
  auto told = std::make_shared<int>(0);
  // The counter is an argument: CAF 0.17 dereferences a null tuple for a
  // function actor spawned with none (UBSan reports it).
  auto catalog = caf::actor_cast<catalog_actor>(sys.spawn(
    [](caf::event_based_actor*, std::shared_ptr<int> count) -> caf::behavior {
      return {[count](atom::count) { ++*count; }};
    },
    told));
  own(catalog);
  auto changed = std::make_shared<std::atomic<bool>>(false);
  auto date = [&](const char* day) {
    auto manager = sys.spawn(seat_manager, concert_info{day, "Any", 5, 100}, hold_time, store,
                             catalog, changed, std::make_shared<seat_board>());
    own(manager);
    return manager;
  };
  auto first = date("2027-02-01");
  auto second = date("2027-02-02");
  auto hold_on = [&](const seat_manager_actor& manager, int32_t seat) {
    ASSERT_TRUE(ask<reservation_view>(manager, atom::hold_v, kim, seat, idempotency_claim{}));
    run();
  };
  EXPECT_EQ(*told, 0) << "a new seat manager's count is the catalog's already";
  hold_on(first, 1);
  hold_on(second, 1);
  hold_on(first, 2);
  EXPECT_EQ(*told, 1) << "the catalog reads every count when it lists, so one message does";
  changed->store(false); // as the catalog does when it lists the dates
  hold_on(second, 2);
  EXPECT_EQ(*told, 2);
}
