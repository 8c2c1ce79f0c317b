#include "http/json_codec.hpp"

#include <cstdint>
#include <limits>
#include <optional>

#include "actors/errors.hpp"
#include "support/time.hpp"

namespace concert::http {

namespace {

using nlohmann::json;

caf::error invalid(const std::string& detail) {
  return make_error(ec::invalid_request, detail);
}

caf::expected<json> parse_object(const std::string& body) {
  if (body.empty())
    return json::object();
  auto parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded())
    return invalid("the body is not valid JSON");
  if (!parsed.is_object())
    return invalid("the body must be a JSON object");
  return parsed;
}

/// The value as an int64 if it is a JSON integer that fits (5.0 is not one).
std::optional<int64_t> as_int64(const json& value) {
  if (value.is_number_unsigned()) {
    auto u = value.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (value.is_number_integer())
    return value.get<int64_t>();
  return std::nullopt;
}

/// Characters as PostgreSQL's char_length counts them in UTF-8.
size_t character_count(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80;
  return n;
}

caf::expected<std::string> required_text(const json& body, const char* field, size_t max_chars) {
  auto i = body.find(field);
  auto rule = std::string{field} + ": must be a string of 1 to " + std::to_string(max_chars)
              + " characters";
  if (i == body.end() || !i->is_string())
    return invalid(rule);
  auto text = i->get<std::string>();
  auto n = character_count(text);
  if (n < 1 || n > max_chars)
    return invalid(rule);
  return text;
}

caf::expected<int64_t> required_integer(const json& body, const char* field, int64_t min,
                                        int64_t max) {
  auto i = body.find(field);
  auto value = i == body.end() ? std::nullopt : as_int64(*i);
  if (!value || *value < min || *value > max)
    return invalid(std::string{field} + ": must be an integer from " + std::to_string(min)
                   + " to " + std::to_string(max));
  return *value;
}

} // namespace

caf::expected<new_user> decode_new_user(const std::string& body) {
  auto object = parse_object(body);
  if (!object)
    return object.error();
  auto i = object->find("name");
  if (i == object->end() || i->is_null())
    return new_user{};
  auto name = required_text(*object, "name", 100);
  if (!name)
    return name.error();
  return new_user{std::move(*name)};
}

caf::expected<concert_info> decode_concert(const std::string& body) {
  auto object = parse_object(body);
  if (!object)
    return object.error();
  auto date = object->find("date");
  if (date == object->end() || !date->is_string() || !is_calendar_date(date->get<std::string>()))
    return invalid("date: must be a calendar date as YYYY-MM-DD");
  auto title = required_text(*object, "title", 200);
  if (!title)
    return title.error();
  auto seats = required_integer(*object, "seats", 1, 10000);
  if (!seats)
    return seats.error();
  auto price = required_integer(*object, "price", 0, 1000000000);
  if (!price)
    return price.error();
  return concert_info{date->get<std::string>(), std::move(*title), static_cast<int32_t>(*seats),
                      *price};
}

nlohmann::json encode(const user_record& user) {
  return {{"userId", user.user_id}, {"balance", user.balance}};
}

nlohmann::json encode(const concert_info& concert) {
  return {{"date", concert.date},
          {"title", concert.title},
          {"totalSeats", concert.total_seats},
          {"price", concert.price}};
}

} // namespace concert::http
