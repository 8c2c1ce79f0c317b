#include "actors/user_directory.hpp"

#include "actors/timeouts.hpp"
#include "actors/wallet.hpp"

namespace concert {

namespace {

using self_pointer = observed_pointer<user_directory_actor, user_directory_state>;

/// The user's wallet, spawned from the database on first use. Unknown users
/// are not remembered, so a made-up id costs one query and no memory.
caf::result<wallet_actor> lookup(self_pointer self, int64_t user) {
  auto& st = self->state;
  if (auto i = st.wallets.find(user); i != st.wallets.end())
    return i->second;
  auto promise = self->make_response_promise<wallet_actor>();
  auto& waiting = st.loading[user];
  waiting.push_back(promise);
  if (waiting.size() > 1)
    return promise;
  self->request(st.store, store_timeout, atom::load_v, atom::wallet_v, user)
    .then(
      [=](wallet_row& row) {
        auto& st = self->state;
        auto w = self->spawn(wallet, user, std::move(row), st.max_holds, st.store, st.catalog,
                             st.queue);
        self->link_to(w);
        st.wallets.emplace(user, w);
        for (auto& p : st.loading[user])
          p.deliver(w);
        st.loading.erase(user);
      },
      [=](caf::error& err) {
        for (auto& p : self->state.loading[user])
          p.deliver(err);
        self->state.loading.erase(user);
      });
  return promise;
}

} // namespace

user_directory_actor::behavior_type
user_directory(observed_pointer<user_directory_actor, user_directory_state> self, store_actor store,
               catalog_actor catalog, queue_actor queue, int32_t max_holds) {
  auto& st = self->state;
  st.store = std::move(store);
  st.catalog = std::move(catalog);
  st.queue = std::move(queue);
  st.max_holds = max_holds;
  return {
    [=](atom::create, const new_user& user) -> caf::result<user_record> {
      // The database assigns the id, so the answer is the store's.
      return self->delegate(self->state.store, atom::create_v, user);
    },
    [=](atom::lookup, int64_t user) { return lookup(self, user); },
  };
}

} // namespace concert
