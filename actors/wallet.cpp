#include "actors/wallet.hpp"

#include <algorithm>

#include <map>
#include <memory>
#include <set>

#include "actors/errors.hpp"
#include "actors/keyed_write.hpp"
#include "actors/timeouts.hpp"
#include "support/log.hpp"
#include "support/metrics.hpp"
#include "support/time.hpp"

namespace concert {

namespace {

using self_pointer = observed_pointer<wallet_actor, wallet_state>;

caf::actor_clock::time_point deadline_of(self_pointer self, int64_t expires_at) {
  return self->clock().now() + std::chrono::milliseconds{std::max<int64_t>(expires_at - now_ms(), 0)};
}

void forget_lapsed_holds(self_pointer self) {
  auto now = self->clock().now();
  auto& holds = self->state.holds;
  for (auto i = holds.begin(); i != holds.end();)
    i = i->second <= now ? holds.erase(i) : std::next(i);
}

/// Runs `then` with the seat manager of `date`, or `failed` with the
/// catalog's error. The catalog is asked once per date: seat managers live
/// as long as the catalog, so the wallet keeps their handles.
template <class F, class G>
void with_seats(self_pointer self, const std::string& date, F then, G failed) {
  if (auto known = self->state.seat_managers.find(date); known != self->state.seat_managers.end())
    return then(known->second);
  self->request(self->state.catalog, from_peer, atom::lookup_v, date)
    .then(
      [=](const seat_manager_actor& seats) mutable {
        self->state.seat_managers.emplace(date, seats);
        then(seats);
      },
      [=](caf::error& err) mutable { failed(std::move(err)); });
}

void charge(self_pointer self, int64_t amount, const idempotency_claim& claim,
            write_done<user_record> done) {
  auto& st = self->state;
  if (amount > max_balance - st.balance - st.charging)
    return done(make_error(ec::invalid_amount, "the balance would pass 10^15"));
  st.charging += amount;
  self->request(st.writer, store_timeout, atom::charge_v, new_charge{st.user_id, amount, claim})
    .then(
      [=](int64_t balance) {
        self->state.charging -= amount;
        self->state.balance += amount;
        done(user_record{self->state.user_id, balance});
      },
      [=](caf::error& err) {
        self->state.charging -= amount;
        done(std::move(err));
      });
}

/// For Retry-After: when the first of the user's holds lapses, or a second
/// while only holds still being asked for fill the cap.
int64_t seconds_until_a_hold_lapses(self_pointer self) {
  auto& holds = self->state.holds;
  if (holds.empty())
    return 1;
  auto first = std::min_element(holds.begin(), holds.end(), [](const auto& a, const auto& b) {
                 return a.second < b.second;
               })->second;
  auto wait = std::chrono::ceil<std::chrono::seconds>(first - self->clock().now()).count();
  return std::max<int64_t>(wait, 1);
}

void hold(self_pointer self, const std::string& date, int32_t seat,
          const idempotency_claim& claim, write_done<reservation_view> done) {
  auto& st = self->state;
  forget_lapsed_holds(self);
  if (static_cast<int32_t>(st.holds.size()) + st.holds_in_flight >= st.max_holds)
    return done(make_error(ec::hold_limit,
                           "the user holds " + std::to_string(st.max_holds) + " seats already",
                           seconds_until_a_hold_lapses(self)));
  ++st.holds_in_flight;
  auto made = [=](caf::expected<reservation_view> outcome) {
    --self->state.holds_in_flight;
    if (outcome) {
      self->state.holds[outcome->reservation_id] = deadline_of(self, outcome->expires_at);
      self->state.reservation_dates[outcome->reservation_id] = date;
    }
    done(std::move(outcome));
  };
  with_seats(
    self, date,
    [=](const seat_manager_actor& seats) {
      self->request(seats, from_peer, atom::hold_v, self->state.user_id, seat, claim)
        .then([=](reservation_view& r) { made(std::move(r)); },
              [=](caf::error& err) { made(std::move(err)); });
    },
    [=](caf::error err) { made(std::move(err)); });
}

/// Why an ended reservation can be neither paid nor cancelled, in the
/// words a seat manager uses for one it holds.
caf::error refusal_of_ended(const reservation_view& r, bool paying) {
  auto id = std::to_string(r.reservation_id);
  if (r.status == "EXPIRED")
    return make_error(paying ? ec::hold_expired : ec::reservation_not_held,
                      "reservation " + id + " has lapsed");
  return make_error(ec::reservation_not_held, "reservation " + id + " is " + r.status);
}

/// Notes a reservation that has ended, so the wallet answers for it itself
/// from now on.
void note_ended(self_pointer self, const reservation_view& r) {
  if (r.status != "EXPIRED" && r.status != "CANCELLED")
    return;
  self->state.holds.erase(r.reservation_id);
  self->state.ended[r.reservation_id] = r;
}

/// A seat manager lets a reservation go once it has ended, and then no
/// longer knows it; the wallet knows the ids are this user's, so it reads
/// them from the database instead, notes the ended ones, and runs `then`
/// with the rows (by id), or `failed` with the store's error.
template <class F, class G>
void with_stored(self_pointer self, std::vector<int64_t> ids, F then, G failed) {
  self->request(self->state.store, store_timeout, atom::load_v, atom::reservations_v, std::move(ids))
    .then(
      [=](std::vector<reservation_view>& rows) mutable {
        for (const auto& r : rows)
          note_ended(self, r);
        then(rows);
      },
      [=](caf::error& err) mutable { failed(std::move(err)); });
}

bool is_not_found(const caf::error& err) {
  return err == make_error(ec::reservation_not_found);
}

/// Answers a seat manager's error about one of this user's reservations. A
/// RESERVATION_NOT_FOUND there means it has ended and been let go: the row
/// is read from the database and `answer` makes the reply of it. Any other
/// error is the reply.
template <class F>
void unless_let_go(self_pointer self, int64_t id, caf::error err,
                   caf::typed_response_promise<reservation_view> promise, F answer) {
  if (!is_not_found(err)) {
    promise.deliver(std::move(err));
    return;
  }
  with_stored(
    self, {id},
    [=](std::vector<reservation_view>& rows) mutable {
      caf::expected<reservation_view> reply = make_error(ec::reservation_not_found);
      if (!rows.empty())
        reply = answer(rows.front());
      if (reply)
        promise.deliver(std::move(*reply));
      else
        promise.deliver(reply.error());
    },
    [=](caf::error e) mutable { promise.deliver(std::move(e)); });
}

/// Runs `then` with the date of one of this user's reservations, or answers
/// RESERVATION_NOT_FOUND.
template <class F>
caf::result<reservation_view> on_reservation(self_pointer self, int64_t id, F then) {
  auto i = self->state.reservation_dates.find(id);
  if (i == self->state.reservation_dates.end())
    return make_error(ec::reservation_not_found, "no reservation " + std::to_string(id));
  auto promise = self->make_response_promise<reservation_view>();
  with_seats(
    self, i->second, [=](const seat_manager_actor& seats) mutable { then(seats, promise); },
    [=](caf::error err) mutable { promise.deliver(std::move(err)); });
  return promise;
}

/// A payment in progress: the holds begun so far, per seat manager.
struct payment_run {
  std::string token;
  idempotency_claim claim;
  std::vector<std::pair<std::string, std::vector<int64_t>>> by_date;
  std::vector<std::pair<seat_manager_actor, std::vector<int64_t>>> begun;
  std::vector<paid_item> items;
  write_done<payment_view> done;
};

void abort_payment(self_pointer self, const payment_run& run) {
  for (auto& [seats, ids] : run.begun)
    self->send(seats, atom::abort_pay_v, ids);
}

/// Tells the seat managers and the queue of a committed payment, and answers
/// once all of them have taken it: the published seats show SOLD and the
/// guard refuses the token before the payer hears of the payment. The
/// payment stands whatever they answer.
void announce_payment(self_pointer self, std::shared_ptr<payment_run> run, payment_view payment) {
  auto paid = std::make_shared<payment_view>(std::move(payment));
  auto remaining = std::make_shared<size_t>(run->begun.size() + 1);
  auto taken = [=](const char* by) {
    return [=](const caf::error& err) mutable {
      if (err)
        log::error("a payment was not announced", {{"to", by}, {"error", caf::to_string(err)}});
      if (--*remaining == 0)
        run->done(std::move(*paid));
    };
  };
  for (auto& [seats, ids] : run->begun) {
    auto done = taken("seat manager");
    self->request(seats, from_peer, atom::commit_pay_v, ids)
      .then([done](bool) mutable { done(caf::error{}); }, done);
  }
  auto done = taken("queue");
  self->request(self->state.queue, from_peer, atom::ended_v, run->token)
    .then([done](bool) mutable { done(caf::error{}); }, done);
}

/// Debits and writes the payment once every seat manager has marked its holds.
void settle(self_pointer self, std::shared_ptr<payment_run> run) {
  auto& st = self->state;
  int64_t amount = 0;
  for (const auto& item : run->items)
    amount += item.price;
  if (amount > st.balance - st.reserved) {
    abort_payment(self, *run);
    run->done(make_error(ec::insufficient_balance,
                         "the payment needs " + std::to_string(amount) + ", the balance is "
                           + std::to_string(st.balance - st.reserved)));
    return;
  }
  st.reserved += amount;
  payment_order order{st.user_id, run->token, amount, now_ms(), run->items, run->claim};
  self->request(st.writer, store_timeout, atom::pay_v, order)
    .then(
      [=](payment_view& payment) mutable {
        auto& st = self->state;
        st.reserved -= amount;
        st.balance -= amount;
        metrics::actors().payments.fetch_add(1);
        metrics::actors().paid_amount.fetch_add(static_cast<uint64_t>(amount));
        for (auto& [seats, ids] : run->begun)
          for (auto id : ids)
            st.holds.erase(id);
        announce_payment(self, run, std::move(payment));
      },
      [=](caf::error& err) mutable {
        self->state.reserved -= amount;
        abort_payment(self, *run);
        run->done(std::move(err));
      });
}

/// Asks the seat manager of the next date to mark its holds, then the next,
/// then settles; the first refusal rolls back the ones before.
void begin_next(self_pointer self, std::shared_ptr<payment_run> run) {
  auto index = run->begun.size();
  if (index == run->by_date.size()) {
    settle(self, run);
    return;
  }
  auto refused = [=](caf::error err) {
    abort_payment(self, *run);
    run->done(std::move(err));
  };
  with_seats(
    self, run->by_date[index].first,
    [=](const seat_manager_actor& seats) mutable {
      const auto& ids = run->by_date[index].second;
      self->request(seats, from_peer, atom::begin_pay_v, self->state.user_id, ids)
        .then(
          [=](std::vector<paid_item>& items) mutable {
            run->begun.emplace_back(seats, run->by_date[index].second);
            run->items.insert(run->items.end(), items.begin(), items.end());
            begin_next(self, run);
          },
          [=](caf::error& err) mutable {
            if (!is_not_found(err))
              return refused(std::move(err));
            // One of the ids has ended and been let go: answer for it as
            // for one that had ended at load.
            with_stored(
              self, run->by_date[index].second,
              [=](std::vector<reservation_view>& rows) mutable {
                for (const auto& r : rows)
                  if (self->state.ended.count(r.reservation_id) > 0)
                    return refused(refusal_of_ended(r, true));
                refused(make_error(ec::reservation_not_found));
              },
              refused);
          });
    },
    refused);
}

void pay(self_pointer self, const std::string& token, const std::vector<int64_t>& ids,
         const idempotency_claim& claim, write_done<payment_view> done) {
  if (ids.empty())
    return done(make_error(ec::invalid_request, "no reservation to pay"));
  std::map<std::string, std::vector<int64_t>> by_date;
  std::set<int64_t> seen;
  for (auto id : ids) {
    if (!seen.insert(id).second)
      return done(
        make_error(ec::invalid_request, "reservation " + std::to_string(id) + " is listed twice"));
    auto i = self->state.reservation_dates.find(id);
    if (i == self->state.reservation_dates.end())
      return done(make_error(ec::reservation_not_found, "no reservation " + std::to_string(id)));
    if (auto ended = self->state.ended.find(id); ended != self->state.ended.end())
      return done(refusal_of_ended(ended->second, true));
    by_date[i->second].push_back(id);
  }
  auto run = std::make_shared<payment_run>();
  run->token = token;
  run->claim = claim;
  run->by_date.assign(by_date.begin(), by_date.end());
  run->done = std::move(done);
  begin_next(self, run);
}

void used(self_pointer self) {
  self->state.last_used = self->clock().now();
}

/// Stops when it has had no request for its idle time and has nothing in
/// flight; everything it holds is in the database, where the next request
/// loads it from.
bool stop_if_idle(self_pointer self) {
  auto& st = self->state;
  auto quiet = self->clock().now() - st.last_used;
  if (quiet < st.idle_after || st.charging != 0 || st.reserved != 0 || st.holds_in_flight != 0
      || !st.keys.empty())
    return false;
  self->quit();
  return true;
}

} // namespace

wallet_actor::behavior_type wallet(observed_pointer<wallet_actor, wallet_state> self,
                                   int64_t user_id, wallet_row loaded, int32_t max_holds,
                                   const store_handles& stores, catalog_actor catalog, queue_actor queue,
                                   std::chrono::milliseconds idle_after) {
  auto& st = self->state;
  st.idle_after = idle_after;
  st.last_used = self->clock().now();
  st.user_id = user_id;
  st.balance = loaded.balance;
  st.max_holds = max_holds;
  st.store = stores.router;
  st.writer = stores.writer_of(user_id);
  st.catalog = std::move(catalog);
  st.queue = std::move(queue);
  for (const auto& r : loaded.reservations) {
    st.reservation_dates[r.reservation_id] = r.date;
    if (r.status == "HELD")
      st.holds[r.reservation_id] = deadline_of(self, r.expires_at);
    else if (r.status == "EXPIRED" || r.status == "CANCELLED")
      st.ended[r.reservation_id] = r;
  }
  return {
    [=](atom::charge, int64_t amount, const idempotency_claim& claim) {
      used(self);
      return keyed_write<user_record>(self, self->state.store, self->state.keys, claim, [=](auto done) {
        charge(self, amount, claim, std::move(done));
      });
    },
    [=](atom::get, atom::balance) {
      used(self);
      return user_record{self->state.user_id, self->state.balance};
    },
    [=](atom::get, atom::payments) -> caf::result<std::vector<payment_view>> {
      used(self);
      return self->delegate(self->state.store, atom::load_v, atom::payments_v,
                            self->state.user_id);
    },
    [=](atom::hold, const std::string& date, int32_t seat, const idempotency_claim& claim) {
      used(self);
      return keyed_write<reservation_view>(self, self->state.store, self->state.keys, claim, [=](auto done) {
        hold(self, date, seat, claim, std::move(done));
      });
    },
    [=](atom::get, int64_t id) -> caf::result<reservation_view> {
      used(self);
      if (auto ended = self->state.ended.find(id); ended != self->state.ended.end())
        return ended->second;
      return on_reservation(self, id, [=](const seat_manager_actor& seats, auto promise) mutable {
        self->request(seats, from_peer, atom::get_v, id, self->state.user_id)
          .then([=](reservation_view& r) mutable { promise.deliver(std::move(r)); },
                [=](caf::error& err) mutable {
                  unless_let_go(self, id, std::move(err), promise,
                                [](const reservation_view& r) { return r; });
                });
      });
    },
    [=](atom::cancel, int64_t id) -> caf::result<reservation_view> {
      used(self);
      if (auto ended = self->state.ended.find(id); ended != self->state.ended.end())
        return refusal_of_ended(ended->second, false);
      return on_reservation(self, id, [=](const seat_manager_actor& seats, auto promise) mutable {
        self->request(seats, from_peer, atom::cancel_v, id, self->state.user_id)
          .then(
            [=](reservation_view& r) mutable {
              note_ended(self, r);
              promise.deliver(std::move(r));
            },
            [=](caf::error& err) mutable {
              unless_let_go(self, id, std::move(err), promise, [](const reservation_view& r) {
                return caf::expected<reservation_view>{refusal_of_ended(r, false)};
              });
            });
      });
    },
    [=](atom::pay, const std::string& token, const std::vector<int64_t>& ids,
        const idempotency_claim& claim) {
      used(self);
      return keyed_write<payment_view>(self, self->state.store, self->state.keys, claim, [=](auto done) {
        pay(self, token, ids, claim, std::move(done));
      });
    },
    [=](atom::idempotent idempotent, const idempotency_claim& claim) -> caf::result<stored_answer> {
      used(self);
      return self->delegate(self->state.store, idempotent, claim.scope, claim.user_id, claim.key);
    },
    [=](atom::idle) { return stop_if_idle(self); },
  };
}

} // namespace concert
