#pragma once

#include <functional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/expected.hpp>

#include "actors/actors.hpp"
#include "actors/errors.hpp"
#include "actors/problem.hpp"
#include "actors/timeouts.hpp"

namespace concert {

/// Where a write's outcome goes, once.
template <class View>
using write_done = std::function<void(caf::expected<View>)>;

/// Keys whose write is under way in an actor, by scope and key, each with
/// the requests that carry it too and wait for it to settle.
using keys_in_flight = std::unordered_map<std::string, std::vector<std::function<void()>>>;

namespace detail {

/// Reads the answer stored under the claim's key.
template <class Self>
auto stored_answer_of(Self self, const store_actor& store, const idempotency_claim& claim) {
  return self->request(store, store_timeout, atom::idempotent_v, claim.scope, claim.user_id,
                       claim.key);
}

/// Lets the requests waiting on `name` go, one after another: the first
/// finds the answer stored now (or, after a failure that stored none,
/// writes itself), and the others wait on it in turn.
inline void settle(keys_in_flight& keys, const std::string& name) {
  auto i = keys.find(name);
  if (i == keys.end())
    return;
  auto waiting = std::move(i->second);
  keys.erase(i);
  for (auto& next : waiting)
    next();
}

/// Delivers a write's outcome under a key, then `settled`. A refusal that
/// is the request's answer for good (4xx but 429) is stored under the key,
/// so a repeat gets it again; a write that lost the race for its key
/// answers with the winner's stored answer.
template <class View, class Self>
void finish_keyed(Self self, const store_actor& store, const idempotency_claim& claim,
                  caf::typed_response_promise<keyed<View>> promise, caf::expected<View> outcome,
                  std::function<void()> settled) {
  if (outcome) {
    promise.deliver(keyed<View>{{}, std::move(*outcome)});
    return settled();
  }
  auto err = std::move(outcome.error());
  auto stored_or_refused = [promise, err, settled](stored_answer& stored) mutable {
    if (stored.found)
      promise.deliver(keyed<View>{std::move(stored), {}});
    else
      promise.deliver(err);
    settled();
  };
  auto failed = [promise, err, settled](caf::error&) mutable {
    promise.deliver(err);
    settled();
  };
  if (err == make_error(ec::idempotency_conflict)) {
    stored_answer_of(self, store, claim).then(stored_or_refused, failed);
    return;
  }
  // A refusal that passes with time (429) or a failure of ours (5xx) is
  // not the request's answer for good: a retry is tried afresh.
  auto p = problem_for(err);
  if (p.status >= 500 || p.status == 429) {
    promise.deliver(err);
    return settled();
  }
  auto body = problem_body(p);
  self->request(store, store_timeout, atom::idempotent_v, claim, static_cast<int32_t>(p.status), body)
    .then(
      [=](stored_answer& stored) mutable {
        // This request's own refusal is answered as a refusal, not a replay.
        bool ours = stored.found && stored.request == claim.request && stored.status == p.status
                    && stored.body == body;
        if (ours) {
          promise.deliver(err);
          settled();
        } else {
          stored_or_refused(stored);
        }
      },
      failed);
}

/// Claims the key and runs the write under it, unless a request with the
/// same key is under way here: then this one waits for that to settle and
/// starts over, and so gets its answer from the store.
template <class View, class Self, class Write>
void claim_and_write(Self self, const store_actor& store, keys_in_flight& keys,
                     const idempotency_claim& claim,
                     caf::typed_response_promise<keyed<View>> promise, Write write) {
  auto name = claim.scope + '\n' + claim.key;
  if (auto busy = keys.find(name); busy != keys.end()) {
    busy->second.push_back(
      [=, &keys] { claim_and_write<View>(self, store, keys, claim, promise, write); });
    return;
  }
  keys[name];
  auto settled = [&keys, name] { settle(keys, name); };
  stored_answer_of(self, store, claim)
    .then(
      [=](stored_answer& stored) mutable {
        if (stored.found) {
          promise.deliver(keyed<View>{std::move(stored), {}});
          return settled();
        }
        write(write_done<View>{[=](caf::expected<View> outcome) mutable {
          finish_keyed<View>(self, store, claim, promise, std::move(outcome), settled);
        }});
      },
      [=](caf::error& err) mutable {
        promise.deliver(std::move(err));
        settled();
      });
}

} // namespace detail

/// Runs a write that may carry an Idempotency-Key (an empty key: none). A
/// key with an answer stored answers that, and `write` never runs; the
/// edge replays it, or refuses it when it was stored for another body.
/// Otherwise `write` makes its change under the claim (the store records
/// the answer in the same transaction) and calls its `write_done` once. A
/// request whose key is already under way in this actor (the same request
/// sent twice at once) waits for it and is then answered from the store,
/// so it gets the first one's answer, never a refusal of its own.
template <class View, class Self, class Write>
caf::result<keyed<View>> keyed_write(Self self, const store_actor& store, keys_in_flight& keys,
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
  detail::claim_and_write<View>(self, store, keys, claim, promise, std::move(write));
  return promise;
}

} // namespace concert
