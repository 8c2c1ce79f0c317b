// Concerts, reservations and payments through HTTP, every status of API.md.

#include <gtest/gtest.h>

#include <thread>

#include "tests/support/booking.hpp"
#include "tests/support/test_database.hpp"

using namespace concert::testing;
using nlohmann::json;

namespace {

const std::string xmas = "2026-12-24";
const std::string eve = "2026-12-31";

class http_booking : public ::testing::Test {
protected:
  http_booking() {
    flow.new_concert(xmas, 3, 10000);
    flow.new_concert(eve, 2, 20000);
    user = flow.new_user();
    token = flow.admitted_token(user);
  }

  reply hold(const std::string& date, int seat, const std::string& as = {}) {
    return flow.as(as.empty() ? token : as, "POST", "/api/reservations",
                   json{{"date", date}, {"seat", seat}}.dump());
  }

  reply pay(const json& body, const std::string& as = {}) {
    return flow.as(as.empty() ? token : as, "POST", "/api/payments", body.dump());
  }

  test_database db;
  server_process server{db.url(), fast_queue({{"CONCERT_HOLD_SECONDS", "2"},
                                              {"CONCERT_MAX_HOLDS_PER_USER", "2"}})};
  booking flow{server};
  int64_t user = 0;
  std::string token;
};

} // namespace

TEST_F(http_booking, available_dates_lists_dates_with_free_seats_ascending) {
  auto r = flow.as(token, "GET", "/api/concerts/available_dates");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, (json{{"dates",
                           {{{"date", xmas}, {"title", "Concert " + xmas}, {"totalSeats", 3}, {"availableSeats", 3}},
                            {{"date", eve}, {"title", "Concert " + eve}, {"totalSeats", 2}, {"availableSeats", 2}}}}}));
  hold(eve, 1);
  hold(eve, 2);
  // The list's counts may trail a hold by the catalog's publication delay
  // (50 ms); within two seconds the sold-out date has left it.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{2};
  auto after = flow.as(token, "GET", "/api/concerts/available_dates");
  while (after.body.at("dates").size() != 1u && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
    after = flow.as(token, "GET", "/api/concerts/available_dates");
  }
  ASSERT_EQ(after.body.at("dates").size(), 1u) << "a date without a free seat is left out";
  EXPECT_EQ(after.body.at("dates")[0].at("availableSeats"), 3);
}

TEST_F(http_booking, the_seat_list_shows_every_seat_with_status_and_price) {
  hold(xmas, 2);
  auto r = flow.as(token, "GET", "/api/concerts/" + xmas + "/seats");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, (json{{"date", xmas},
                          {"title", "Concert " + xmas},
                          {"seats",
                           {{{"seat", 1}, {"status", "AVAILABLE"}, {"price", 10000}},
                            {{"seat", 2}, {"status", "HELD"}, {"price", 10000}},
                            {{"seat", 3}, {"status", "AVAILABLE"}, {"price", 10000}}}}}));
  EXPECT_EQ(flow.as(token, "GET", "/api/concerts/2026-02-30/seats").code(), "INVALID_REQUEST");
  EXPECT_EQ(flow.as(token, "GET", "/api/concerts/tomorrow/seats").status, 400);
  auto none = flow.as(token, "GET", "/api/concerts/2027-01-01/seats");
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(none.code(), "DATE_NOT_FOUND");
}

TEST_F(http_booking, a_hold_is_201_with_its_expiry) {
  auto r = hold(xmas, 1);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body.at("status"), "HELD");
  EXPECT_EQ(r.body.at("userId"), user);
  EXPECT_EQ(r.body.at("date"), xmas);
  EXPECT_EQ(r.body.at("seat"), 1);
  EXPECT_EQ(r.body.at("price"), 10000);
  EXPECT_EQ(r.body.at("expiresAt").get<std::string>().size(), 24u);
  auto row = db.connect().exec("SELECT status, expires_at - now() BETWEEN interval '1 second'"
                               " AND interval '2 seconds' FROM reservations");
  ASSERT_EQ(row.rows(), 1);
  EXPECT_EQ(row.text(0, 0), "HELD");
  EXPECT_EQ(row.text(0, 1), "t") << "stored to expire CONCERT_HOLD_SECONDS from now";
}

