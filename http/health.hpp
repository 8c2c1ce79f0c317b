#pragma once

#include "http/router.hpp"
#include "http/services.hpp"

namespace concert::http {

/// GET /healthz: the process serves HTTP.
void add_liveness_route(router& routes);

/// GET /readyz: 200 once state is recovered and the database answers, else 503.
void add_readiness_route(router& routes, const services& s);

/// Wraps a handler so it answers 503 NOT_READY until state is recovered.
router::handler when_ready(const services& s, router::handler h);

} // namespace concert::http
