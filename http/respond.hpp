#pragma once

#include <exception>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "actors/view_json.hpp"

namespace concert::http {

/// Writes a JSON body with `status`.
void send_json(httplib::Response& res, int status, const nlohmann::json& body);

/// Writes the problem for `err`, with Retry-After when the error carries
/// one; server-side failures are logged in full, since the client sees
/// only a generic detail.
void send_error(const httplib::Request& req, httplib::Response& res, const caf::error& err);

/// The last resort for anything a request threw: logged with the request
/// id, answered as a 500 problem. It cannot throw itself.
void send_failure(const httplib::Request& req, httplib::Response& res,
                  std::exception_ptr failure) noexcept;

/// Writes `encode(*outcome)` with `status`, or the problem for its error.
template <class T>
void reply(const httplib::Request& req, httplib::Response& res, int status,
           const caf::expected<T>& outcome) {
  if (outcome)
    send_json(res, status, encode(*outcome));
  else
    send_error(req, res, outcome.error());
}

} // namespace concert::http
