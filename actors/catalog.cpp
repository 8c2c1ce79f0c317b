#include "actors/catalog.hpp"

#include "actors/errors.hpp"
#include "actors/timeouts.hpp"

namespace concert {

catalog_actor::behavior_type catalog(catalog_actor::stateful_pointer<catalog_state> self,
                                     store_actor store) {
  self->state.store = std::move(store);
  return {
    [=](atom::create, concert_info c) -> caf::result<concert_info> {
      auto& st = self->state;
      if (st.concerts.count(c.date) > 0 || st.being_written.count(c.date) > 0)
        return make_error(ec::date_exists, "a concert on " + c.date + " exists already");
      st.being_written.insert(c.date);
      auto promise = self->make_response_promise<concert_info>();
      self->request(st.store, store_timeout, atom::create_v, c)
        .then(
          [=](const concert_info& created) mutable {
            self->state.being_written.erase(created.date);
            self->state.concerts.emplace(created.date, created);
            promise.deliver(created);
          },
          [=](caf::error& err) mutable {
            self->state.being_written.erase(c.date);
            promise.deliver(std::move(err));
          });
      return promise;
    },
    [=](atom::recover) -> caf::result<int32_t> {
      auto promise = self->make_response_promise<int32_t>();
      self->request(self->state.store, store_timeout, atom::load_v, atom::concerts_v)
        .then(
          [=](const std::vector<concert_info>& loaded) mutable {
            for (const auto& c : loaded)
              self->state.concerts.emplace(c.date, c);
            promise.deliver(static_cast<int32_t>(self->state.concerts.size()));
          },
          [=](caf::error& err) mutable { promise.deliver(std::move(err)); });
      return promise;
    },
  };
}

} // namespace concert
