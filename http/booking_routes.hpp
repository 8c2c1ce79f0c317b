#pragma once

#include "http/router.hpp"
#include "http/services.hpp"

namespace concert::http {

/// The token-guarded routes: concerts, reservations, payments. Each checks
/// `X-Queue-Token` before anything else.
void add_booking_routes(router& routes, const services& s);

} // namespace concert::http
