#pragma once

#include "actors/problem.hpp"
#include "http/message.hpp"

namespace concert::http {

/// Writes `p` as `application/problem+json`.
void send_problem(response& res, const problem& p);

} // namespace concert::http
