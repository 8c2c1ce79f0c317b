// POST /admin/concerts against the real server and PostgreSQL.

#include <gtest/gtest.h>

#include "tests/support/http_reply.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"

using namespace concert::testing;

namespace {

class http_concerts : public ::testing::Test {
protected:
  test_database db;
  server_process server{db.url()};
  httplib::Client admin = server.admin();
};

const std::string xmas = R"({"date": "2026-12-24", "title": "Xmas", "seats": 50, "price": 10000})";

} // namespace

TEST_F(http_concerts, a_new_concert_is_201_and_stored) {
  auto r = post(admin, "/admin/concerts", xmas);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, (nlohmann::json{
                      {"date", "2026-12-24"}, {"title", "Xmas"}, {"totalSeats", 50}, {"price", 10000}}));
  auto row = db.connect().exec("SELECT title, total_seats, price FROM concerts"
                               " WHERE date = '2026-12-24'");
  ASSERT_EQ(row.rows(), 1);
  EXPECT_EQ(row.text(0, 0), "Xmas");
  EXPECT_EQ(row.int64(0, 1), 50);
  EXPECT_EQ(row.int64(0, 2), 10000);
}

TEST_F(http_concerts, the_same_date_twice_is_409_date_exists) {
  EXPECT_EQ(post(admin, "/admin/concerts", xmas).status, 201);
  auto again = post(admin, "/admin/concerts", xmas);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.code(), "DATE_EXISTS");
}

TEST_F(http_concerts, of_many_racing_for_one_date_exactly_one_wins) {
  constexpr int racers = 16;
  std::atomic<int> created{0};
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < racers; ++i) {
    threads.emplace_back([&] {
      auto c = server.admin();
      auto r = post(c, "/admin/concerts", xmas);
      if (r.status == 201)
        ++created;
      else if (r.status == 409 && r.code() == "DATE_EXISTS")
        ++conflicts;
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(conflicts.load(), racers - 1);
}

TEST_F(http_concerts, out_of_range_fields_are_400_and_create_nothing) {
  for (auto body : {
         R"({"date": "2026-12-24", "title": "x", "seats": 0, "price": 1})",
         R"({"date": "2026-12-24", "title": "x", "seats": 10001, "price": 1})",
         R"({"date": "2026-12-24", "title": "x", "seats": 50, "price": -1})",
         R"({"date": "2026-12-24", "title": "x", "seats": 50, "price": 1000000001})",
         R"({"date": "2026-12-24", "title": "x", "seats": "50", "price": 1})",
         R"({"date": "2026-12-24", "title": "x", "seats": 50.5, "price": 1})",
         R"({"date": "2026-02-29", "title": "x", "seats": 50, "price": 1})",
         R"({"date": "20261224", "title": "x", "seats": 50, "price": 1})",
         R"({"date": "2026-12-24", "seats": 50, "price": 1})",
         R"({"date": "2026-12-24", "title": "x", "price": 1})",
         R"({"date": 20261224, "title": "x", "seats": 50, "price": 1})",
       }) {
    auto r = post(admin, "/admin/concerts", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.code(), "INVALID_REQUEST") << body;
  }
  EXPECT_EQ(db.connect().exec("SELECT count(*) FROM concerts").int64(0, 0), 0);
}

TEST_F(http_concerts, the_limits_themselves_are_accepted) {
  EXPECT_EQ(post(admin, "/admin/concerts",
                 R"({"date": "2026-12-24", "title": "x", "seats": 10000, "price": 1000000000})")
              .status,
            201);
  EXPECT_EQ(post(admin, "/admin/concerts",
                 R"({"date": "2026-12-25", "title": "x", "seats": 1, "price": 0})")
              .status,
            201);
}