TEST_F(http_booking, hold_errors_follow_the_contract) {
  EXPECT_EQ(hold("2027-01-01", 1).code(), "DATE_NOT_FOUND");
  EXPECT_EQ(hold(xmas, 4).code(), "SEAT_NOT_FOUND");
  EXPECT_EQ(hold(xmas, 4).status, 404);
  EXPECT_EQ(hold(xmas, 0).status, 400);
  EXPECT_EQ(flow.as(token, "POST", "/api/reservations", R"({"date": "2026-12-24"})").status, 400);
  EXPECT_EQ(hold(xmas, 1).status, 201);
  auto other = flow.new_user();
  auto other_token = flow.admitted_token(other);
  auto taken = hold(xmas, 1, other_token);
  EXPECT_EQ(taken.status, 409);
  EXPECT_EQ(taken.code(), "SEAT_UNAVAILABLE");
  EXPECT_EQ(hold(xmas, 2).status, 201);
  auto capped = hold(xmas, 3);
  EXPECT_EQ(capped.status, 429);
  EXPECT_EQ(capped.code(), "HOLD_LIMIT");
}

TEST_F(http_booking, a_reservation_is_visible_to_its_own_user_only) {
  auto id = flow.hold(token, xmas, 1);
  auto mine = flow.as(token, "GET", "/api/reservations/" + std::to_string(id));
  EXPECT_EQ(mine.status, 200);
  EXPECT_EQ(mine.body.at("reservationId"), id);
  auto other_token = flow.admitted_token(flow.new_user());
  auto theirs = flow.as(other_token, "GET", "/api/reservations/" + std::to_string(id));
  EXPECT_EQ(theirs.status, 404);
  EXPECT_EQ(theirs.code(), "RESERVATION_NOT_FOUND");
  EXPECT_EQ(flow.as(other_token, "DELETE", "/api/reservations/" + std::to_string(id)).status, 404);
  EXPECT_EQ(pay({{"reservationId", id}}, other_token).code(), "RESERVATION_NOT_FOUND");
  EXPECT_EQ(flow.as(token, "GET", "/api/reservations/999999").status, 404);
  EXPECT_EQ(flow.as(token, "GET", "/api/reservations/abc").status, 400);
}

TEST_F(http_booking, cancelling_frees_the_seat_once) {
  auto id = flow.hold(token, xmas, 1);
  auto cancelled = flow.as(token, "DELETE", "/api/reservations/" + std::to_string(id));
  EXPECT_EQ(cancelled.status, 200);
  EXPECT_EQ(cancelled.body.at("status"), "CANCELLED");
  auto again = flow.as(token, "DELETE", "/api/reservations/" + std::to_string(id));
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.code(), "RESERVATION_NOT_HELD");
  EXPECT_EQ(hold(xmas, 1).status, 201) << "the seat is AVAILABLE again";
  EXPECT_EQ(db.connect().exec("SELECT status FROM reservations WHERE id = $1", {std::to_string(id)})
              .text(0, 0),
            "CANCELLED");
}

