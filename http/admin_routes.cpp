#include "http/admin_routes.hpp"

#include "http/ask.hpp"
#include "http/health.hpp"
#include "http/json_codec.hpp"
#include "http/respond.hpp"

namespace concert::http {

namespace {

void create_concert(const services& s, const httplib::Request& req, httplib::Response& res) {
  auto concert = decode_concert(req.body);
  if (!concert)
    return send_error(req, res, concert.error());
  reply(req, res, 201, ask<concert_info>(s.system, s.catalog, atom::create_v, std::move(*concert)));
}

} // namespace

router admin_routes(const services& s) {
  router routes;
  add_liveness_route(routes);
  add_readiness_route(routes, s);
  routes.add("POST", "/admin/concerts",
             when_ready(s, [&s](const httplib::Request& req, httplib::Response& res, auto&) {
               create_concert(s, req, res);
             }));
  return routes;
}

} // namespace concert::http
