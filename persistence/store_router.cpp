#include "persistence/store_router.hpp"

#include "persistence/store.hpp"

namespace concert {

namespace {

struct router_state {
  static inline const char* name = "store_router";
  std::vector<store_actor> writers;
  store_actor reader;

  template <class Key>
  const store_actor& writer_of(const Key& key) const {
    return writers[shard_of(key, writers.size())];
  }

  /// Admissions span many users, so every queue write goes through one,
  /// and so do key changes, which end the user's queue token.
  const store_actor& queue_writer() const {
    return writers.front();
  }
};

using router_pointer = store_actor::stateful_pointer<router_state>;

store_actor::behavior_type store_router(router_pointer self, std::vector<store_actor> writers,
                                        store_actor reader) {
  for (const auto& store : writers)
    self->link_to(store);
  self->link_to(reader);
  self->state.writers = std::move(writers);
  self->state.reader = std::move(reader);
  auto& st = self->state;
  return {
    [=, &st](atom::create create, const new_user& user) {
      return self->delegate(st.writer_of(user.key_hash), create, user);
    },
    [=, &st](atom::rekey rekey, int64_t user, const std::string& key_hash) {
      // With the queue's writes: a token issued with the old key just
      // before must be written first, so that the rekey ends it.
      return self->delegate(st.queue_writer(), rekey, user, key_hash);
    },
    [=, &st](atom::lookup lookup, const std::string& key_hash) {
      return self->delegate(st.reader, lookup, key_hash);
    },
    [=, &st](atom::create create, const concert_info& c) {
      return self->delegate(st.writer_of(c.date), create, c);
    },
    [=, &st](atom::load load, atom::concerts what) {
      return self->delegate(st.reader, load, what);
    },
    [=, &st](atom::create create, const std::string& token, int64_t user) {
      return self->delegate(st.queue_writer(), create, token, user);
    },
    [=, &st](atom::admit admit, const std::vector<admission>& admitted) {
      return self->delegate(st.queue_writer(), admit, admitted);
    },
    [=, &st](atom::expire expire, const std::string& token) {
      return self->delegate(st.queue_writer(), expire, token);
    },
    [=, &st](atom::load load, atom::tokens what) {
      return self->delegate(st.reader, load, what);
    },
    [=, &st](atom::update update, const queue_status& controls) {
      return self->delegate(st.queue_writer(), update, controls);
    },
    [=, &st](atom::load load, atom::status what) {
      return self->delegate(st.reader, load, what);
    },
    [=, &st](atom::load load, atom::tokens what, const std::string& token) {
      return self->delegate(st.reader, load, what, token);
    },
    [=, &st](atom::load load, atom::wallet what, int64_t user) {
      return self->delegate(st.reader, load, what, user);
    },
    [=, &st](atom::charge charge, const new_charge& c) {
      return self->delegate(st.writer_of(c.user_id), charge, c);
    },
    [=, &st](atom::idempotent idempotent, const std::string& scope, int64_t user,
             const std::string& key) {
      return self->delegate(st.reader, idempotent, scope, user, key);
    },
    [=, &st](atom::idempotent idempotent, const idempotency_claim& claim, int32_t status,
             const std::string& body) {
      // A refusal's record changes nothing else, so it needs no writer.
      return self->delegate(st.reader, idempotent, claim, status, body);
    },
    [=, &st](atom::load load, atom::payments what, int64_t user) {
      return self->delegate(st.reader, load, what, user);
    },
    // Seat managers and wallets send holds, releases, charges and payments
    // straight to their writer (store_handles); those reach the router
    // only from whoever holds it alone, as tests do.
    [=, &st](atom::create create, const new_hold& hold) {
      return self->delegate(st.writer_of(hold.date), create, hold);
    },
    [=, &st](atom::release release, const hold_release& change) {
      return self->delegate(st.writer_of(change.date), release, change);
    },
    [=, &st](atom::load load, atom::reservations what) {
      return self->delegate(st.reader, load, what);
    },
    [=, &st](atom::load load, atom::reservations what, const std::vector<int64_t>& ids) {
      return self->delegate(st.reader, load, what, ids);
    },
    [=, &st](atom::pay pay, const payment_order& order) {
      return self->delegate(st.writer_of(order.user_id), pay, order);
    },
    [=, &st](atom::flush) {},
    [=, &st](atom::ping ping) { return self->delegate(st.reader, ping); },
  };
}

} // namespace

store_handles spawn_store(caf::actor_system& system, const std::string& database_url,
                          size_t writers) {
  std::vector<store_actor> stores;
  for (size_t i = 0; i < writers; ++i)
    stores.push_back(system.spawn<caf::detached>(store, database_url));
  auto reader = system.spawn<caf::detached>(store, database_url);
  auto router = system.spawn(store_router, stores, std::move(reader));
  return {std::move(router), std::move(stores)};
}

} // namespace concert
