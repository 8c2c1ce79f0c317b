#include "actors/user_directory.hpp"

#include "actors/errors.hpp"
#include "actors/timeouts.hpp"
#include "actors/wallet.hpp"
#include "support/log.hpp"
#include "support/user_key.hpp"

namespace concert {

namespace {

using self_pointer = observed_pointer<user_directory_actor, user_directory_state>;

/// Calls `then` with the user, spawning their wallet from the database on
/// first use. Unknown users are not remembered, so a made-up id costs one
/// query and no memory.
void with_user(self_pointer self, int64_t user, user_directory_state::waiter then) {
  auto& st = self->state;
  if (auto i = st.users.find(user); i != st.users.end()) {
    i->second.handed_at = self->clock().now();
    return then(&i->second, caf::error{});
  }
  auto& waiting = st.loading[user];
  waiting.push_back(std::move(then));
  if (waiting.size() > 1)
    return;
  self->request(st.store, store_timeout, atom::load_v, atom::wallet_v, user)
    .then(
      [=](wallet_row& row) {
        auto& st = self->state;
        auto key_hash = row.key_hash;
        auto w = self->spawn(wallet, user, std::move(row), st.max_holds, st.store, st.catalog,
                             st.queue, caf::actor_cast<user_directory_actor>(self),
                             st.wallet_idle);
        self->link_to(w);
        auto& known = st.users[user] = known_user{w, std::move(key_hash), self->clock().now()};
        auto waiters = std::move(st.loading[user]);
        st.loading.erase(user);
        for (auto& waiter : waiters)
          waiter(&known, caf::error{});
      },
      [=](caf::error& err) {
        auto waiters = std::move(self->state.loading[user]);
        self->state.loading.erase(user);
        for (auto& waiter : waiters)
          waiter(nullptr, err);
      });
}

/// Refuses a key that is not `user`'s: 403 when it is `owner`'s, 401 when
/// it is nobody's (`owner` 0).
void refuse_key(caf::typed_response_promise<wallet_actor> promise,
                int64_t user, int64_t owner) {
  if (owner == 0)
    promise.deliver(make_error(ec::user_key_invalid, "the key is nobody's"));
  else
    promise.deliver(make_error(ec::forbidden, "the key is not user " + std::to_string(user) + "'s"));
}

/// The user's wallet when the key is theirs. A loaded user's key is checked
/// in memory; otherwise the key is looked up first, so a wrong key loads
/// no wallet, and an unknown user costs what a known one does. Without
/// `look_up`, only the memory is asked.
caf::result<wallet_actor> authenticate(self_pointer self, int64_t user, std::string key_hash,
                                       bool look_up) {
  auto promise = self->make_response_promise<wallet_actor>();
  auto known = self->state.users.find(user);
  if (known != self->state.users.end() && same_secret(known->second.key_hash, key_hash)) {
    known->second.handed_at = self->clock().now();
    promise.deliver(known->second.wallet);
    return promise;
  }
  if (!look_up) {
    refuse_key(promise, user, 0);
    return promise;
  }
  self->request(self->state.store, store_timeout, atom::lookup_v, key_hash)
    .then(
      [=](int64_t owner) mutable {
        if (owner != user)
          return refuse_key(promise, user, owner);
        with_user(self, user, [=](const known_user* loaded, const caf::error& err) mutable {
          if (loaded != nullptr && same_secret(loaded->key_hash, key_hash))
            promise.deliver(loaded->wallet);
          else if (err)
            promise.deliver(err);
          else
            refuse_key(promise, user, 0); // replaced meanwhile
        });
      },
      [=](caf::error& err) mutable {
        if (err == make_error(ec::user_key_invalid))
          refuse_key(promise, user, 0);
        else
          promise.deliver(std::move(err));
      });
  return promise;
}

caf::result<created_user> create(self_pointer self, new_user user) {
  auto key = new_user_key();
  user.key_hash = user_key_hash(key);
  auto promise = self->make_response_promise<created_user>();
  self->request(self->state.store, store_timeout, atom::create_v, std::move(user))
    .then([=](const user_record& record) mutable { promise.deliver(created_user{record, key}); },
          [=](caf::error& err) mutable { promise.deliver(std::move(err)); });
  return promise;
}

/// A new key, durable before it is shown; the old one fails from then on,
/// and so does a queue token that may have been taken with it.
caf::result<user_credentials> rekey(self_pointer self, int64_t user) {
  auto key = new_user_key();
  auto key_hash = user_key_hash(key);
  auto promise = self->make_response_promise<user_credentials>();
  self->request(self->state.store, store_timeout, atom::rekey_v, user, key_hash)
    .then(
      [=](bool) mutable {
        if (auto i = self->state.users.find(user); i != self->state.users.end())
          i->second.key_hash = key_hash;
        // Answered once the queue has ended the old token, so the edge's
        // guard refuses it before the new key is handed out.
        self->request(self->state.queue, peer_timeout, atom::revoke_v, user)
          .then([=](bool) mutable { promise.deliver(user_credentials{user, key}); },
                [=](caf::error& err) mutable {
                  // The new key is stored: the caller must have it. The old
                  // token is EXPIRED in the database, which the queue
                  // answers from once it has forgotten it.
                  log::error("a key reset's token not ended in the queue",
                             {{"user", user}, {"error", caf::to_string(err)}});
                  promise.deliver(user_credentials{user, key});
                });
      },
      [=](caf::error& err) mutable { promise.deliver(std::move(err)); });
  return promise;
}

/// Lets an idle wallet go unless it was handed to anyone within its idle
/// time. A request uses the wallet it was handed within its own deadline
/// (seconds), far below the idle time (a minute at least), so no request
/// can find the wallet gone; the next one loads it again.
void retire(self_pointer self, int64_t user) {
  auto i = self->state.users.find(user);
  if (i == self->state.users.end()
      || caf::actor_cast<caf::strong_actor_ptr>(i->second.wallet) != self->current_sender()
      || self->clock().now() - i->second.handed_at < self->state.wallet_idle)
    return;
  auto wallet = i->second.wallet;
  self->state.users.erase(i);
  self->unlink_from(wallet);
  self->send(wallet, atom::idle_v);
  self->send(self->state.trimmer, atom::trim_v);
}

} // namespace

user_directory_actor::behavior_type
user_directory(observed_pointer<user_directory_actor, user_directory_state> self, store_actor store,
               catalog_actor catalog, queue_actor queue, memory_trimmer_actor trimmer,
               int32_t max_holds, std::chrono::milliseconds wallet_idle) {
  auto& st = self->state;
  st.store = std::move(store);
  st.catalog = std::move(catalog);
  st.queue = std::move(queue);
  st.trimmer = std::move(trimmer);
  st.max_holds = max_holds;
  st.wallet_idle = wallet_idle;
  return {
    [=](atom::create, const new_user& user) { return create(self, user); },
    [=](atom::lookup, int64_t user) -> caf::result<wallet_actor> {
      auto promise = self->make_response_promise<wallet_actor>();
      with_user(self, user, [=](const known_user* known, const caf::error& err) mutable {
        if (known != nullptr)
          promise.deliver(known->wallet);
        else
          promise.deliver(err);
      });
      return promise;
    },
    [=](atom::authenticate, int64_t user, const std::string& key_hash, bool look_up) {
      return authenticate(self, user, key_hash, look_up);
    },
    [=](atom::rekey, int64_t user) { return rekey(self, user); },
    [=](atom::idle, int64_t user) { retire(self, user); },
  };
}

} // namespace concert
