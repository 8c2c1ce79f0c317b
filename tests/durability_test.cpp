// What was acknowledged survives kill -9.

#include <gtest/gtest.h>

#include "tests/support/http_reply.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"

using namespace concert::testing;

TEST(durability, users_and_concerts_survive_kill_9_and_a_restart) {
  test_database db;
  int64_t last_user = 0;
  {
    server_process server{db.url()};
    auto client = server.client();
    auto admin = server.admin();
    for (int i = 0; i < 3; ++i)
      last_user = post(client, "/api/users", "{}").body.at("userId").get<int64_t>();
    ASSERT_EQ(post(admin, "/admin/concerts",
                   R"({"date": "2026-12-24", "title": "Xmas", "seats": 50, "price": 10000})")
                .status,
              201);
    EXPECT_EQ(server.stop(SIGKILL), 128 + SIGKILL);
  }
  server_process restarted{db.url()};
  auto admin = restarted.admin();
  auto again = post(admin, "/admin/concerts",
                    R"({"date": "2026-12-24", "title": "Other", "seats": 5, "price": 1})");
  EXPECT_EQ(again.status, 409) << "the catalogue was rebuilt from the database";
  EXPECT_EQ(again.code(), "DATE_EXISTS");
  auto client = restarted.client();
  EXPECT_GT(post(client, "/api/users", "{}").body.at("userId").get<int64_t>(), last_user);
  EXPECT_EQ(db.connect().exec("SELECT count(*) FROM users").int64(0, 0), 4);
}
