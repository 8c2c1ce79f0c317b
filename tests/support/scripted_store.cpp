#include "tests/support/scripted_store.hpp"

#include <algorithm>

#include "actors/errors.hpp"
#include "actors/view_json.hpp"

namespace concert::testing {

namespace {

/// Answers `value` now or at the next flush, as the script says.
template <class T>
caf::typed_response_promise<T> write(store_actor::pointer self,
                                     const std::shared_ptr<store_script>& script, T value) {
  auto promise = self->make_response_promise<T>();
  auto answer = [promise, value](const caf::error& failure) mutable {
    if (failure)
      promise.deliver(failure);
    else
      promise.deliver(value);
  };
  if (script->commit_at_once)
    answer(script->commit_failure);
  else
    script->waiting.push_back(answer);
  return promise;
}

} // namespace

store_actor::behavior_type scripted_store(store_actor::pointer self,
                                          std::shared_ptr<store_script> script) {
  return {
    [=](atom::create, const new_user&) {
      return write(self, script, user_record{1, 0});
    },
    [=](atom::rekey, int64_t, const std::string&) { return write(self, script, true); },
    [=](atom::lookup, const std::string&) -> caf::result<int64_t> {
      return make_error(ec::user_key_invalid);
    },
    [=](atom::create, const concert_info& c) {
      ++script->concert_creates;
      return write(self, script, c);
    },
    [=](atom::load, atom::concerts) { return script->concerts; },
    [=](atom::create, const std::string& token, int64_t user) {
      script->tokens_written.push_back(token);
      script->tokens.push_back({token, user, "WAITING", 0});
      return write(self, script, true);
    },
    [=](atom::admit, const std::vector<admission>& admitted) {
      for (const auto& a : admitted)
        for (auto& row : script->tokens)
          if (row.token == a.token)
            row = {row.token, row.user_id, "ACTIVE", a.expires_at};
      return write(self, script, true);
    },
    [=](atom::expire, const std::string& token) {
      script->tokens_expired.push_back(token);
      for (auto& row : script->tokens)
        if (row.token == token)
          row.status = "EXPIRED";
      return write(self, script, true);
    },
    [=](atom::load, atom::tokens) {
      std::vector<token_row> live;
      for (const auto& row : script->tokens)
        if (row.status != "EXPIRED")
          live.push_back(row);
      return live;
    },
    [=](atom::update, const queue_status& controls) {
      script->controls = stored_controls{true, controls.paused, controls.batch_size,
                                         controls.interval_ms};
      return write(self, script, true);
    },
    [=](atom::load, atom::status) { return script->controls; },
    [=](atom::load, atom::tokens, const std::string& token) -> caf::result<token_row> {
      ++script->token_loads;
      for (const auto& row : script->tokens)
        if (row.token == token)
          return row;
      return make_error(ec::token_not_found);
    },
    [=](atom::load, atom::wallet, int64_t user) -> caf::result<wallet_row> {
      ++script->wallet_loads;
      auto i = script->wallets.find(user);
      if (i == script->wallets.end())
        return make_error(ec::user_not_found);
      return i->second;
    },
    [=](atom::charge, const new_charge& c) {
      auto& balance = script->wallets[c.user_id].balance;
      balance += c.amount;
      return write(self, script, balance);
    },
    [=](atom::idempotent, const std::string& scope, int64_t user, const std::string& key) {
      auto i = script->answers.find({scope, user, key});
      return i == script->answers.end() ? stored_answer{} : i->second;
    },
    [=](atom::idempotent, const idempotency_claim& claim, int32_t status, const std::string& body) {
      auto at = std::make_tuple(claim.scope, claim.user_id, claim.key);
      if (script->stored_meanwhile)
        script->answers.emplace(at, *std::exchange(script->stored_meanwhile, std::nullopt));
      return script->answers.emplace(at, stored_answer{true, claim.request, status, body})
        .first->second;
    },
    [=](atom::load, atom::payments, int64_t) { return std::vector<payment_view>{}; },
    [=](atom::create, const new_hold& hold) {
      script->holds_written.push_back(hold);
      auto id = script->next_reservation_id++;
      reservation_view made{id, hold.user_id, hold.date, hold.seat, hold.price, "HELD", hold.expires_at};
      script->wallets[hold.user_id].reservations.push_back(made);
      // As the database does: the key's answer commits with the write.
      if (!hold.claim.key.empty())
        script->answers[{hold.claim.scope, hold.claim.user_id, hold.claim.key}] =
          stored_answer{true, hold.claim.request, 201, encode(made).dump()};
      return write(self, script, id);
    },
    [=](atom::release, const hold_release& change) {
      script->releases_written.push_back(change);
      for (auto& [user, wallet] : script->wallets)
        for (auto& r : wallet.reservations)
          if (r.reservation_id == change.reservation_id)
            r.status = change.status;
      return write(self, script, true);
    },
    [=](atom::load, atom::reservations, const std::vector<int64_t>& ids) {
      std::vector<reservation_view> found;
      for (const auto& [user, wallet] : script->wallets)
        for (const auto& r : wallet.reservations)
          if (std::find(ids.begin(), ids.end(), r.reservation_id) != ids.end())
            found.push_back(r);
      return found;
    },
    [=](atom::load, atom::reservations) { return script->live_reservations; },
    [=](atom::pay, const payment_order& order) {
      script->payments_written.push_back(order);
      for (auto& row : script->tokens)
        if (row.token == order.token)
          row.status = "EXPIRED";
      return write(self, script,
                   payment_view{script->next_payment_id++, order.user_id, order.amount, 0,
                                order.paid_at, order.items});
    },
    [=](atom::flush) {
      auto waiting = std::move(script->waiting);
      script->waiting.clear();
      for (auto& answer : waiting)
        answer(script->commit_failure);
    },
    [=](atom::ping) { return true; },
  };
}

} // namespace concert::testing
