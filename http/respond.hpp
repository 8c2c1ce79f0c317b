#pragma once

#include <exception>

#include <caf/error.hpp>
#include <nlohmann/json.hpp>

#include "http/message.hpp"
#include "http/request_log.hpp"

namespace concert::http {

/// Writes a JSON body with `status`.
void send_json(response& res, int status, const nlohmann::json& body);

/// Writes a body that is JSON text already (a published snapshot) with `status`.
void send_encoded(response& res, int status, std::string body);

/// Writes the problem for `err`, with Retry-After when the error carries
/// one; server-side failures are logged in full, since the client sees
/// only a generic detail.
void send_error(const request& req, response& res, const request_context& context,
                const caf::error& err);

/// The last resort for anything a request threw: logged with the request
/// id, answered as a 500 problem. It cannot throw itself.
void send_failure(const request& req, response& res, const request_context& context,
                  std::exception_ptr failure) noexcept;

} // namespace concert::http
