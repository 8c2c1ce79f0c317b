#pragma once

#include <functional>
#include <string>

#include <caf/expected.hpp>
#include <httplib.h>

#include "actors/errors.hpp"
#include "actors/view_json.hpp"
#include "http/ask.hpp"
#include "http/services.hpp"

namespace concert::http {

/// What to do with a request that may carry an Idempotency-Key.
struct idempotency_check {
  /// The claim to pass with the write; its key is empty without the header.
  idempotency_claim claim;
  /// Set when the key has an answer already: send it and stop.
  bool answered = false;
};

/// Reads the Idempotency-Key header. A key seen before with the same body
/// answers with the stored response; with another body, 422. Otherwise the
/// caller goes on with `claim`.
idempotency_check check_idempotency(const services& s, const httplib::Request& req,
                                    httplib::Response& res, const char* scope, int64_t user);

/// Sends the outcome of a guarded write. A refusal (4xx) is stored under the
/// key too, so a repeat gets it again; a write that lost a race for its key
/// answers with the winner's response.
void finish_idempotent(const services& s, const httplib::Request& req, httplib::Response& res,
                       const idempotency_claim& claim, int status,
                       const caf::expected<nlohmann::json>& outcome);

/// check, run `write`, finish: the whole guarded write.
template <class T, class F>
void idempotent(const services& s, const httplib::Request& req, httplib::Response& res,
                const char* scope, int64_t user, int status, F write) {
  auto check = check_idempotency(s, req, res, scope, user);
  if (check.answered)
    return;
  caf::expected<T> outcome = write(check.claim);
  finish_idempotent(s, req, res, check.claim, status,
                    outcome ? caf::expected<nlohmann::json>{encode(*outcome)}
                            : caf::expected<nlohmann::json>{outcome.error()});
}

} // namespace concert::http
