#include "http/booking_routes.hpp"

#include <type_traits>

#include "actors/errors.hpp"
#include "http/ask.hpp"
#include "http/health.hpp"
#include "http/idempotency.hpp"
#include "http/json_codec.hpp"
#include "http/request_log.hpp"
#include "http/respond.hpp"
#include "http/wallets.hpp"
#include "support/time.hpp"

namespace concert::http {

namespace {

using request = httplib::Request;
using response = httplib::Response;

/// Who is calling: the user of an ACTIVE token.
struct caller {
  std::string token;
  int64_t user_id = 0;
};

caf::expected<caller> check_token(const services& s, const request& req) {
  auto token = decode_token(req.get_header_value("X-Queue-Token"), ec::token_invalid);
  if (!token)
    return token.error();
  auto user = ask<int64_t>(s.system, s.queue, atom::check_v, *token);
  if (!user)
    return user.error();
  return caller{std::move(*token), *user};
}

void available_dates(const services& s, const request& req, response& res, const caller&) {
  reply(req, res, 200, ask<std::vector<date_summary>>(s.system, s.catalog, atom::get_v, atom::dates_v));
}

void seats(const services& s, const request& req, response& res, const caller&,
           const std::string& date) {
  auto valid = decode_date(date);
  if (!valid)
    return send_error(req, res, valid.error());
  auto manager = ask<seat_manager_actor>(s.system, s.catalog, atom::lookup_v, *valid);
  if (!manager)
    return send_error(req, res, manager.error());
  reply(req, res, 200, ask<seat_list>(s.system, *manager, atom::get_v, atom::seats_v));
}

void hold(const services& s, const request& req, response& res, const caller& who) {
  auto wanted = decode_hold(req.body);
  if (!wanted)
    return send_error(req, res, wanted.error());
  auto wallet = wallet_of(s, who.user_id);
  if (!wallet)
    return send_error(req, res, wallet.error());
  auto& ledger = s.limits.holds;
  const auto& client = current_request().client;
  // Asked only when the key has no stored answer: a replay is answered
  // whatever the address holds now.
  idempotent<reservation_view>(s, req, res, "reservation", who.user_id, 201,
                               [&](const auto& claim) -> caf::expected<reservation_view> {
    if (auto wait = ledger.reserve(client))
      return make_error(ec::hold_limit, "this address holds as many seats as allowed", wait);
    auto made = ask<reservation_view>(s.system, *wallet, atom::hold_v, wanted->date,
                                      wanted->seat, claim);
    if (made)
      ledger.held(client, made->reservation_id,
                  hold_ledger::clock::time_point{std::chrono::milliseconds{made->expires_at}});
    else
      ledger.failed(client);
    return made;
  });
}

template <class Atom>
void on_reservation(const services& s, const request& req, response& res, const caller& who,
                    const std::string& id_text, Atom what) {
  auto id = decode_id(id_text, "reservationId");
  if (!id)
    return send_error(req, res, id.error());
  auto wallet = wallet_of(s, who.user_id);
  if (!wallet)
    return send_error(req, res, wallet.error());
  auto outcome = ask<reservation_view>(s.system, *wallet, what, *id);
  if constexpr (std::is_same_v<Atom, atom::cancel>)
    if (outcome)
      s.limits.holds.released({*id});
  reply(req, res, 200, outcome);
}

void pay(const services& s, const request& req, response& res, const caller& who) {
  auto ids = decode_payment(req.body);
  if (!ids)
    return send_error(req, res, ids.error());
  auto wallet = wallet_of(s, who.user_id);
  if (!wallet)
    return send_error(req, res, wallet.error());
  idempotent<payment_view>(s, req, res, "payment", who.user_id, 201, [&](const auto& claim) {
    auto paid = ask<payment_view>(s.system, *wallet, atom::pay_v, who.token, *ids, claim);
    if (paid)
      s.limits.holds.released(*ids);
    return paid;
  });
}

/// A paid-for token has ended, so a client repeating its payment after a
/// lost answer would otherwise only get 401. With the same Idempotency-Key
/// and body it gets the stored answer; anything else stays 401.
bool replayed_payment(const services& s, const request& req, response& res) {
  if (!req.has_header("Idempotency-Key"))
    return false;
  auto token = decode_token(req.get_header_value("X-Queue-Token"), ec::token_invalid);
  if (!token)
    return false;
  auto view = ask<token_view>(s.system, s.queue, atom::get_v, *token);
  if (!view || view->status != "EXPIRED")
    return false;
  auto ids = decode_payment(req.body);
  if (!ids)
    return false;
  response probe;
  auto check = check_idempotency(s, req, probe, "payment", view->user_id);
  if (!check.answered || !probe.has_header("Idempotent-Replayed"))
    return false;
  res = std::move(probe);
  return true;
}

/// What a route may still answer after its token was refused: whether it
/// did. Only a payment replay has such an answer.
using refused_token_fallback = bool (*)(const services&, const request&, response&);

bool no_fallback(const services&, const request&, response&) {
  return false;
}

} // namespace

void add_booking_routes(router& routes, const services& s) {
  auto add = [&](const char* method, const char* pattern, auto handler,
                 refused_token_fallback fallback = no_fallback) {
    routes.add(method, pattern,
               when_ready(s, [&s, handler, fallback](const request& req, response& res,
                                                     const router::params& params) {
                 auto who = check_token(s, req);
                 if (!who) {
                   if (who.error() == make_error(ec::token_invalid) && fallback(s, req, res))
                     return;
                   return send_error(req, res, who.error());
                 }
                 handler(s, req, res, *who, params);
               }));
  };
  add("GET", "/api/concerts/available_dates",
      [](auto& s, auto& req, auto& res, auto& who, auto&) { available_dates(s, req, res, who); });
  add("GET", "/api/concerts/([^/]+)/seats", [](auto& s, auto& req, auto& res, auto& who,
                                               auto& params) { seats(s, req, res, who, params[0]); });
  add("POST", "/api/reservations",
      [](auto& s, auto& req, auto& res, auto& who, auto&) { hold(s, req, res, who); });
  add("GET", "/api/reservations/([^/]+)", [](auto& s, auto& req, auto& res, auto& who, auto& params) {
    on_reservation(s, req, res, who, params[0], atom::get_v);
  });
  add("DELETE", "/api/reservations/([^/]+)",
      [](auto& s, auto& req, auto& res, auto& who, auto& params) {
        on_reservation(s, req, res, who, params[0], atom::cancel_v);
      });
  add(
    "POST", "/api/payments",
    [](auto& s, auto& req, auto& res, auto& who, auto&) { pay(s, req, res, who); },
    replayed_payment);
}

} // namespace concert::http
