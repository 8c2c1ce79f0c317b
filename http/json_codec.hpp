#pragma once

#include <string>
#include <vector>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/errors.hpp"
#include "actors/messages.hpp"
#include "actors/view_json.hpp"

/// Request bodies to messages, with every rule of API.md checked (response
/// bodies are actors/view_json.hpp). Failures are ec::invalid_request with a
/// detail that names the field.
namespace concert::http {

/// `{"name": "kim"}`, the name optional; an empty body is `{}`.
caf::expected<new_user> decode_new_user(const std::string& body);

/// `{"date": "2026-12-24", "title": "...", "seats": 50, "price": 10000}`.
caf::expected<concert_info> decode_concert(const std::string& body);

/// `{"userId": 1, "amount": 5000}`; a bad amount is ec::invalid_amount.
struct charge_request {
  int64_t user_id = 0;
  int64_t amount = 0;
};
caf::expected<charge_request> decode_charge(const std::string& body);

/// `{"userId": 1}`.
caf::expected<int64_t> decode_user_ref(const std::string& body);

/// A calendar date (`YYYY-MM-DD`) from a path segment.
caf::expected<std::string> decode_date(const std::string& text);

/// A positive id from a query parameter or path segment; `what` names it.
caf::expected<int64_t> decode_id(const std::string& text, const char* what);

/// A queue token from a header or a path: any case is read (RFC 9562), the
/// canonical lower-case form comes out; anything else is `not_a_token`.
caf::expected<std::string> decode_token(const std::string& text, ec not_a_token);

/// `{"date": "2026-12-24", "seat": 12}`.
struct hold_request {
  std::string date;
  int32_t seat = 0;
};
caf::expected<hold_request> decode_hold(const std::string& body);

/// `{"paused": true}` and/or `{"batchSize": 50, "intervalMs": 500}`.
caf::expected<queue_change> decode_queue_change(const std::string& body);

/// `{"reservationId": 7}` or `{"reservationIds": [7, 8]}`.
caf::expected<std::vector<int64_t>> decode_payment(const std::string& body);

} // namespace concert::http
