#include "actors/seat_manager.hpp"

#include <cstdlib>

#include "actors/errors.hpp"
#include "actors/timeouts.hpp"
#include "actors/view_json.hpp"
#include "support/log.hpp"
#include "support/metrics.hpp"
#include "support/time.hpp"

namespace concert {

namespace {

using self_pointer = observed_pointer<seat_manager_actor, seat_manager_state>;

const char* status_of(hold_state s) {
  switch (s) {
    case hold_state::held:
    case hold_state::paying:
    case hold_state::cancelling:
      return "HELD";
    case hold_state::confirmed:
      return "CONFIRMED";
    case hold_state::expired:
      return "EXPIRED";
    case hold_state::cancelled:
      return "CANCELLED";
  }
  return "HELD";
}

reservation_view view_of(const seat_manager_state& st, const reservation& r) {
  return {r.id, r.user_id, st.concert.date, r.seat, r.price, status_of(r.state), r.expires_at};
}

/// A reservation this actor made or recovered. One it cannot find is a
/// broken invariant: stop loudly rather than invent a default entry.
reservation& known(seat_manager_state& st, int64_t id) {
  auto i = st.reservations.find(id);
  if (i == st.reservations.end()) {
    log::error("a seat manager lost track of a reservation",
               {{"date", st.concert.date}, {"reservation", id}});
    std::abort();
  }
  return i->second;
}

/// Moves seats between statuses on /metrics.
void count_seats(int64_t available, int64_t held, int64_t sold) {
  auto& m = metrics::actors();
  m.seats_available.fetch_add(available);
  m.seats_held.fetch_add(held);
  m.seats_sold.fetch_add(sold);
}

/// Frees the seat of a reservation whose end is written, and forgets the
/// reservation: the database has it, and its wallet asks there.
void let_go(self_pointer self, int64_t id) {
  auto& st = self->state;
  auto i = st.reservations.find(id);
  count_seats(+1, -1, 0);
  st.occupant[static_cast<size_t>(i->second.seat - 1)] = 0;
  ++st.available;
  st.reservations.erase(i);
}

/// A seat as the seat list shows it.
const char* seat_status(const seat_manager_state& st, int32_t seat) {
  auto occupant = st.occupant[static_cast<size_t>(seat - 1)];
  if (occupant == 0)
    return "AVAILABLE";
  if (occupant == being_written)
    return "HELD";
  return st.reservations.at(occupant).state == hold_state::confirmed ? "SOLD" : "HELD";
}

seat_list list_of(const seat_manager_state& st) {
  seat_list list{st.concert.date, st.concert.title, {}};
  list.seats.reserve(st.occupant.size());
  for (int32_t seat = 1; seat <= st.concert.total_seats; ++seat)
    list.seats.push_back({seat, seat_status(st, seat), st.concert.price});
  return list;
}

/// Publishes the seats as they stand now, for readers from their next read.
void publish_seats(self_pointer self) {
  auto& st = self->state;
  auto snapshot = std::make_shared<seat_snapshot>();
  snapshot->available = st.available;
  snapshot->body = st.seats_text.text(st.concert.total_seats,
                                      [&](int32_t seat) { return seat_status(st, seat); });
  st.board->publish(std::move(snapshot));
  if (st.available != st.published_available) {
    st.published_available = st.available;
    // After the publication: a catalog that clears the flag after this
    // exchange reads this board's new count.
    if (!st.counts_changed->exchange(true))
      self->send(st.catalog, atom::count_v);
  }
}

/// For changes that only take seats: a reader seeing them a moment late
/// sees a seat free that a hold is being written for, and that hold's own
/// answer comes after the publication.
void publish_soon(self_pointer self) {
  concert::publish_soon(self, self->state.publish_queued);
}

/// Sends the alarm for the earliest deadline, unless one is on its way
/// for that moment or sooner.
void set_alarm(self_pointer self) {
  auto& st = self->state;
  if (st.lapses.empty())
    return;
  auto next = st.lapses.top().first;
  if (st.alarm && *st.alarm <= next)
    return;
  st.alarm = next;
  auto remaining = std::max(next - self->clock().now(), caf::actor_clock::duration_type::zero());
  self->delayed_send(self, remaining, atom::expire_v);
}

/// Puts the hold's deadline on the alarm's list. A deadline cannot be taken
/// back; the alarm passes over a hold that was paid or cancelled meanwhile
/// (reservation ids are never reused).
void arm_timer(self_pointer self, const reservation& r) {
  self->state.lapses.emplace(r.deadline, r.id);
  set_alarm(self);
}

/// Writes a lapsed hold's release, then frees its seat: until the database
/// agrees, a new hold of the seat would break its unique index, and the
/// published seats never show free what the database still holds. A failed
/// write is tried again a second later.
void release_lapsed(self_pointer self, int64_t id) {
  // Lets it go unless an earlier attempt already did: a retry and a stale
  // timer may both have sent a release.
  auto released = [=] {
    auto& st = self->state;
    auto i = st.reservations.find(id);
    if (i == st.reservations.end() || st.occupant[static_cast<size_t>(i->second.seat - 1)] != id)
      return;
    let_go(self, id);
    publish_soon(self);
  };
  self->request(self->state.store, store_timeout, atom::release_v, hold_release{id, "EXPIRED", self->state.concert.date})
    .then([=](bool) { released(); },
          [=](const caf::error& err) {
            // Not HELD in the database: an earlier attempt landed after all.
            if (err == make_error(ec::reservation_not_held))
              return released();
            log::error("hold expiry not written, trying again",
                       {{"reservation", id}, {"error", caf::to_string(err)}});
            self->delayed_send(self, std::chrono::seconds{1}, atom::expire_v, id);
          });
}

/// The hold lapses: EXPIRED at once, its seat AVAILABLE once that is
/// written (release_lapsed).
void lapse(self_pointer self, reservation& r) {
  metrics::actors().holds_expired.fetch_add(1);
  r.state = hold_state::expired;
  release_lapsed(self, r.id);
}

bool overdue(self_pointer self, const reservation& r) {
  return self->clock().now() >= r.deadline;
}

/// The reservation if it belongs to `user`, else nullptr.
reservation* own(self_pointer self, int64_t id, int64_t user) {
  auto i = self->state.reservations.find(id);
  if (i == self->state.reservations.end() || i->second.user_id != user)
    return nullptr;
  return &i->second;
}

/// Why `r` cannot be paid or cancelled now, or none. Lapses it first if its
/// timer has not fired yet but its time is up.
caf::error not_payable(self_pointer self, reservation& r) {
  if (r.state == hold_state::held && overdue(self, r))
    lapse(self, r);
  if (r.state == hold_state::expired)
    return make_error(ec::hold_expired, "reservation " + std::to_string(r.id) + " has lapsed");
  if (r.state == hold_state::paying || r.state == hold_state::cancelling)
    return make_error(ec::reservation_not_held,
                      "reservation " + std::to_string(r.id) + " is being paid or cancelled");
  if (r.state != hold_state::held)
    return make_error(ec::reservation_not_held,
                      "reservation " + std::to_string(r.id) + " is " + status_of(r.state));
  return {};
}

/// Back to HELD after a failed payment or cancel; lapses at once if overdue.
void resume_hold(self_pointer self, reservation& r) {
  r.state = hold_state::held;
  if (overdue(self, r))
    lapse(self, r);
}

caf::result<reservation_view> hold(self_pointer self, int64_t user, int32_t seat,
                                   const idempotency_claim& claim) {
  auto& st = self->state;
  if (seat < 1 || seat > st.concert.total_seats)
    return make_error(ec::seat_not_found,
                      "seat " + std::to_string(seat) + " does not exist on " + st.concert.date);
  auto& occupant = st.occupant[static_cast<size_t>(seat - 1)];
  if (occupant != 0)
    return make_error(ec::seat_unavailable,
                      "seat " + std::to_string(seat) + " on " + st.concert.date + " is taken");
  occupant = being_written;
  --st.available;
  count_seats(-1, +1, 0);
  publish_soon(self);
  auto expires_at = now_ms() + st.hold_duration.count();
  auto deadline = self->clock().now() + st.hold_duration;
  auto promise = self->make_response_promise<reservation_view>();
  new_hold h{user, st.concert.date, seat, st.concert.price, expires_at, claim};
  self->request(st.store, store_timeout, atom::create_v, h)
    .then(
      [=](int64_t id) mutable {
        auto [made, fresh] = self->state.reservations.try_emplace(
          id, reservation{id, user, seat, h.price, hold_state::held, expires_at, deadline});
        if (!fresh) {
          log::error("the store handed out a reservation id twice", {{"reservation", id}});
          std::abort();
        }
        auto& r = made->second;
        self->state.occupant[static_cast<size_t>(seat - 1)] = id;
        metrics::actors().holds_created.fetch_add(1);
        arm_timer(self, r);
        promise.deliver(view_of(self->state, r));
      },
      [=](caf::error& err) mutable {
        self->state.occupant[static_cast<size_t>(seat - 1)] = 0;
        ++self->state.available;
        count_seats(+1, -1, 0);
        publish_soon(self);
        promise.deliver(std::move(err));
      });
  return promise;
}

caf::result<reservation_view> cancel(self_pointer self, int64_t id, int64_t user) {
  auto* r = own(self, id, user);
  if (r == nullptr)
    return make_error(ec::reservation_not_found);
  if (auto err = not_payable(self, *r))
    return err.code() == static_cast<uint8_t>(ec::hold_expired)
             ? make_error(ec::reservation_not_held, "reservation " + std::to_string(id)
                                                      + " has lapsed")
             : err;
  r->state = hold_state::cancelling;
  auto promise = self->make_response_promise<reservation_view>();
  self->request(self->state.store, store_timeout, atom::release_v, hold_release{id, "CANCELLED", self->state.concert.date})
    .then(
      [=](bool) mutable {
        auto& r = known(self->state, id);
        r.state = hold_state::cancelled;
        metrics::actors().holds_cancelled.fetch_add(1);
        auto cancelled = view_of(self->state, r);
        let_go(self, id);
        publish_seats(self);
        promise.deliver(std::move(cancelled));
      },
      [=](caf::error& err) mutable {
        resume_hold(self, known(self->state, id));
        promise.deliver(std::move(err));
      });
  return promise;
}

caf::result<std::vector<paid_item>> begin_pay(self_pointer self, int64_t user,
                                              const std::vector<int64_t>& ids) {
  std::vector<reservation*> holds;
  for (auto id : ids) {
    auto* r = own(self, id, user);
    if (r == nullptr)
      return make_error(ec::reservation_not_found, "no reservation " + std::to_string(id));
    if (auto err = not_payable(self, *r))
      return err;
    holds.push_back(r);
  }
  std::vector<paid_item> items;
  for (auto* r : holds) {
    r->state = hold_state::paying;
    items.push_back({r->id, self->state.concert.date, r->seat, r->price});
  }
  return items;
}

void recover_reservation(self_pointer self, const reservation_view& row) {
  auto& st = self->state;
  reservation r{row.reservation_id, row.user_id, row.seat, row.price, hold_state::held,
                row.expires_at, self->clock().now()};
  // Recovery hands over live reservations only: CONFIRMED or HELD.
  if (row.status == "CONFIRMED")
    r.state = hold_state::confirmed;
  else
    r.deadline += std::chrono::milliseconds{std::max<int64_t>(row.expires_at - now_ms(), 0)};
  auto& stored = st.reservations.insert_or_assign(r.id, r).first->second;
  st.occupant[static_cast<size_t>(r.seat - 1)] = r.id;
  --st.available;
  if (r.state == hold_state::held)
    count_seats(-1, +1, 0);
  else
    count_seats(-1, 0, +1);
  if (stored.state == hold_state::held) {
    if (overdue(self, stored))
      lapse(self, stored);
    else
      arm_timer(self, stored);
  }
}

} // namespace

seat_manager_actor::behavior_type
seat_manager(observed_pointer<seat_manager_actor, seat_manager_state> self, concert_info concert,
             std::chrono::milliseconds hold_duration, store_actor store, catalog_actor catalog,
             std::shared_ptr<std::atomic<bool>> counts_changed, std::shared_ptr<seat_board> board) {
  auto& st = self->state;
  st.occupant.assign(static_cast<size_t>(concert.total_seats), 0);
  st.available = concert.total_seats;
  count_seats(concert.total_seats, 0, 0);
  st.concert = std::move(concert);
  st.hold_duration = hold_duration;
  st.store = std::move(store);
  st.catalog = std::move(catalog);
  st.counts_changed = std::move(counts_changed);
  st.published_available = st.available;
  st.board = std::move(board);
  st.seats_text = seat_list_writer{st.concert.date, st.concert.title, st.concert.price};
  publish_seats(self);
  return {
    [=](atom::hold, int64_t user, int32_t seat, const idempotency_claim& claim) {
      return hold(self, user, seat, claim);
    },
    [=](atom::get, int64_t id, int64_t user) -> caf::result<reservation_view> {
      auto* r = own(self, id, user);
      if (r == nullptr)
        return make_error(ec::reservation_not_found);
      return view_of(self->state, *r);
    },
    [=](atom::cancel, int64_t id, int64_t user) { return cancel(self, id, user); },
    [=](atom::get, atom::seats) { return list_of(self->state); },
    [=](atom::begin_pay, int64_t user, const std::vector<int64_t>& ids) {
      return begin_pay(self, user, ids);
    },
    [=](atom::commit_pay, const std::vector<int64_t>& ids) {
      for (auto id : ids)
        known(self->state, id).state = hold_state::confirmed;
      count_seats(0, -static_cast<int64_t>(ids.size()), static_cast<int64_t>(ids.size()));
      publish_seats(self);
      return true;
    },
    [=](atom::abort_pay, const std::vector<int64_t>& ids) {
      for (auto id : ids)
        resume_hold(self, known(self->state, id));
    },
    [=](atom::expire) {
      auto& st = self->state;
      auto now = self->clock().now();
      // Not the current alarm, which is for a later moment: this one was
      // replaced when a sooner deadline came, and goes without another.
      if (st.alarm && now < *st.alarm)
        return;
      st.alarm.reset();
      while (!st.lapses.empty() && st.lapses.top().first <= now) {
        auto id = st.lapses.top().second;
        st.lapses.pop();
        auto i = st.reservations.find(id);
        if (i != st.reservations.end() && i->second.state == hold_state::held && overdue(self, i->second))
          lapse(self, i->second);
      }
      set_alarm(self);
    },
    [=](atom::expire, int64_t id) {
      auto& st = self->state;
      auto i = st.reservations.find(id);
      if (i != st.reservations.end() && i->second.state == hold_state::expired
          && st.occupant[static_cast<size_t>(i->second.seat - 1)] == id)
        release_lapsed(self, id);
    },
    [=](atom::publish) {
      self->state.publish_queued = false;
      publish_seats(self);
    },
    [=](atom::recover, const std::vector<reservation_view>& rows) {
      for (const auto& row : rows)
        recover_reservation(self, row);
      publish_seats(self);
      return static_cast<int32_t>(rows.size());
    },
  };
}

} // namespace concert
