#include "actors/catalog.hpp"

#include <memory>

#include "actors/errors.hpp"
#include "actors/seat_manager.hpp"
#include "actors/timeouts.hpp"
#include "actors/view_json.hpp"
#include "support/log.hpp"

namespace concert {

namespace {

using self_pointer = observed_pointer<catalog_actor, catalog_state>;

/// The date's count of AVAILABLE seats as its seat board shows it now.
int32_t available_now(const catalog_entry& entry) {
  auto seats = entry.board->latest();
  return seats != nullptr ? seats->available : entry.available;
}

std::vector<date_summary> dates_of(const catalog_state& st) {
  std::vector<date_summary> dates;
  for (const auto& [date, entry] : st.concerts)
    if (auto available = available_now(entry); available > 0)
      dates.push_back({date, entry.concert.title, entry.concert.total_seats, available});
  return dates;
}

/// Encodes the entry's line of the dates list after its count changed.
void relist(catalog_entry& entry) {
  const auto& c = entry.concert;
  entry.listed = json_text(encode(date_summary{c.date, c.title, c.total_seats, entry.available}));
}

/// Publishes the dates list with every board's count. The flag is
/// cleared before the boards are read, by an exchange: one that takes a
/// seat manager's `true` sees the board it published before setting it,
/// and a seat manager that sets it after sends another count message.
void publish_dates(self_pointer self) {
  auto& st = self->state;
  st.publish_queued = false;
  st.counts_changed->exchange(false, std::memory_order_acq_rel);
  std::vector<const std::string*> listed;
  listed.reserve(st.concerts.size());
  for (auto& [date, entry] : st.concerts) {
    if (auto available = available_now(entry); available != entry.available) {
      entry.available = available;
      relist(entry);
    }
    if (entry.available > 0)
      listed.push_back(&entry.listed);
  }
  st.published->dates.publish(std::make_shared<std::string>(dates_text(listed)));
}

/// Publishes every date's seat board, by date, and the dates list.
void publish_concerts(self_pointer self) {
  auto& st = self->state;
  auto index = std::make_shared<concert_index>();
  for (const auto& [date, entry] : st.concerts)
    (*index)[date] = entry.board;
  st.published->concerts.publish(std::move(index));
  publish_dates(self);
}

/// Spawns the date's seat manager with a board of its own; published by
/// the caller (publish_concerts), once for many.
catalog_entry& add_concert(self_pointer self, const concert_info& c) {
  auto& st = self->state;
  auto board = std::make_shared<seat_board>();
  auto seats = self->spawn(seat_manager, c, st.hold_duration, st.stores.writer_of(c.date),
                           caf::actor_cast<catalog_actor>(self), st.counts_changed, board);
  self->link_to(seats);
  auto& entry = st.concerts[c.date] = catalog_entry{c, seats, std::move(board), c.total_seats, {}};
  relist(entry);
  return entry;
}

caf::result<concert_info> create(self_pointer self, const concert_info& c) {
  auto& st = self->state;
  if (st.concerts.count(c.date) > 0 || st.being_written.count(c.date) > 0)
    return make_error(ec::date_exists, "a concert on " + c.date + " exists already");
  st.being_written.insert(c.date);
  auto promise = self->make_response_promise<concert_info>();
  self->request(st.stores.router, store_timeout, atom::create_v, c)
    .then(
      [=](const concert_info& created) mutable {
        self->state.being_written.erase(created.date);
        add_concert(self, created);
        publish_concerts(self);
        promise.deliver(created);
      },
      [=](caf::error& err) mutable {
        self->state.being_written.erase(c.date);
        promise.deliver(std::move(err));
      });
  return promise;
}

/// Hands each date its live reservations, `rows` sorted by date, and
/// answers once every seat manager has taken its share.
void hand_out(self_pointer self, const std::vector<reservation_view>& rows,
              caf::typed_response_promise<int32_t> promise, int32_t concerts) {
  auto& concerts_by_date = self->state.concerts;
  auto remaining = std::make_shared<size_t>(concerts_by_date.size());
  auto next = rows.begin();
  for (auto& [date, entry] : concerts_by_date) {
    for (; next != rows.end() && next->date < date; ++next)
      log::error("a live reservation of no concert was not recovered",
                 {{"reservation", next->reservation_id}, {"date", next->date}});
    auto end = next;
    while (end != rows.end() && end->date == date)
      ++end;
    self->request(entry.seats, store_timeout, atom::recover_v,
                  std::vector<reservation_view>(next, end))
      .then(
        [=](int32_t) mutable {
          // Each seat manager published its board before its reply: the
          // dates list is published with every count before recovery ends.
          if (--*remaining == 0) {
            publish_dates(self);
            promise.deliver(concerts);
          }
        },
        [=](caf::error& err) mutable { promise.deliver(std::move(err)); });
    next = end;
  }
}

/// Spawns a seat manager per stored concert, loads every live reservation
/// in one pass and hands each date its own; answers once every seat
/// manager has rebuilt its seats.
caf::result<int32_t> recover(self_pointer self) {
  auto promise = self->make_response_promise<int32_t>();
  auto failed = [=](caf::error& err) mutable { promise.deliver(std::move(err)); };
  self->request(self->state.stores.router, store_timeout, atom::load_v, atom::concerts_v)
    .then(
      [=](const std::vector<concert_info>& loaded) mutable {
        auto count = static_cast<int32_t>(loaded.size());
        if (loaded.empty()) {
          promise.deliver(count);
          return;
        }
        for (const auto& c : loaded)
          add_concert(self, c);
        publish_concerts(self);
        self->request(self->state.stores.router, store_timeout, atom::load_v, atom::reservations_v)
          .then([=](const std::vector<reservation_view>& rows) mutable {
                  hand_out(self, rows, promise, count);
                },
                failed);
      },
      failed);
  return promise;
}

} // namespace

catalog_actor::behavior_type catalog(observed_pointer<catalog_actor, catalog_state> self,
                                     store_handles stores, std::chrono::milliseconds hold_duration,
                                     published_ptr published) {
  self->state.stores = std::move(stores);
  self->state.published = std::move(published);
  publish_dates(self);
  self->state.hold_duration = hold_duration;
  return {
    [=](atom::create, const concert_info& c) { return create(self, c); },
    [=](atom::recover) { return recover(self); },
    [=](atom::get, atom::dates) { return dates_of(self->state); },
    [=](atom::lookup, const std::string& date) -> caf::result<seat_manager_actor> {
      auto i = self->state.concerts.find(date);
      if (i == self->state.concerts.end())
        return make_error(ec::date_not_found, "no concert on " + date);
      return i->second.seats;
    },
    [=](atom::count) {
      publish_within(self, self->state.publish_queued, dates_publish_delay);
    },
    [=](atom::publish) { publish_dates(self); },
    [=](atom::ping ping) -> caf::result<bool> { return self->delegate(self->state.stores.router, ping); },
  };
}

} // namespace concert
