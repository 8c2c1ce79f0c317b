#include "support/uuid.hpp"

#include <array>
#include <cerrno>
#include <cstdint>
#include <stdexcept>

#include <sys/random.h>

namespace concert {

void fill_random(uint8_t* bytes, size_t size) {
  size_t filled = 0;
  while (filled < size) {
    auto n = getrandom(bytes + filled, size - filled, 0);
    if (n < 0 && errno != EINTR)
      throw std::runtime_error("getrandom failed");
    if (n > 0)
      filled += static_cast<size_t>(n);
  }
}

std::string random_uuid_v4() {
  std::array<uint8_t, 16> bytes{};
  fill_random(bytes.data(), bytes.size());
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0F) | 0x40);
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3F) | 0x80);
  static constexpr char hex[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      text.push_back('-');
    text.push_back(hex[bytes[i] >> 4]);
    text.push_back(hex[bytes[i] & 0x0F]);
  }
  return text;
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36)
    return false;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = text[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (dash ? c != '-' : !hex)
      return false;
  }
  return true;
}

std::optional<std::string> canonical_uuid(std::string_view text) {
  std::string lower{text};
  for (auto& c : lower)
    if (c >= 'A' && c <= 'F')
      c = static_cast<char>(c - 'A' + 'a');
  if (!is_uuid(lower))
    return std::nullopt;
  return lower;
}

} // namespace concert
