#include "http/public_routes.hpp"

#include "actors/errors.hpp"
#include "http/booking_routes.hpp"
#include "http/health.hpp"
#include "http/idempotency.hpp"
#include "http/json_codec.hpp"
#include "http/openapi_document.hpp"
#include "http/token_stream.hpp"
#include "http/wallets.hpp"

namespace concert::http {

namespace {

void create_user(const services& s, const exchange_ptr& x) {
  auto user = decode_new_user(x->req().body);
  if (!user)
    return x->fail(user.error());
  if (auto wait = s.limits.new_users.admit(x->context().client))
    return x->fail(make_error(ec::rate_limited,
                              "this address created as many users this minute as allowed", wait));
  x->ask<created_user>(s.users, message(atom::create_v, std::move(*user)),
                       [x](created_user& created) { x->reply_view(201, created); });
}

void charge(const services& s, const exchange_ptr& x) {
  auto order = decode_charge(x->req().body);
  if (!order)
    return x->fail(order.error());
  // The user key is checked before the Idempotency-Key: without the
  // right one, nothing about the request is the caller's business.
  own_wallet(s, x, order->user_id, [x, user = order->user_id, amount = order->amount](wallet_actor& wallet) {
    auto claim = claim_of(x, "charge", user);
    if (!claim)
      return x->fail(claim.error());
    ask_keyed<user_record>(x, wallet, *claim, 200, message(atom::charge_v, amount, *claim),
                           [](user_record&) {});
  });
}

/// GET routes that name the user in `?userId=`, with that user's key.
void wallet_from_query(const services& s, const exchange_ptr& x, with_wallet then) {
  auto user = decode_id(x->req().query_value("userId"), "userId");
  if (!user)
    return x->fail(user.error());
  own_wallet(s, x, *user, std::move(then));
}

void balance(const services& s, const exchange_ptr& x) {
  wallet_from_query(s, x, [x](wallet_actor& wallet) {
    x->ask<user_record>(wallet, message(atom::get_v, atom::balance_v),
                        [x](user_record& record) { x->reply_view(200, record); });
  });
}

void payments(const services& s, const exchange_ptr& x) {
  wallet_from_query(s, x, [x](wallet_actor& wallet) {
    x->ask<std::vector<payment_view>>(wallet, message(atom::get_v, atom::payments_v),
                                      [x](auto& history) { x->reply_view(200, history); });
  });
}

void issue_token(const services& s, const exchange_ptr& x) {
  auto user = decode_user_ref(x->req().body);
  if (!user)
    return x->fail(user.error());
  own_wallet(s, x, *user, [&s, x, user = *user](wallet_actor&) {
    if (auto wait = s.limits.new_tokens.admit(x->context().client))
      return x->fail(make_error(ec::rate_limited,
                                "this address took as many queue tokens this minute as allowed",
                                wait));
    x->ask<token_view>(s.queue, message(atom::create_v, user),
                       [x](token_view& token) { x->reply_view(201, token); });
  });
}

/// The token, or with `Accept: text/event-stream` a stream of its changes.
void get_token(const services& s, const exchange_ptr& x, const std::string& text) {
  auto token = decode_token(text, ec::token_not_found);
  if (!token)
    return x->fail(token.error());
  x->ask<token_view>(s.queue, message(atom::get_v, *token), [&s, x](token_view& found) {
    // HEAD gets the JSON answer's head: a stream has no length to state.
    if (wants_event_stream(x->req()) && x->req().method != "HEAD")
      return stream_token(s, x, found);
    x->reply_view(200, found);
  });
}

} // namespace

router public_routes(const services& s) {
  router routes;
  add_liveness_route(routes);
  auto add = [&](const char* method, const char* pattern, auto handler) {
    routes.add(method, pattern,
               when_ready(s, [&s, handler](const exchange_ptr& x, const router::params& params) {
                 handler(s, x, params);
               }));
  };
  add("POST", "/api/users", [](auto& s, auto& x, auto&) { create_user(s, x); });
  add("POST", "/api/users/balance", [](auto& s, auto& x, auto&) { charge(s, x); });
  add("GET", "/api/users/balance", [](auto& s, auto& x, auto&) { balance(s, x); });
  add("GET", "/api/payments", [](auto& s, auto& x, auto&) { payments(s, x); });
  add("POST", "/api/queue_tokens", [](auto& s, auto& x, auto&) { issue_token(s, x); });
  add("GET", "/api/queue_tokens/([^/]+)",
      [](auto& s, auto& x, auto& params) { get_token(s, x, params[0]); });
  routes.add("GET", "/openapi.yaml", [](const exchange_ptr& x, auto&) {
    x->res().set_content(openapi_document(), "application/yaml");
    x->finish();
  });
  add_booking_routes(routes, s);
  return routes;
}

} // namespace concert::http
