#include "http/json_codec.hpp"

#include <cstdint>
#include <limits>
#include <algorithm>
#include <charconv>
#include <optional>

#include "actors/errors.hpp"
#include "support/time.hpp"
#include "support/uuid.hpp"

namespace concert::http {

namespace {

using nlohmann::json;

caf::error invalid(const std::string& detail) {
  return make_error(ec::invalid_request, detail);
}

/// Levels of nesting, the body's own object included.
constexpr int max_depth = 16;

/// The body as a JSON object. Strings anywhere in it (keys too) must not
/// hold NUL: PostgreSQL's text cannot store one, and a value cut short
/// there would differ from what was accepted. Nesting is capped, since no
/// request needs more than two levels.
caf::expected<json> parse_object(const std::string& body) {
  if (body.empty())
    return json::object();
  // The parser takes a NUL byte for the end of its input and would accept
  // whatever follows it unread.
  if (body.find('\0') != std::string::npos)
    return invalid("the body is not valid JSON");
  const char* broken = nullptr;
  auto screen = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth >= max_depth)
      broken = "the body is nested too deeply";
    else if ((event == json::parse_event_t::key || event == json::parse_event_t::value)
             && parsed.is_string()
             && parsed.get_ref<const std::string&>().find('\0') != std::string::npos)
      broken = "strings must not contain NUL (\\u0000)";
    return broken == nullptr;
  };
  auto parsed = json::parse(body, screen, false);
  if (broken)
    return invalid(broken);
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

caf::expected<std::string> required_date(const json& body) {
  auto date = body.find("date");
  return decode_date(date == body.end() || !date->is_string() ? "" : date->get<std::string>());
}

/// A positive JSON integer field; `what` and the error code say what is wrong.
caf::expected<int64_t> required_positive(const json& body, const char* field, int64_t max,
                                         ec code = ec::invalid_request) {
  auto i = body.find(field);
  auto value = i == body.end() ? std::nullopt : as_int64(*i);
  if (!value || *value < 1 || *value > max)
    return make_error(code, std::string{field} + ": must be an integer from 1 to "
                              + std::to_string(max));
  return *value;
}

constexpr int64_t max_id = std::numeric_limits<int64_t>::max();
constexpr int64_t max_charge = 1'000'000'000;
constexpr size_t max_reservations_per_payment = 100;

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
  return new_user{std::move(*name), {}};
}

caf::expected<concert_info> decode_concert(const std::string& body) {
  auto object = parse_object(body);
  if (!object)
    return object.error();
  auto date = required_date(*object);
  if (!date)
    return date.error();
  auto title = required_text(*object, "title", 200);
  if (!title)
    return title.error();
  auto seats = required_integer(*object, "seats", 1, 10000);
  if (!seats)
    return seats.error();
  auto price = required_integer(*object, "price", 0, 1000000000);
  if (!price)
    return price.error();
  return concert_info{std::move(*date), std::move(*title), static_cast<int32_t>(*seats), *price};
}

caf::expected<charge_request> decode_charge(const std::string& body) {
  auto object = parse_object(body);
  if (!object)
    return object.error();
  auto user = required_positive(*object, "userId", max_id);
  if (!user)
    return user.error();
  if (object->find("amount") == object->end())
    return invalid("amount: is required");
  auto amount = required_positive(*object, "amount", max_charge, ec::invalid_amount);
  if (!amount)
    return amount.error();
  return charge_request{*user, *amount};
}

caf::expected<int64_t> decode_user_ref(const std::string& body) {
  auto object = parse_object(body);
  if (!object)
    return object.error();
  return required_positive(*object, "userId", max_id);
}

caf::expected<std::string> decode_date(const std::string& text) {
  if (!is_calendar_date(text))
    return invalid("date: must be a calendar date as YYYY-MM-DD");
  return text;
}

caf::expected<int64_t> decode_id(const std::string& text, const char* what) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || text.front() == '-' || error != std::errc{}
      || end != text.data() + text.size() || value < 1)
    return invalid(std::string{what} + ": must be a positive integer");
  return value;
}

caf::expected<std::string> decode_token(const std::string& text, ec not_a_token) {
  if (auto token = canonical_uuid(text))
    return std::move(*token);
  return make_error(not_a_token, text.empty() ? "the queue token is missing"
                                              : "the queue token is not a UUID");
}

caf::expected<hold_request> decode_hold(const std::string& body) {
  auto object = parse_object(body);
  if (!object)
    return object.error();
  auto date = required_date(*object);
  if (!date)
    return date.error();
  auto seat = required_positive(*object, "seat", std::numeric_limits<int32_t>::max());
  if (!seat)
    return seat.error();
  return hold_request{std::move(*date), static_cast<int32_t>(*seat)};
}

caf::expected<queue_change> decode_queue_change(const std::string& body) {
  auto object = parse_object(body);
  if (!object)
    return object.error();
  queue_change change;
  bool any = false;
  if (auto paused = object->find("paused"); paused != object->end()) {
    if (!paused->is_boolean())
      return invalid("paused: must be true or false");
    change.paused = paused->get<bool>() ? 1 : 0;
    any = true;
  }
  if (object->contains("batchSize")) {
    auto batch = required_positive(*object, "batchSize", 100000);
    if (!batch)
      return batch.error();
    change.batch_size = *batch;
    any = true;
  }
  if (object->contains("intervalMs")) {
    auto interval = object->find("intervalMs");
    auto value = as_int64(*interval);
    if (!value || *value < 10 || *value > 3600000)
      return invalid("intervalMs: must be an integer from 10 to 3600000");
    change.interval_ms = *value;
    any = true;
  }
  if (!any)
    return invalid("give paused, batchSize or intervalMs");
  return change;
}

caf::expected<std::vector<int64_t>> decode_payment(const std::string& body) {
  auto object = parse_object(body);
  if (!object)
    return object.error();
  auto one = object->contains("reservationId");
  auto many = object->find("reservationIds");
  if (one == (many != object->end()))
    return invalid("give either reservationId or reservationIds");
  if (one) {
    auto id = required_positive(*object, "reservationId", max_id);
    if (!id)
      return id.error();
    return std::vector<int64_t>{*id};
  }
  auto rule = "reservationIds: must be 1 to " + std::to_string(max_reservations_per_payment)
              + " distinct positive integers";
  if (!many->is_array() || many->empty() || many->size() > max_reservations_per_payment)
    return invalid(rule);
  std::vector<int64_t> ids;
  for (const auto& element : *many) {
    auto id = as_int64(element);
    if (!id || *id < 1 || std::find(ids.begin(), ids.end(), *id) != ids.end())
      return invalid(rule);
    ids.push_back(*id);
  }
  return ids;
}

} // namespace concert::http

