// The catalog on CAF's deterministic scheduler.

#include "actors/catalog.hpp"

#include "actors/errors.hpp"
#include "actors/timeouts.hpp"
#include "actors/view_json.hpp"
#include "tests/support/deterministic.hpp"

using namespace concert;
using namespace concert::testing;

namespace {

const concert_info xmas{"2026-12-24", "Xmas", 50, 10000};

class catalog_test : public deterministic {
protected:
  catalog_test() : catalog(sys.spawn(concert::catalog, store, std::chrono::minutes{5}, published)) {
    own(catalog);
  }

  catalog_actor catalog;
};

} // namespace

TEST_F(catalog_test, a_date_being_written_is_taken_for_everyone_else) {
  script->commit_at_once = false;
  auto first = self->request(catalog, std::chrono::seconds{3600}, atom::create_v, xmas);
  run();
  ASSERT_EQ(script->concert_creates, 1u);
  auto second = ask<concert_info>(catalog, atom::create_v, xmas);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error(), make_error(ec::date_exists));
  EXPECT_EQ(script->concert_creates, 1u) << "the store never saw the second create";
  commit();
  first.receive([](concert_info& c) { EXPECT_EQ(c.date, "2026-12-24"); },
                [](caf::error& e) { FAIL() << caf::to_string(e); });
}

TEST_F(catalog_test, the_answer_waits_for_the_commit) {
  script->commit_at_once = false;
  auto pending = self->request(catalog, std::chrono::seconds{3600}, atom::create_v, xmas);
  run();
  EXPECT_TRUE(self->mailbox().empty()) << "no answer before the commit";
  commit();
  pending.receive([](concert_info& c) { EXPECT_EQ(c.title, "Xmas"); },
                  [](caf::error& e) { FAIL() << caf::to_string(e); });
}

TEST_F(catalog_test, a_failed_write_frees_the_date_again) {
  script->commit_failure = make_error(ec::database_unavailable);
  auto failed = ask<concert_info>(catalog, atom::create_v, xmas);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error(), make_error(ec::database_unavailable));
  script->commit_failure = caf::error{};
  EXPECT_TRUE(ask<concert_info>(catalog, atom::create_v, xmas));
  EXPECT_EQ(script->concert_creates, 2u);
}

TEST_F(catalog_test, recovered_dates_are_taken_and_listed) {
  script->concerts = {xmas};
  EXPECT_EQ(*ask<int32_t>(catalog, atom::recover_v), 1);
  auto again = ask<concert_info>(catalog, atom::create_v, xmas);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), make_error(ec::date_exists));
  auto dates = ask<std::vector<date_summary>>(catalog, atom::get_v, atom::dates_v);
  ASSERT_EQ(dates->size(), 1u);
  EXPECT_EQ(dates->front().available_seats, 50);
}

TEST_F(catalog_test, a_sold_out_date_is_not_available) {
  EXPECT_TRUE(ask<concert_info>(catalog, atom::create_v, concert_info{"2026-12-25", "One", 1, 5}));
  EXPECT_TRUE(ask<concert_info>(catalog, atom::create_v, xmas));
  auto seats = ask<seat_manager_actor>(catalog, atom::lookup_v, std::string{"2026-12-25"});
  ASSERT_TRUE(seats);
  EXPECT_TRUE(ask<reservation_view>(*seats, atom::hold_v, int64_t{1}, int32_t{1}, idempotency_claim{}));
  auto dates = ask<std::vector<date_summary>>(catalog, atom::get_v, atom::dates_v);
  ASSERT_EQ(dates->size(), 1u);
  EXPECT_EQ(dates->front().date, "2026-12-24");
}

TEST_F(catalog_test, an_unknown_date_is_date_not_found) {
  auto seats = ask<seat_manager_actor>(catalog, atom::lookup_v, std::string{"2030-01-01"});
  ASSERT_FALSE(seats);
  EXPECT_EQ(seats.error(), make_error(ec::date_not_found));
}

TEST_F(catalog_test, recovery_loads_live_reservations_once_and_hands_each_date_its_own) {
  const concert_info eve{"2026-12-31", "Eve", 50, 20000};
  script->concerts = {xmas, eve};
  auto far = std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count()
             + 600'000;
  script->live_reservations = {
    {1, 7, "2026-12-24", 1, 10000, "HELD", far},
    {2, 7, "2026-12-24", 2, 10000, "CONFIRMED", far},
    {3, 8, "2026-12-31", 5, 20000, "HELD", far},
  };
  EXPECT_EQ(*ask<int32_t>(catalog, atom::recover_v), 2);
  auto dates = ask<std::vector<date_summary>>(catalog, atom::get_v, atom::dates_v);
  ASSERT_EQ(dates->size(), 2u);
  EXPECT_EQ(dates->at(0).available_seats, 48);
  EXPECT_EQ(dates->at(1).available_seats, 49);
  auto seats = ask<seat_manager_actor>(catalog, atom::lookup_v, std::string{"2026-12-31"});
  auto list = ask<seat_list>(*seats, atom::get_v, atom::seats_v);
  EXPECT_EQ(list->seats.at(4).status, "HELD");
  EXPECT_EQ(list->seats.at(0).status, "AVAILABLE") << "xmas's seat 1 stays xmas's";
}

TEST_F(catalog_test, the_published_dates_list_is_the_answer_byte_for_byte_a_moment_after_a_count_changes) {
  const concert_info eve{"2026-12-31", "Eve \"live\"", 1, 20000};
  EXPECT_TRUE(ask<concert_info>(catalog, atom::create_v, xmas));
  EXPECT_TRUE(ask<concert_info>(catalog, atom::create_v, eve));
  auto seats = ask<seat_manager_actor>(catalog, atom::lookup_v, std::string{"2026-12-24"});
  auto listed = [&] { return *published->dates.latest(); };
  auto before = listed();
  EXPECT_TRUE(ask<reservation_view>(*seats, atom::hold_v, int64_t{1}, int32_t{3}, idempotency_claim{}));
  EXPECT_EQ(listed(), before) << "a count waits for the next publication";
  advance(dates_publish_delay);
  auto answered = [&] {
    return json_text(encode(*ask<std::vector<date_summary>>(catalog, atom::get_v, atom::dates_v)));
  };
  EXPECT_EQ(listed(), answered());
  EXPECT_NE(listed().find(R"("availableSeats":49)"), std::string::npos);
  auto eves = ask<seat_manager_actor>(catalog, atom::lookup_v, std::string{"2026-12-31"});
  EXPECT_TRUE(ask<reservation_view>(*eves, atom::hold_v, int64_t{2}, int32_t{1}, idempotency_claim{}));
  advance(dates_publish_delay);
  EXPECT_EQ(listed(), answered()) << "a sold-out date leaves both";
  EXPECT_EQ(listed().find("2026-12-31"), std::string::npos);
}
