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

void queue_status(const services& s, const httplib::Request& req, httplib::Response& res) {
  reply(req, res, 200, ask<concert::queue_status>(s.system, s.queue, atom::get_v, atom::status_v));
}

void change_queue(const services& s, const httplib::Request& req, httplib::Response& res) {
  auto change = decode_queue_change(req.body);
  if (!change)
    return send_error(req, res, change.error());
  reply(req, res, 200, ask<concert::queue_status>(s.system, s.queue, atom::update_v, *change));
}

void revoke_token(const services& s, const httplib::Request& req, httplib::Response& res,
                  const std::string& text) {
  auto token = decode_token(text, ec::token_not_found);
  if (!token)
    return send_error(req, res, token.error());
  reply(req, res, 200, ask<token_view>(s.system, s.queue, atom::revoke_v, *token));
}

void rekey_user(const services& s, const httplib::Request& req, httplib::Response& res,
                const std::string& text) {
  auto user = decode_id(text, "userId");
  if (!user)
    return send_error(req, res, user.error());
  reply(req, res, 200, ask<user_credentials>(s.system, s.users, atom::rekey_v, *user));
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
  routes.add("GET", "/metrics", [&s](const httplib::Request&, httplib::Response& res, auto&) {
    res.set_content(metrics::render(s.http_metrics), "text/plain; version=0.0.4; charset=utf-8");
  });
  routes.add("GET", "/admin/queue",
             when_ready(s, [&s](const httplib::Request& req, httplib::Response& res, auto&) {
               queue_status(s, req, res);
             }));
  routes.add("POST", "/admin/queue",
             when_ready(s, [&s](const httplib::Request& req, httplib::Response& res, auto&) {
               change_queue(s, req, res);
             }));
  routes.add("DELETE", "/admin/queue_tokens/([^/]+)",
             when_ready(s, [&s](const httplib::Request& req, httplib::Response& res,
                                const router::params& params) { revoke_token(s, req, res, params[0]); }));
  routes.add("POST", "/admin/users/([^/]+)/key",
             when_ready(s, [&s](const httplib::Request& req, httplib::Response& res,
                                const router::params& params) { rekey_user(s, req, res, params[0]); }));
  return routes;
}

} // namespace concert::http
