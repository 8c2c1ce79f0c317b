#pragma once

#include "http/router.hpp"
#include "http/services.hpp"

namespace concert::http {

/// The public API (API.md, "Public API"). `s` must outlive the router.
router public_routes(const services& s);

} // namespace concert::http
