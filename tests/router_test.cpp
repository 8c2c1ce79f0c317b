#include "http/router.hpp"

#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <nlohmann/json.hpp>

using concert::http::askers;
using concert::http::exchange;
using concert::http::exchange_ptr;
using concert::http::response;
using concert::http::router;

namespace {

router sample_routes(std::string& seen) {
  router r;
  r.add("GET", "/api/concerts/([^/]+)/seats", [&seen](const exchange_ptr& x, const router::params& p) {
    seen = p.at(0);
    x->reply(200, {});
  });
  r.add("POST", "/api/users", [&seen](const exchange_ptr& x, auto&) {
    seen = "post";
    x->reply(201, {});
  });
  r.add("DELETE", "/api/users", [](const exchange_ptr& x, auto&) { x->reply(200, {}); });
  return r;
}

/// What the routes answered, once the exchange finished.
response dispatch(const router& r, const std::string& method, const std::string& path) {
  caf::actor_system_config config;
  caf::actor_system system{config};
  askers asking{system, 1};
  concert::http::request req;
  req.method = method;
  req.path = path;
  response answered;
  answered.status = 0;
  auto x = std::make_shared<exchange>(asking, std::move(req),
                                      [&](exchange_ptr done) { answered = done->res(); });
  r.dispatch(x);
  return answered;
}

std::string code_of(const response& res) {
  return nlohmann::json::parse(res.body).at("code");
}

} // namespace

TEST(router, runs_the_handler_with_the_captured_path_parts) {
  std::string seen;
  auto r = sample_routes(seen);
  EXPECT_EQ(dispatch(r, "GET", "/api/concerts/2026-12-24/seats").status, 200);
  EXPECT_EQ(seen, "2026-12-24");
}

TEST(router, an_unknown_path_is_404) {
  std::string seen;
  auto r = sample_routes(seen);
  auto res = dispatch(r, "GET", "/api/concerts/2026-12-24");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(code_of(res), "NOT_FOUND");
  EXPECT_EQ(dispatch(r, "GET", "/api/users/").status, 404);
}

TEST(router, a_known_path_with_another_method_is_405_naming_the_allowed_ones) {
  std::string seen;
  auto r = sample_routes(seen);
  auto res = dispatch(r, "PUT", "/api/users");
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(code_of(res), "METHOD_NOT_ALLOWED");
  EXPECT_EQ(res.header("Allow"), "POST, DELETE");
  EXPECT_EQ(seen, "");
}

TEST(router, head_is_answered_by_get) {
  std::string seen;
  auto r = sample_routes(seen);
  EXPECT_EQ(dispatch(r, "HEAD", "/api/concerts/x/seats").status, 200);
}
