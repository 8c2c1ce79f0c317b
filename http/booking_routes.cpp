#include "http/booking_routes.hpp"

#include <type_traits>

#include "actors/errors.hpp"
#include "http/health.hpp"
#include "http/idempotency.hpp"
#include "http/json_codec.hpp"
#include "support/time.hpp"

namespace concert::http {

namespace {

/// Who is calling: the user of an ACTIVE token.
struct caller {
  std::string token;
  int64_t user_id = 0;
};

/// Both reads answer from what the catalog and the seat managers published
/// last; they ask the actors only before the first publication.
void available_dates(const services& s, const exchange_ptr& x, const caller&) {
  if (auto published = s.published->dates.latest())
    return x->reply_encoded(200, *published);
  x->ask<std::vector<date_summary>>(s.catalog, message(atom::get_v, atom::dates_v),
                                    [x](auto& dates) { x->reply_view(200, dates); });
}

void seats(const services& s, const exchange_ptr& x, const caller&, const std::string& date) {
  auto valid = decode_date(date);
  if (!valid)
    return x->fail(valid.error());
  if (auto index = s.published->concerts.latest()) {
    auto board = index->find(*valid);
    if (board == index->end())
      return x->fail(make_error(ec::date_not_found, "no concert on " + *valid));
    if (auto snapshot = board->second->latest())
      return x->reply_encoded(200, snapshot->body);
  }
  x->ask<seat_manager_actor>(s.catalog, message(atom::lookup_v, *valid), [x](auto& manager) {
    x->ask<seat_list>(manager, message(atom::get_v, atom::seats_v),
                      [x](auto& list) { x->reply_view(200, list); });
  });
}

void hold(const services& s, const exchange_ptr& x, const caller& who) {
  auto wanted = decode_hold(x->req().body);
  if (!wanted)
    return x->fail(wanted.error());
  auto claim = claim_of(x, "reservation", who.user_id);
  if (!claim)
    return x->fail(claim.error());
  auto& ledger = s.limits.holds;
  auto client = x->context().client;
  if (auto wait = ledger.reserve(client)) {
    // A repeat of a hold made before is answered whatever the address
    // holds now.
    auto refusal = make_error(ec::hold_limit, "this address holds as many seats as allowed", wait);
    return replay_or(x, s.users, *claim, [x, refusal] { x->fail(refusal); });
  }
  ask_keyed<reservation_view>(
    x, s.users, *claim, 201, message(atom::hold_v, who.user_id, wanted->date, wanted->seat, *claim),
    [&ledger, client](reservation_view& made) {
      ledger.held(client, made.reservation_id,
                  hold_ledger::clock::time_point{std::chrono::milliseconds{made.expires_at}});
    },
    [&ledger, client] { ledger.failed(client); });
}

template <class Atom>
void on_reservation(const services& s, const exchange_ptr& x, const caller& who,
                    const std::string& id_text, Atom what) {
  auto id = decode_id(id_text, "reservationId");
  if (!id)
    return x->fail(id.error());
  x->ask<reservation_view>(s.users, message(what, who.user_id, *id),
                           [&s, x, id = *id](reservation_view& view) {
                             if constexpr (std::is_same_v<Atom, atom::cancel>)
                               s.limits.holds.released({id});
                             x->reply_view(200, view);
                           });
}

void pay(const services& s, const exchange_ptr& x, const caller& who) {
  auto ids = decode_payment(x->req().body);
  if (!ids)
    return x->fail(ids.error());
  auto claim = claim_of(x, "payment", who.user_id);
  if (!claim)
    return x->fail(claim.error());
  ask_keyed<payment_view>(x, s.users, *claim, 201,
                          message(atom::pay_v, who.user_id, who.token, *ids, *claim),
                          [&s, ids = *ids](payment_view&) { s.limits.holds.released(ids); });
}

/// What a route may still answer after its token was refused; it calls
/// `refused` when it has no answer either. Only a payment replay has one.
using refused_token_fallback = void (*)(const services&, const exchange_ptr&,
                                        std::function<void()> refused);

void no_fallback(const services&, const exchange_ptr&, std::function<void()> refused) {
  refused();
}

/// A paid-for token has ended, so a client repeating its payment after a
/// lost answer would otherwise only get 401. With the same Idempotency-Key
/// and body it gets the stored answer; anything else stays 401.
void replayed_payment(const services& s, const exchange_ptr& x, std::function<void()> refused) {
  const auto& req = x->req();
  if (!req.has_header("Idempotency-Key") || !decode_payment(req.body))
    return refused();
  auto token = decode_token(req.header("X-Queue-Token"), ec::token_invalid);
  if (!token)
    return refused();
  x->ask<token_view>(
    s.queue, message(atom::get_v, *token),
    [&s, x, refused](token_view& view) {
      auto claim = claim_of(x, "payment", view.user_id);
      if (view.status != "EXPIRED" || !claim)
        return refused();
      replay_or(x, s.users, *claim, refused);
    },
    [refused](caf::error&) { refused(); });
}

/// Runs `then` with the caller of an ACTIVE token, or answers why not.
void check_token(const services& s, const exchange_ptr& x, refused_token_fallback fallback,
                 std::function<void(const caller&)> then) {
  auto token = decode_token(x->req().header("X-Queue-Token"), ec::token_invalid);
  auto refuse = [&s, x, fallback](caf::error err) {
    if (err != make_error(ec::token_invalid))
      return x->fail(err);
    fallback(s, x, [x, err] { x->fail(err); });
  };
  if (!token)
    return refuse(token.error());
  // An ACTIVE token before its expiry passes on the queue's published
  // guard; anything else the queue itself answers.
  if (auto active = s.published->tokens.find(*token, now_ms()))
    return then(caller{*token, active->user_id});
  x->ask<int64_t>(
    s.queue, message(atom::check_v, *token),
    [token = *token, then](int64_t& user) { then(caller{token, user}); },
    [refuse](caf::error& err) { refuse(err); });
}

} // namespace

void add_booking_routes(router& routes, const services& s) {
  auto add = [&](const char* method, const char* pattern, auto handler,
                 refused_token_fallback fallback = no_fallback) {
    routes.add(method, pattern,
               when_ready(s, [&s, handler, fallback](const exchange_ptr& x,
                                                     const router::params& params) {
                 check_token(s, x, fallback,
                             [&s, x, handler, params](const caller& who) {
                               handler(s, x, who, params);
                             });
               }));
  };
  add("GET", "/api/concerts/available_dates",
      [](auto& s, auto& x, auto& who, auto&) { available_dates(s, x, who); });
  add("GET", "/api/concerts/([^/]+)/seats",
      [](auto& s, auto& x, auto& who, auto& params) { seats(s, x, who, params[0]); });
  add("POST", "/api/reservations", [](auto& s, auto& x, auto& who, auto&) { hold(s, x, who); });
  add("GET", "/api/reservations/([^/]+)", [](auto& s, auto& x, auto& who, auto& params) {
    on_reservation(s, x, who, params[0], atom::get_v);
  });
  add("DELETE", "/api/reservations/([^/]+)", [](auto& s, auto& x, auto& who, auto& params) {
    on_reservation(s, x, who, params[0], atom::cancel_v);
  });
  add(
    "POST", "/api/payments", [](auto& s, auto& x, auto& who, auto&) { pay(s, x, who); },
    replayed_payment);
}

} // namespace concert::http