TEST_F(http_booking, an_unpaid_hold_lapses_by_itself) {
  auto id = flow.hold(token, xmas, 1);
  // It lapses within a second of its expiry (2 s); nothing but the clock
  // moves it. Whether not a tick early: seat_manager_test.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
  auto r = flow.as(token, "GET", "/api/reservations/" + std::to_string(id));
  while (r.body.at("status") == "HELD" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
    r = flow.as(token, "GET", "/api/reservations/" + std::to_string(id));
  }
  EXPECT_EQ(r.body.at("status"), "EXPIRED");
  // The seat shows free once the release is written, a moment after the
  // reservation reads EXPIRED: a snapshot is never ahead of the database.
  auto seat = [&] {
    return flow.as(token, "GET", "/api/concerts/" + xmas + "/seats").body.at("seats")[0].at("status");
  };
  while (seat() == "HELD" && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  EXPECT_EQ(seat(), "AVAILABLE");
  auto paid = pay({{"reservationId", id}});
  EXPECT_EQ(paid.status, 410);
  EXPECT_EQ(paid.code(), "HOLD_EXPIRED");
  EXPECT_EQ(flow.as(token, "DELETE", "/api/reservations/" + std::to_string(id)).code(),
            "RESERVATION_NOT_HELD");
  EXPECT_EQ(db.connect().exec("SELECT status FROM reservations WHERE id = $1", {std::to_string(id)})
              .text(0, 0),
            "EXPIRED");
}

TEST_F(http_booking, payment_confirms_debits_records_and_ends_the_token) {
  flow.charge(user, 50000);
  auto a = flow.hold(token, xmas, 1);
  auto b = flow.hold(token, eve, 1);
  auto r = pay({{"reservationIds", {a, b}}});
  ASSERT_EQ(r.status, 201) << r.body.dump();
  EXPECT_EQ(r.body.at("amount"), 30000);
  EXPECT_EQ(r.body.at("balance"), 20000);
  EXPECT_EQ(r.body.at("status"), "CONFIRMED");
  EXPECT_EQ(r.body.at("userId"), user);
  EXPECT_EQ(r.body.at("reservations").size(), 2u);
  EXPECT_TRUE(r.body.at("paymentId").get<int64_t>() > 0);
  EXPECT_EQ(r.body.at("paidAt").get<std::string>().back(), 'Z');
  auto balance = flow.as_user(user, "GET", "/api/users/balance?userId=" + std::to_string(user));
  EXPECT_EQ(balance.body.at("balance"), 20000);
  auto ended = flow.as(token, "GET", "/api/reservations/" + std::to_string(a));
  EXPECT_EQ(ended.status, 401) << "the token ends with the payment";
  auto fresh = flow.admitted_token(user);
  EXPECT_EQ(flow.as(fresh, "GET", "/api/reservations/" + std::to_string(a)).body.at("status"), "CONFIRMED");
  EXPECT_EQ(flow.as(fresh, "GET", "/api/concerts/" + xmas + "/seats").body.at("seats")[0].at("status"), "SOLD");
  auto again = pay({{"reservationId", a}}, fresh);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.code(), "RESERVATION_NOT_HELD");
}

TEST_F(http_booking, insufficient_balance_is_402_and_keeps_the_hold) {
  flow.charge(user, 5000);
  auto id = flow.hold(token, xmas, 1);
  auto r = pay({{"reservationId", id}});
  EXPECT_EQ(r.status, 402);
  EXPECT_EQ(r.code(), "INSUFFICIENT_BALANCE");
  EXPECT_EQ(flow.as(token, "GET", "/api/reservations/" + std::to_string(id)).body.at("status"), "HELD");
  auto balance = flow.as_user(user, "GET", "/api/users/balance?userId=" + std::to_string(user));
  EXPECT_EQ(balance.body.at("balance"), 5000);
  flow.charge(user, 5000);
  EXPECT_EQ(pay({{"reservationId", id}}).status, 201);
}

TEST_F(http_booking, payment_bodies_are_validated) {
  EXPECT_EQ(pay(json::object()).code(), "INVALID_REQUEST");
  EXPECT_EQ(pay({{"reservationId", 1}, {"reservationIds", {1}}}).code(), "INVALID_REQUEST");
  EXPECT_EQ(pay({{"reservationIds", json::array()}}).code(), "INVALID_REQUEST");
  EXPECT_EQ(pay({{"reservationIds", {1, 1}}}).code(), "INVALID_REQUEST");
  EXPECT_EQ(pay({{"reservationId", "1"}}).code(), "INVALID_REQUEST");
  auto unknown = pay({{"reservationId", 999999}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.code(), "RESERVATION_NOT_FOUND");
}
