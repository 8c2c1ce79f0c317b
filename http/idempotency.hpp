#pragma once

#include <functional>

#include <caf/expected.hpp>

#include "actors/actors.hpp"
#include "http/exchange.hpp"

namespace concert::http {

/// The claim of `user`'s write in `scope` under the request's
/// Idempotency-Key, with the body in canonical form: its key empty without
/// the header, or the refusal of a malformed key. The wallet that owns the
/// write checks and records the key (actors/keyed_write.hpp).
caf::expected<idempotency_claim> claim_of(const exchange_ptr& x, const char* scope, int64_t user);

/// Answers with `stored` when it holds an answer (422 when it was stored for
/// another body) and returns true; returns false, answering nothing, when
/// it holds none.
bool answered_from_store(const exchange_ptr& x, const idempotency_claim& claim,
                         const stored_answer& stored);

/// Answers with what the claimant's wallet stored under the claim's key
/// (422 when it was stored for another body), asking through `users`;
/// otherwise calls `otherwise`, answering nothing. For requests refused
/// before they reach the write (the token has ended since, the address
/// holds its share) whose repeat must still get its answer.
void replay_or(const exchange_ptr& x, const user_directory_actor& users,
               const idempotency_claim& claim, std::function<void()> otherwise);

/// Asks `owner` (a wallet, or the directory that hands it on) for a write
/// under `claim` and answers: the view it made with `status`, after `made`
/// has seen it; or the answer stored under the key; or the refusal.
/// `not_made` runs when the write made nothing here.
template <class View, class Owner, class... Ts>
void ask_keyed(const exchange_ptr& x, const Owner& owner, const idempotency_claim& claim,
               int status, std::tuple<Ts...> write, std::function<void(View&)> made,
               std::function<void()> not_made = [] {}) {
  x->ask<keyed<View>>(
    owner, std::move(write),
    [x, claim, status, made, not_made](keyed<View>& answer) {
      if (answered_from_store(x, claim, answer.stored))
        return not_made();
      made(answer.made);
      x->reply_view(status, answer.made);
    },
    [x, not_made](caf::error& err) {
      not_made();
      x->fail(err);
    });
}

} // namespace concert::http
