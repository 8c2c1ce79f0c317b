#pragma once

#include <caf/error.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

namespace concert::http {

/// Writes a JSON body with `status`.
void send_json(httplib::Response& res, int status, const nlohmann::json& body);

/// Writes the problem for `err`; server-side failures are logged in full,
/// since the client sees only a generic detail.
void send_error(const httplib::Request& req, httplib::Response& res, const caf::error& err);

} // namespace concert::http
