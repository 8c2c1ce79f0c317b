#include "http/admin_routes.hpp"

#include "http/health.hpp"
#include "http/json_codec.hpp"

namespace concert::http {

namespace {

void create_concert(const services& s, const exchange_ptr& x) {
  auto concert = decode_concert(x->req().body);
  if (!concert)
    return x->fail(concert.error());
  x->ask<concert_info>(s.catalog, message(atom::create_v, std::move(*concert)),
                       [x](concert_info& info) { x->reply_view(201, info); });
}

void queue_status(const services& s, const exchange_ptr& x) {
  x->ask<concert::queue_status>(s.queue, message(atom::get_v, atom::status_v),
                                [x](auto& status) { x->reply_view(200, status); });
}

void change_queue(const services& s, const exchange_ptr& x) {
  auto change = decode_queue_change(x->req().body);
  if (!change)
    return x->fail(change.error());
  x->ask<concert::queue_status>(s.queue, message(atom::update_v, *change),
                                [x](auto& status) { x->reply_view(200, status); });
}

void revoke_token(const services& s, const exchange_ptr& x, const std::string& text) {
  auto token = decode_token(text, ec::token_not_found);
  if (!token)
    return x->fail(token.error());
  x->ask<token_view>(s.queue, message(atom::revoke_v, *token),
                     [x](token_view& view) { x->reply_view(200, view); });
}

void rekey_user(const services& s, const exchange_ptr& x, const std::string& text) {
  auto user = decode_id(text, "userId");
  if (!user)
    return x->fail(user.error());
  x->ask<user_credentials>(s.users, message(atom::rekey_v, *user),
                           [x](user_credentials& fresh) { x->reply_view(200, fresh); });
}

} // namespace

router admin_routes(const services& s) {
  router routes;
  add_liveness_route(routes);
  add_readiness_route(routes, s);
  auto add = [&](const char* method, const char* pattern, auto handler) {
    routes.add(method, pattern,
               when_ready(s, [&s, handler](const exchange_ptr& x, const router::params& params) {
                 handler(s, x, params);
               }));
  };
  add("POST", "/admin/concerts", [](auto& s, auto& x, auto&) { create_concert(s, x); });
  routes.add("GET", "/metrics", [&s](const exchange_ptr& x, auto&) {
    x->res().set_content(metrics::render(s.http_metrics),
                         "text/plain; version=0.0.4; charset=utf-8");
    x->finish();
  });
  add("GET", "/admin/queue", [](auto& s, auto& x, auto&) { queue_status(s, x); });
  add("POST", "/admin/queue", [](auto& s, auto& x, auto&) { change_queue(s, x); });
  add("DELETE", "/admin/queue_tokens/([^/]+)",
      [](auto& s, auto& x, auto& params) { revoke_token(s, x, params[0]); });
  add("POST", "/admin/users/([^/]+)/key",
      [](auto& s, auto& x, auto& params) { rekey_user(s, x, params[0]); });
  return routes;
}

} // namespace concert::http
