#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/messages.hpp"

/// The JSON shape API.md gives each view. The HTTP edge answers with it, and
/// the store keeps it as the answer to an Idempotency-Key, so a replay is
/// the first answer to the byte.
namespace concert {

nlohmann::json encode(const user_record& user);
nlohmann::json encode(const created_user& user);
nlohmann::json encode(const user_credentials& credentials);
/// The admin view of a created concert.
nlohmann::json encode(const concert_info& concert);
nlohmann::json encode(const token_view& token);
nlohmann::json encode(const queue_status& queue);
nlohmann::json encode(const reservation_view& reservation);
nlohmann::json encode(const seat_list& seats);
/// `json_text(encode(list))`, written straight into one string: a seat
/// manager publishes its list on every change.
std::string seat_list_text(const seat_list& list);
nlohmann::json encode(const date_summary& date);
nlohmann::json encode(const std::vector<date_summary>& dates);
/// The dates list's JSON text from each date's own, already encoded
/// (`json_text(encode(date))`): the same bytes as encoding the list whole.
std::string dates_text(const std::vector<const std::string*>& encoded);
nlohmann::json encode(const payment_view& payment);
nlohmann::json encode(const std::vector<payment_view>& payments);

/// A JSON body as every answer is written: compact, invalid UTF-8 replaced.
std::string json_text(const nlohmann::json& body);

} // namespace concert
