#pragma once

#include "http/router.hpp"
#include "http/services.hpp"

namespace concert::http {

/// The admin API (API.md, "Admin API"). `s` must outlive the router.
router admin_routes(const services& s);

} // namespace concert::http
