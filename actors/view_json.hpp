#pragma once

#include <cstdint>
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

/// Writes one date's seat list as `json_text(encode(list))` does, from
/// parts encoded once: a seat manager publishes its list after every
/// change, so only the seat numbers and statuses are written each time.
class seat_list_writer {
public:
  seat_list_writer() = default;
  seat_list_writer(const std::string& date, const std::string& title, int64_t price);

  /// Seats 1 to `count`, each with `status_of(seat)`: a status word
  /// (AVAILABLE, HELD, SOLD), which JSON writes as it is.
  template <class StatusOf>
  std::string text(int32_t count, StatusOf&& status_of) const {
    std::string out;
    out.reserve(head_.size() + tail_.size() + static_cast<size_t>(count) * (seat_head_.size() + 32));
    out += head_;
    for (int32_t seat = 1; seat <= count; ++seat) {
      if (seat > 1)
        out += ',';
      out += seat_head_;
      out += std::to_string(seat);
      out += R"(,"status":")";
      out += status_of(seat);
      out += R"("})";
    }
    out += tail_;
    return out;
  }

private:
  std::string head_;
  std::string seat_head_;
  std::string tail_;
};
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
