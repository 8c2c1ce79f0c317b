#include "http/health.hpp"

#include <chrono>

#include "actors/errors.hpp"
#include "http/ask.hpp"
#include "http/respond.hpp"

namespace concert::http {

namespace {

constexpr auto ping_timeout = std::chrono::seconds{2};

} // namespace

void add_liveness_route(router& routes) {
  routes.add("GET", "/healthz", [](const httplib::Request&, httplib::Response& res, auto&) {
    send_json(res, 200, {{"status", "ok"}});
  });
}

void add_readiness_route(router& routes, const services& s) {
  routes.add("GET", "/readyz", [&s](const httplib::Request& req, httplib::Response& res, auto&) {
    if (!s.recovered.load()) {
      send_error(req, res, make_error(ec::not_ready));
      return;
    }
    auto pong = ask_within<bool>(ping_timeout, s.system, s.store, atom::ping_v);
    if (!pong) {
      send_error(req, res, make_error(ec::database_unavailable));
      return;
    }
    send_json(res, 200, {{"status", "ready"}});
  });
}

router::handler when_ready(const services& s, router::handler h) {
  return [&s, h = std::move(h)](const httplib::Request& req, httplib::Response& res,
                                const router::params& params) {
    if (!s.recovered.load()) {
      send_error(req, res, make_error(ec::not_ready));
      return;
    }
    h(req, res, params);
  };
}

} // namespace concert::http
