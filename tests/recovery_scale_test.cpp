// A restart over 100,000 reservations: live ones come back from one pass
// over the partial index, each date gets its own, and the history that
// stays in the database still answers.

#include <gtest/gtest.h>

#include "tests/support/booking.hpp"
#include "tests/support/test_database.hpp"

using namespace concert::testing;

namespace {

constexpr int dates = 100;
constexpr int seats = 1000;

/// 100 dates of 1,000 seats and a reservation on every seat: seats 5, 10,
/// ... held for ten more minutes, seats 1, 6, ... sold, every other seat an
/// expired hold. 40,000 live reservations and 60,000 of history.
void seed(const test_database& db) {
  auto c = db.connect();
  c.exec("INSERT INTO users (name, balance) SELECT 'fan ' || n, 0 FROM generate_series(1, 100) n");
  c.exec("INSERT INTO payments (user_id, amount, balance_after, paid_at)"
         " SELECT id, 0, 0, now() FROM users");
  c.exec("INSERT INTO concerts (date, title, total_seats, price)"
         " SELECT DATE '2027-01-01' + d, 'Night ' || d, " + std::to_string(seats) + ", 100"
         " FROM generate_series(0, " + std::to_string(dates - 1) + ") d");
  c.exec("INSERT INTO reservations (user_id, concert_date, seat, price, status, expires_at, payment_id)"
         " SELECT u, DATE '2027-01-01' + d, s, 100,"
         "  CASE WHEN s % 5 = 0 THEN 'HELD' WHEN s % 5 = 1 THEN 'CONFIRMED' ELSE 'EXPIRED' END,"
         "  CASE WHEN s % 5 = 0 THEN now() + interval '10 minutes' ELSE now() - interval '1 hour' END,"
         "  CASE WHEN s % 5 = 1 THEN u END"
         " FROM generate_series(0, " + std::to_string(dates - 1) + ") d,"
         "      generate_series(1, " + std::to_string(seats) + ") s,"
         "      LATERAL (SELECT 1 + (d * 7 + s) % 100 AS u) pick");
}

} // namespace

TEST(recovery_scale, a_hundred_thousand_reservations_come_back_live_ones_in_one_pass) {
  test_database db;
  // The first start applies the schema.
  { server_process migrate{db.url()}; }
  seed(db);
  ASSERT_EQ(db.connect().exec("SELECT count(*) FROM reservations").int64(0, 0),
            int64_t{dates} * seats);

  server_process server{db.url()};
  booking flow{server};
  auto token = flow.admitted_token(flow.new_user());
  auto listed = flow.as(token, "GET", "/api/concerts/available_dates", "");
  ASSERT_EQ(listed.status, 200);
  const auto& all = listed.body.at("dates");
  ASSERT_EQ(all.size(), size_t{dates});
  for (const auto& date : all)
    EXPECT_EQ(date.at("availableSeats"), seats * 3 / 5) << date.dump();

  auto list = flow.as(token, "GET", "/api/concerts/2027-02-15/seats", "");
  ASSERT_EQ(list.status, 200);
  const auto& by_seat = list.body.at("seats");
  EXPECT_EQ(by_seat.at(4).at("status"), "HELD") << "seat 5";
  EXPECT_EQ(by_seat.at(0).at("status"), "SOLD") << "seat 1";
  EXPECT_EQ(by_seat.at(1).at("status"), "AVAILABLE") << "seat 2, whose hold expired";

  // A live hold is taken; the seat of a lapsed one is free to hold.
  EXPECT_EQ(flow.as(token, "POST", "/api/reservations", R"({"date": "2027-02-15", "seat": 5})")
              .code(),
            "SEAT_UNAVAILABLE");
  EXPECT_EQ(flow.as(token, "POST", "/api/reservations", R"({"date": "2027-02-15", "seat": 2})")
              .status,
            201);
}
