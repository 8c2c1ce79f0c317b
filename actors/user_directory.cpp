#include "actors/user_directory.hpp"

#include <algorithm>

#include <caf/send.hpp>

#include "actors/errors.hpp"
#include "actors/timeouts.hpp"
#include "actors/wallet.hpp"
#include "support/log.hpp"
#include "support/metrics.hpp"
#include "support/user_key.hpp"

namespace concert {

user_directory_state::~user_directory_state() {
  for (auto& [id, known] : users)
    caf::anon_send_exit(known.wallet, caf::exit_reason::user_shutdown);
}

namespace {

using self_pointer = observed_pointer<user_directory_actor, user_directory_state>;

/// Buckets of the users' table one message of a sweep looks through, so a
/// lookup waits for a slice of the table at most, never for all of it.
constexpr size_t sweep_slice = 4096;

/// Wallets asked to stop at once. Each ask holds a response handler and a
/// timeout until its answer, so a sweep that finds a million idle wallets
/// asks them a thousand at a time.
constexpr int32_t max_offers = 1024;

bool has_key(const known_user& known, const std::string& key_hash) {
  auto given = key_digest_of(key_hash);
  return given && known.key_hash && same_secret(*given, *known.key_hash);
}

/// Hands `known` (or the error) to everyone waiting for the user.
void answer_waiters(self_pointer self, int64_t user, known_user* known, const caf::error& err) {
  auto i = self->state.loading.find(user);
  if (i == self->state.loading.end())
    return;
  auto waiters = std::move(i->second);
  self->state.loading.erase(i);
  if (known != nullptr)
    known->handed_at = self->clock().now();
  for (auto& waiter : waiters)
    waiter(known, err);
}

/// Spawns the user's wallet from the database for those waiting in
/// `loading`.
void load(self_pointer self, int64_t user) {
  self->request(self->state.stores.router, store_timeout, atom::load_v, atom::wallet_v, user)
    .then(
      [=](wallet_row& row) {
        auto& st = self->state;
        auto key_hash = key_digest_of(row.key_hash);
        auto w = self->spawn(wallet, user, std::move(row), st.max_holds, st.stores, st.catalog,
                             st.queue, st.wallet_idle);
        metrics::actors().wallets_loaded.fetch_add(1);
        auto& known = st.users[user] = known_user{w, key_hash, self->clock().now()};
        answer_waiters(self, user, &known, caf::error{});
      },
      [=](caf::error& err) { answer_waiters(self, user, nullptr, err); });
}

/// Calls `then` with the user, spawning their wallet from the database on
/// first use. Unknown users are not remembered, so a made-up id costs one
/// query and no memory.
void with_user(self_pointer self, int64_t user, user_directory_state::waiter then) {
  auto& st = self->state;
  auto i = st.users.find(user);
  if (i != st.users.end() && !i->second.retiring) {
    i->second.handed_at = self->clock().now();
    return then(&i->second, caf::error{});
  }
  auto& waiting = st.loading[user];
  waiting.push_back(std::move(then));
  if (waiting.size() == 1 && i == st.users.end())
    load(self, user);
}

/// Hands `xs...` on to `user`'s wallet, loading it first; the wallet
/// answers whoever asked the directory.
template <class Reply, class... Ts>
caf::result<Reply> hand_on(self_pointer self, int64_t user, Ts... xs) {
  auto promise = self->make_response_promise<Reply>();
  with_user(self, user, [=](const known_user* known, const caf::error& err) mutable {
    if (known != nullptr)
      promise.delegate(known->wallet, xs...);
    else
      promise.deliver(err);
  });
  return promise;
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
  auto hand_over = [=](const known_user* loaded, const caf::error& err) mutable {
    if (loaded != nullptr && has_key(*loaded, key_hash))
      promise.deliver(loaded->wallet);
    else if (err)
      promise.deliver(err);
    else
      refuse_key(promise, user, 0); // replaced meanwhile
  };
  auto known = self->state.users.find(user);
  if (known != self->state.users.end() && has_key(known->second, key_hash)) {
    with_user(self, user, hand_over);
    return promise;
  }
  if (!look_up) {
    refuse_key(promise, user, 0);
    return promise;
  }
  self->request(self->state.stores.router, store_timeout, atom::lookup_v, key_hash)
    .then(
      [=](int64_t owner) mutable {
        if (owner != user)
          return refuse_key(promise, user, owner);
        with_user(self, user, hand_over);
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
  self->request(self->state.stores.router, store_timeout, atom::create_v, std::move(user))
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
  self->request(self->state.stores.router, store_timeout, atom::rekey_v, user, key_hash)
    .then(
      [=](bool) mutable {
        if (auto i = self->state.users.find(user); i != self->state.users.end())
          i->second.key_hash = key_digest_of(key_hash);
        // Answered once the queue has ended the old token, so the edge's
        // guard refuses it before the new key is handed out.
        self->request(self->state.queue, from_peer, atom::revoke_v, user)
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

/// How often the directory sweeps for idle wallets: a wallet leaves between
/// its idle time and a quarter more after its last hand-out.
std::chrono::milliseconds sweep_interval(const user_directory_state& st) {
  return st.wallet_idle / 4;
}

/// The wallet's answer to being asked to stop. One that stopped leaves
/// the table, and is loaded anew for whoever waited meanwhile; one that
/// stayed is handed to them.
void retired(self_pointer self, int64_t user, bool stopped) {
  auto& st = self->state;
  --st.offers;
  auto i = st.users.find(user);
  if (stopped) {
    st.users.erase(i);
    metrics::actors().wallets_loaded.fetch_sub(1);
    ++st.let_go;
    if (st.loading.count(user) > 0)
      load(self, user);
  } else {
    i->second.retiring = false;
    answer_waiters(self, user, &i->second, caf::error{});
  }
  if (st.offers > 0)
    return;
  if (st.let_go > 0) {
    self->send(st.trimmer, atom::trim_v);
    st.let_go = 0;
  }
  if (st.sweeping)
    self->send(self, atom::idle_v);
}

/// Asks a wallet nobody was handed within the idle time to stop. Until it
/// answers, whoever wants the user waits (a request uses the wallet it was
/// handed within seconds, and the idle time is a minute at least, so no
/// request still holds it).
void offer_retirement(self_pointer self, int64_t user, known_user& known) {
  known.retiring = true;
  ++self->state.offers;
  self->request(known.wallet, from_peer, atom::idle_v)
    .then([=](bool stopped) { retired(self, user, stopped); },
          [=](caf::error& err) {
            // A wallet that has gone (it failed) will answer nobody again.
            retired(self, user, err == caf::sec::request_receiver_down);
          });
}

/// Looks through the next slice of the users' table for idle wallets and
/// asks them to stop. The sweep goes on in a message of its own once their
/// answers are in, so requests are served in between. A table that grows
/// meanwhile moves users between buckets; one missed now is found by the
/// next sweep.
void sweep(self_pointer self) {
  auto& st = self->state;
  auto now = self->clock().now();
  auto slice_end = std::min(st.sweep_next + sweep_slice, st.users.bucket_count());
  for (; st.sweep_next < slice_end && st.offers < max_offers; ++st.sweep_next)
    for (auto i = st.users.begin(st.sweep_next); i != st.users.end(st.sweep_next); ++i)
      if (!i->second.retiring && now - i->second.handed_at >= st.wallet_idle)
        offer_retirement(self, i->first, i->second);
  if (st.sweep_next < st.users.bucket_count()) {
    if (st.offers == 0)
      self->send(self, atom::idle_v);
    return;
  }
  st.sweeping = false;
  // A table far emptier than its buckets gives them back.
  if (st.users.bucket_count() > 4 * st.users.size() + sweep_slice)
    st.users.rehash(0);
}

void start_sweep(self_pointer self) {
  auto& st = self->state;
  self->delayed_send(self, sweep_interval(st), atom::tick_v);
  if (st.sweeping)
    return;
  st.sweeping = true;
  st.sweep_next = 0;
  sweep(self);
}

} // namespace

user_directory_actor::behavior_type
user_directory(observed_pointer<user_directory_actor, user_directory_state> self, store_handles stores,
               catalog_actor catalog, queue_actor queue, memory_trimmer_actor trimmer,
               int32_t max_holds, std::chrono::milliseconds wallet_idle) {
  auto& st = self->state;
  st.stores = std::move(stores);
  st.catalog = std::move(catalog);
  st.queue = std::move(queue);
  st.trimmer = std::move(trimmer);
  st.max_holds = max_holds;
  st.wallet_idle = wallet_idle;
  if (wallet_idle.count() > 0)
    self->delayed_send(self, sweep_interval(st), atom::tick_v);
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
    [=](atom::tick) { start_sweep(self); },
    [=](atom::idle) { sweep(self); },
    [=](atom::hold hold, int64_t user, const std::string& date, int32_t seat,
        const idempotency_claim& claim) {
      return hand_on<keyed<reservation_view>>(self, user, hold, date, seat, claim);
    },
    [=](atom::get get, int64_t user, int64_t id) {
      return hand_on<reservation_view>(self, user, get, id);
    },
    [=](atom::cancel cancel, int64_t user, int64_t id) {
      return hand_on<reservation_view>(self, user, cancel, id);
    },
    [=](atom::pay pay, int64_t user, const std::string& token, const std::vector<int64_t>& ids,
        const idempotency_claim& claim) {
      return hand_on<keyed<payment_view>>(self, user, pay, token, ids, claim);
    },
    [=](atom::idempotent idempotent, int64_t user, const idempotency_claim& claim) {
      return hand_on<stored_answer>(self, user, idempotent, claim);
    },
  };
}

} // namespace concert
