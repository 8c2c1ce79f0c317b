#pragma once

#include <string>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/messages.hpp"

/// Request bodies to messages, with every rule of API.md checked, and
/// messages to response bodies. Failures are ec::invalid_request with a
/// detail that names the field.
namespace concert::http {

/// `{"name": "kim"}`, the name optional; an empty body is `{}`.
caf::expected<new_user> decode_new_user(const std::string& body);

/// `{"date": "2026-12-24", "title": "...", "seats": 50, "price": 10000}`.
caf::expected<concert_info> decode_concert(const std::string& body);

nlohmann::json encode(const user_record& user);

/// The admin view of a created concert.
nlohmann::json encode(const concert_info& concert);

} // namespace concert::http
