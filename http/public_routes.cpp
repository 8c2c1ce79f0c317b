#include "http/public_routes.hpp"

#include "actors/errors.hpp"
#include "http/ask.hpp"
#include "http/booking_routes.hpp"
#include "http/health.hpp"
#include "http/idempotency.hpp"
#include "http/json_codec.hpp"
#include "http/openapi_document.hpp"
#include "http/request_log.hpp"
#include "http/respond.hpp"
#include "http/token_stream.hpp"
#include "http/wallets.hpp"

namespace concert::http {

namespace {

using request = httplib::Request;
using response = httplib::Response;

void create_user(const services& s, const request& req, response& res) {
  auto user = decode_new_user(req.body);
  if (!user)
    return send_error(req, res, user.error());
  if (auto wait = s.limits.new_users.admit(current_request().client))
    return send_error(req, res,
                      make_error(ec::rate_limited,
                                 "this address created as many users this minute as allowed", wait));
  reply(req, res, 201, ask<created_user>(s.system, s.users, atom::create_v, std::move(*user)));
}

void charge(const services& s, const request& req, response& res) {
  auto order = decode_charge(req.body);
  if (!order)
    return send_error(req, res, order.error());
  auto wallet = own_wallet(s, req, order->user_id);
  if (!wallet)
    return send_error(req, res, wallet.error());
  idempotent<user_record>(s, req, res, "charge", order->user_id, 200, [&](const auto& claim) {
    return ask<user_record>(s.system, *wallet, atom::charge_v, order->amount, claim);
  });
}

/// GET routes that name the user in `?userId=`, with that user's key.
caf::expected<wallet_actor> wallet_from_query(const services& s, const request& req) {
  auto user = decode_id(req.get_param_value("userId"), "userId");
  if (!user)
    return user.error();
  return own_wallet(s, req, *user);
}

void balance(const services& s, const request& req, response& res) {
  auto wallet = wallet_from_query(s, req);
  if (!wallet)
    return send_error(req, res, wallet.error());
  reply(req, res, 200, ask<user_record>(s.system, *wallet, atom::get_v, atom::balance_v));
}

void payments(const services& s, const request& req, response& res) {
  auto wallet = wallet_from_query(s, req);
  if (!wallet)
    return send_error(req, res, wallet.error());
  reply(req, res, 200,
        ask<std::vector<payment_view>>(s.system, *wallet, atom::get_v, atom::payments_v));
}

void issue_token(const services& s, const request& req, response& res) {
  auto user = decode_user_ref(req.body);
  if (!user)
    return send_error(req, res, user.error());
  if (auto wallet = own_wallet(s, req, *user); !wallet)
    return send_error(req, res, wallet.error());
  if (auto wait = s.limits.new_tokens.admit(current_request().client))
    return send_error(req, res,
                      make_error(ec::rate_limited,
                                 "this address took as many queue tokens this minute as allowed",
                                 wait));
  reply(req, res, 201, ask<token_view>(s.system, s.queue, atom::create_v, *user));
}

/// The token, or with `Accept: text/event-stream` a stream of its changes.
void get_token(const services& s, const request& req, response& res, const std::string& text) {
  auto token = decode_token(text, ec::token_not_found);
  if (!token)
    return send_error(req, res, token.error());
  auto found = ask<token_view>(s.system, s.queue, atom::get_v, *token);
  if (found && wants_event_stream(req))
    return stream_token(s, req, res, *found);
  reply(req, res, 200, found);
}

} // namespace

router public_routes(const services& s) {
  router routes;
  add_liveness_route(routes);
  auto add = [&](const char* method, const char* pattern, auto handler) {
    routes.add(method, pattern,
               when_ready(s, [&s, handler](const request& req, response& res,
                                           const router::params& params) {
                 handler(s, req, res, params);
               }));
  };
  add("POST", "/api/users", [](auto& s, auto& req, auto& res, auto&) { create_user(s, req, res); });
  add("POST", "/api/users/balance", [](auto& s, auto& req, auto& res, auto&) { charge(s, req, res); });
  add("GET", "/api/users/balance", [](auto& s, auto& req, auto& res, auto&) { balance(s, req, res); });
  add("GET", "/api/payments", [](auto& s, auto& req, auto& res, auto&) { payments(s, req, res); });
  add("POST", "/api/queue_tokens",
      [](auto& s, auto& req, auto& res, auto&) { issue_token(s, req, res); });
  add("GET", "/api/queue_tokens/([^/]+)",
      [](auto& s, auto& req, auto& res, auto& params) { get_token(s, req, res, params[0]); });
  routes.add("GET", "/openapi.yaml", [](const request&, response& res, auto&) {
    res.set_content(openapi_document(), "application/yaml");
  });
  add_booking_routes(routes, s);
  return routes;
}

} // namespace concert::http
