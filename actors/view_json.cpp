#include "actors/view_json.hpp"

#include "support/time.hpp"

namespace concert {

namespace {

using nlohmann::json;

/// RFC 3339 for a time, null for none (0).
json timestamp_or_null(int64_t ms) {
  return ms == 0 ? json(nullptr) : json(format_timestamp_ms(ms));
}

} // namespace

nlohmann::json encode(const user_record& user) {
  return {{"userId", user.user_id}, {"balance", user.balance}};
}

nlohmann::json encode(const created_user& user) {
  auto json = encode(user.user);
  json["userKey"] = user.user_key;
  return json;
}

nlohmann::json encode(const user_credentials& credentials) {
  return {{"userId", credentials.user_id}, {"userKey", credentials.user_key}};
}

nlohmann::json encode(const concert_info& concert) {
  return {{"date", concert.date},
          {"title", concert.title},
          {"totalSeats", concert.total_seats},
          {"price", concert.price}};
}

nlohmann::json encode(const token_view& token) {
  return {{"token", token.token},
          {"userId", token.user_id},
          {"status", token.status},
          {"position", token.position},
          {"expiresAt", timestamp_or_null(token.expires_at)}};
}

nlohmann::json encode(const queue_status& q) {
  return {{"waiting", q.waiting},      {"active", q.active},
          {"admittedTotal", q.admitted_total}, {"paused", q.paused},
          {"batchSize", q.batch_size}, {"intervalMs", q.interval_ms}};
}

nlohmann::json encode(const reservation_view& r) {
  return {{"reservationId", r.reservation_id},
          {"userId", r.user_id},
          {"date", r.date},
          {"seat", r.seat},
          {"price", r.price},
          {"status", r.status},
          {"expiresAt", format_timestamp_ms(r.expires_at)}};
}

nlohmann::json encode(const seat_list& list) {
  auto seats = json::array();
  for (const auto& s : list.seats)
    seats.push_back({{"seat", s.seat}, {"status", s.status}, {"price", s.price}});
  return {{"date", list.date}, {"title", list.title}, {"seats", std::move(seats)}};
}

seat_list_writer::seat_list_writer(const std::string& date, const std::string& title,
                                   int64_t price)
  // nlohmann::json keeps keys sorted: date, seats, title; price, seat, status.
  : head_(R"({"date":)" + json_text(date) + R"(,"seats":[)"),
    seat_head_(R"({"price":)" + std::to_string(price) + R"(,"seat":)"),
    tail_(R"(],"title":)" + json_text(title) + "}") {
}

nlohmann::json encode(const date_summary& d) {
  return {{"date", d.date},
          {"title", d.title},
          {"totalSeats", d.total_seats},
          {"availableSeats", d.available_seats}};
}

nlohmann::json encode(const std::vector<date_summary>& dates) {
  auto out = json::array();
  for (const auto& d : dates)
    out.push_back(encode(d));
  return {{"dates", std::move(out)}};
}

std::string dates_text(const std::vector<const std::string*>& encoded) {
  size_t size = 12;
  for (const auto* e : encoded)
    size += e->size() + 1;
  std::string text;
  text.reserve(size);
  text += R"({"dates":[)";
  for (const auto* e : encoded) {
    if (text.back() != '[')
      text += ',';
    text += *e;
  }
  text += "]}";
  return text;
}

nlohmann::json encode(const payment_view& p) {
  auto items = json::array();
  for (const auto& i : p.reservations)
    items.push_back({{"reservationId", i.reservation_id},
                     {"date", i.date},
                     {"seat", i.seat},
                     {"price", i.price}});
  return {{"paymentId", p.payment_id},
          {"userId", p.user_id},
          {"amount", p.amount},
          {"balance", p.balance},
          {"status", "CONFIRMED"},
          {"paidAt", format_timestamp_ms(p.paid_at)},
          {"reservations", std::move(items)}};
}

nlohmann::json encode(const std::vector<payment_view>& payments) {
  auto out = json::array();
  for (const auto& p : payments)
    out.push_back(encode(p));
  return {{"payments", std::move(out)}};
}

std::string json_text(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace concert
