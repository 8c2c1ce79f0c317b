#include "http/public_routes.hpp"

#include "http/ask.hpp"
#include "http/health.hpp"
#include "http/json_codec.hpp"
#include "http/respond.hpp"

namespace concert::http {

namespace {

void create_user(const services& s, const httplib::Request& req, httplib::Response& res) {
  auto user = decode_new_user(req.body);
  if (!user)
    return send_error(req, res, user.error());
  auto created = ask<user_record>(s.system, s.users, atom::create_v, std::move(*user));
  if (!created)
    return send_error(req, res, created.error());
  send_json(res, 201, encode(*created));
}

} // namespace

router public_routes(const services& s) {
  router routes;
  add_liveness_route(routes);
  routes.add("POST", "/api/users",
             when_ready(s, [&s](const httplib::Request& req, httplib::Response& res, auto&) {
               create_user(s, req, res);
             }));
  return routes;
}

} // namespace concert::http
