#include "http/health.hpp"

#include <chrono>

#include "actors/errors.hpp"

namespace concert::http {

namespace {

constexpr auto ping_timeout = std::chrono::seconds{2};

} // namespace

void add_liveness_route(router& routes) {
  routes.add("GET", "/healthz",
             [](const exchange_ptr& x, auto&) { x->reply(200, {{"status", "ok"}}); });
}

void add_readiness_route(router& routes, const services& s) {
  routes.add("GET", "/readyz", [&s](const exchange_ptr& x, auto&) {
    if (!s.recovered.load())
      return x->fail(make_error(ec::not_ready));
    x->ask_within<bool>(
      ping_timeout, s.catalog, message(atom::ping_v), [x](bool&) { x->reply(200, {{"status", "ready"}}); },
      [x](caf::error&) { x->fail(make_error(ec::database_unavailable)); });
  });
}

router::handler when_ready(const services& s, router::handler h) {
  return [&s, h = std::move(h)](const exchange_ptr& x, const router::params& params) {
    if (!s.recovered.load())
      return x->fail(make_error(ec::not_ready));
    h(x, params);
  };
}

} // namespace concert::http
