#pragma once

#include <functional>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/errors.hpp"
#include "actors/view_json.hpp"
#include "http/exchange.hpp"
#include "http/services.hpp"

namespace concert::http {

/// Where a guarded write's outcome goes: the view it made, encoded, or why not.
using write_done = std::function<void(caf::expected<nlohmann::json>)>;

/// The write itself: makes its change under `claim` and calls `done` once.
using guarded_write = std::function<void(const idempotency_claim& claim, write_done done)>;

/// Runs a write that may carry an Idempotency-Key. A key seen before with
/// the same body answers with the stored response, with another body 422,
/// and `write` never runs. Otherwise `write` runs with the claim (its key
/// empty without the header) and its outcome is answered with `status`; a
/// refusal (4xx) is stored under the key too, so a repeat gets it again,
/// and a write that lost a race for its key answers with the winner's
/// response.
void idempotent(const services& s, const exchange_ptr& x, const char* scope, int64_t user,
                int status, guarded_write write);

/// Answers with the stored answer when the request's Idempotency-Key holds
/// one for `user` and this body; otherwise calls `not_found`, answering
/// nothing.
void replay_stored(const services& s, const exchange_ptr& x, const char* scope, int64_t user,
                   std::function<void()> not_found);

} // namespace concert::http
