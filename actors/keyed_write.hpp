#pragma once

#include <functional>
#include <utility>

#include <caf/expected.hpp>

#include "actors/actors.hpp"
#include "actors/errors.hpp"
#include "actors/problem.hpp"
#include "actors/timeouts.hpp"

namespace concert {

/// Where a write's outcome goes, once.
template <class View>
using write_done = std::function<void(caf::expected<View>)>;

namespace detail {

/// Delivers a write's outcome under a key. A refusal that is the request's
/// answer for good (4xx but 429) is stored under the key, so a repeat gets
/// it again; a write that lost the race for its key answers with the
/// winner's stored answer.
template <class View, class Self>
void finish_keyed(Self self, const store_actor& store, const idempotency_claim& claim,
                  caf::typed_response_promise<keyed<View>> promise, caf::expected<View> outcome) {
  if (outcome) {
    promise.deliver(keyed<View>{{}, std::move(*outcome)});
    return;
  }
  auto err = std::move(outcome.error());
  auto stored_or_refused = [promise, err](stored_answer& stored) mutable {
    if (stored.found)
      promise.deliver(keyed<View>{std::move(stored), {}});
    else
      promise.deliver(err);
  };
  auto failed = [promise, err](caf::error&) mutable { promise.deliver(err); };
  if (err == make_error(ec::idempotency_conflict)) {
    self->request(store, store_timeout, atom::idempotent_v, claim.scope, claim.user_id, claim.key)
      .then(stored_or_refused, failed);
    return;
  }
  // A refusal that passes with time (429) or a failure of ours (5xx) is
  // not the request's answer for good: a retry is tried afresh.
  auto p = problem_for(err);
  if (p.status >= 500 || p.status == 429) {
    promise.deliver(err);
    return;
  }
  auto body = problem_body(p);
  self->request(store, store_timeout, atom::idempotent_v, claim, static_cast<int32_t>(p.status), body)
    .then(
      [=](stored_answer& stored) mutable {
        // This request's own refusal is answered as a refusal, not a replay.
        bool ours = stored.found && stored.request == claim.request && stored.status == p.status
                    && stored.body == body;
        if (ours)
          promise.deliver(err);
        else
          stored_or_refused(stored);
      },
      failed);
}

} // namespace detail

/// Runs a write that may carry an Idempotency-Key (an empty key: none). A
/// key with an answer stored answers that, and `write` never runs; the
/// edge replays it, or refuses it when it was stored for another body.
/// Otherwise `write` makes its change under the claim (the store records
/// the answer in the same transaction) and calls its `write_done` once.
template <class View, class Self, class Write>
caf::result<keyed<View>> keyed_write(Self self, const store_actor& store,
                                     const idempotency_claim& claim, Write write) {
  auto promise = self->template make_response_promise<keyed<View>>();
  if (claim.key.empty()) {
    write(write_done<View>{[promise](caf::expected<View> outcome) mutable {
      if (outcome)
        promise.deliver(keyed<View>{{}, std::move(*outcome)});
      else
        promise.deliver(std::move(outcome.error()));
    }});
    return promise;
  }
  self->request(store, store_timeout, atom::idempotent_v, claim.scope, claim.user_id, claim.key)
    .then(
      [=](stored_answer& stored) mutable {
        if (stored.found) {
          promise.deliver(keyed<View>{std::move(stored), {}});
          return;
        }
        write(write_done<View>{[=](caf::expected<View> outcome) mutable {
          detail::finish_keyed<View>(self, store, claim, promise, std::move(outcome));
        }});
      },
      [=](caf::error& err) mutable { promise.deliver(std::move(err)); });
  return promise;
}

} // namespace concert
