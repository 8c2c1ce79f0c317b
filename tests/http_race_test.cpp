// Many clients at once through HTTP: nobody buys a seat twice and no money
// goes missing.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

#include "tests/support/booking.hpp"
#include "tests/support/test_database.hpp"

using namespace concert::testing;
using nlohmann::json;

namespace {

const std::string xmas = "2026-12-24";

/// Runs `body(i)` on `n` threads that start together.
template <class F>
void all_at_once(int n, F body) {
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      ++ready;
      while (ready.load() < n)
        std::this_thread::yield();
      body(i);
    });
  for (auto& t : threads)
    t.join();
}

} // namespace

TEST(http_race, of_100_clients_on_one_seat_exactly_one_holds_it) {
  test_database db;
  server_process server{db.url(), fast_queue()};
  booking flow{server};
  flow.new_concert(xmas, 50, 10000);
  std::vector<std::string> tokens;
  for (int i = 0; i < 100; ++i)
    tokens.push_back(flow.admitted_token(flow.new_user()));
  std::atomic<int> held{0};
  std::atomic<int> refused{0};
  all_at_once(100, [&](int i) {
    auto c = server.client();
    auto r = send(c, "POST", "/api/reservations", json{{"date", xmas}, {"seat", 7}}.dump(),
                  {{"X-Queue-Token", tokens[static_cast<size_t>(i)]}});
    if (r.status == 201)
      ++held;
    else if (r.status == 409 && r.code() == "SEAT_UNAVAILABLE")
      ++refused;
  });
  EXPECT_EQ(held.load(), 1);
  EXPECT_EQ(refused.load(), 99);
  EXPECT_EQ(db.connect().exec("SELECT count(*) FROM reservations WHERE seat = 7").int64(0, 0), 1);
}

TEST(http_race, of_150_buyers_among_50_seats_no_seat_is_sold_twice_and_money_is_conserved) {
  test_database db;
  server_process server{db.url(), fast_queue()};
  booking flow{server};
  flow.new_concert(xmas, 50, 10000);
  struct buyer {
    int64_t user;
    std::string token;
  };
  std::vector<buyer> buyers;
  for (int i = 0; i < 150; ++i) {
    auto user = flow.new_user();
    // Every fifth buyer cannot afford a seat: their payment must change nothing.
    flow.charge(user, i % 5 == 0 ? 5000 : 25000);
    buyers.push_back({user, flow.admitted_token(user)});
  }
  std::atomic<int> paid{0};
  std::atomic<int> unexpected{0};
  all_at_once(150, [&](int i) {
    auto c = server.client();
    const auto& me = buyers[static_cast<size_t>(i)];
    std::vector<int> seats(50);
    std::iota(seats.begin(), seats.end(), 1);
    std::shuffle(seats.begin(), seats.end(), std::mt19937{static_cast<unsigned>(i)});
    httplib::Headers auth{{"X-Queue-Token", me.token}};
    for (int seat : seats) {
      auto held = send(c, "POST", "/api/reservations", json{{"date", xmas}, {"seat", seat}}.dump(), auth);
      if (held.status == 409)
        continue;
      if (held.status != 201) {
        ++unexpected;
        return;
      }
      auto payment = send(c, "POST", "/api/payments",
                          json{{"reservationId", held.body.at("reservationId")}}.dump(), auth);
      if (payment.status == 201)
        ++paid;
      else if (payment.status != 402)
        ++unexpected;
      return;
    }
  });
  EXPECT_EQ(unexpected.load(), 0);
  auto db_conn = db.connect();
  auto sold = db_conn.exec("SELECT count(*), count(DISTINCT seat) FROM reservations"
                           " WHERE status = 'CONFIRMED'");
  EXPECT_EQ(sold.int64(0, 0), sold.int64(0, 1)) << "no seat sold twice";
  EXPECT_EQ(sold.int64(0, 0), paid.load()) << "SOLD seats = successful payments";
  auto token = flow.admitted_token(flow.new_user());
  auto list = flow.as(token, "GET", "/api/concerts/" + xmas + "/seats");
  int sold_seats = 0;
  for (const auto& s : list.body.at("seats"))
    sold_seats += s.at("status") == "SOLD";
  EXPECT_EQ(sold_seats, paid.load());
  EXPECT_GT(paid.load(), 0);
  auto money = db_conn.exec("SELECT (SELECT sum(amount) FROM charges),"
                            " (SELECT sum(balance) FROM users),"
                            " (SELECT coalesce(sum(amount), 0) FROM payments)");
  EXPECT_EQ(money.int64(0, 0), money.int64(0, 1) + money.int64(0, 2))
    << "charges = balances + payments";
  EXPECT_EQ(money.int64(0, 2), paid.load() * 10000);
}
