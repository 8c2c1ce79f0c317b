#pragma once

#include <string>

#include <caf/error.hpp>

namespace concert {

/// An RFC 9457 problem: what the client is told about a failure. The actors
/// need it too: a refusal under an Idempotency-Key is stored as its answer.
struct problem {
  int status = 500;
  std::string code;
  std::string detail;
};

/// The one mapping from errors (ours and CAF's) to what the client sees.
/// Unexpected errors become 500 with a generic detail; the caller logs the
/// full error.
problem problem_for(const caf::error& err);

/// The problem for a status the edge answers on its own (400, 413, ...).
problem problem_for_status(int status);

/// The problem+json text of `p`.
std::string problem_body(const problem& p);

/// The standard reason phrase of a status, used as the problem's title.
const char* reason_phrase(int status);

} // namespace concert
