// POST /api/users against the real server and PostgreSQL.

#include <gtest/gtest.h>

#include "tests/support/http_reply.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"

using namespace concert::testing;

namespace {

class http_users : public ::testing::Test {
protected:
  test_database db;
  server_process server{db.url()};
  httplib::Client client = server.client();
};

} // namespace

TEST_F(http_users, a_new_user_gets_an_id_and_a_zero_balance) {
  auto r = post(client, "/api/users", R"({"name": "kim"})");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.content_type, "application/json");
  ASSERT_TRUE(r.body.at("userId").is_number_integer());
  EXPECT_GT(r.body.at("userId").get<int64_t>(), 0);
  EXPECT_EQ(r.body.at("balance"), 0);
  auto row = db.connect().exec("SELECT name, balance FROM users WHERE id = $1",
                               {r.body.at("userId").dump()});
  ASSERT_EQ(row.rows(), 1) << "acknowledged means stored";
  EXPECT_EQ(row.text(0, 0), "kim");
}

TEST_F(http_users, the_name_is_optional) {
  EXPECT_EQ(post(client, "/api/users", "{}").status, 201);
  EXPECT_EQ(send(client, "POST", "/api/users", "", {{"Content-Length", "0"}}).status, 201);
  EXPECT_EQ(db.connect().exec("SELECT count(*) FROM users WHERE name IS NULL").int64(0, 0), 2);
}

TEST_F(http_users, ids_are_distinct_under_concurrent_creation) {
  constexpr int threads = 8;
  constexpr int per_thread = 25;
  std::vector<std::vector<int64_t>> ids(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      auto c = server.client();
      for (int i = 0; i < per_thread; ++i) {
        auto r = post(c, "/api/users", "{}");
        if (r.status == 201)
          ids[t].push_back(r.body.at("userId").get<int64_t>());
      }
    });
  }
  for (auto& w : workers)
    w.join();
  std::set<int64_t> distinct;
  for (auto& v : ids)
    distinct.insert(v.begin(), v.end());
  EXPECT_EQ(distinct.size(), size_t{threads * per_thread});
  EXPECT_EQ(db.connect().exec("SELECT count(*) FROM users").int64(0, 0), threads * per_thread);
}

TEST_F(http_users, a_bad_name_is_400_and_creates_nothing) {
  for (auto body : {R"({"name": 5})", R"({"name": ""})", R"({"name": ["kim"]})",
                    R"({"name": true})"}) {
    auto r = post(client, "/api/users", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.code(), "INVALID_REQUEST") << body;
  }
  auto too_long = post(client, "/api/users", R"({"name": ")" + std::string(101, 'k') + "\"}");
  EXPECT_EQ(too_long.status, 400);
  EXPECT_EQ(too_long.body.value("detail", ""), "name: must be a string of 1 to 100 characters");
  EXPECT_EQ(db.connect().exec("SELECT count(*) FROM users").int64(0, 0), 0);
}
