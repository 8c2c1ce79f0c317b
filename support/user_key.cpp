#include "support/user_key.hpp"

#include <array>
#include <cstdint>
#include <stdexcept>

#include <openssl/evp.h>

#include "support/uuid.hpp"

namespace concert {

namespace {

constexpr size_t key_bytes = 32;
constexpr size_t key_length = 43; // ceil(32 * 8 / 6)
constexpr std::string_view base64url =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

} // namespace

std::string new_user_key() {
  std::array<uint8_t, key_bytes> bytes{};
  fill_random(bytes.data(), bytes.size());
  std::string key;
  key.reserve(key_length);
  uint32_t bits = 0;
  int pending = 0;
  for (auto byte : bytes) {
    bits = (bits << 8) | byte;
    pending += 8;
    while (pending >= 6) {
      pending -= 6;
      key.push_back(base64url[(bits >> pending) & 0x3F]);
    }
  }
  if (pending > 0)
    key.push_back(base64url[(bits << (6 - pending)) & 0x3F]);
  return key;
}

bool is_user_key(std::string_view text) {
  if (text.size() != key_length)
    return false;
  for (char c : text)
    if (base64url.find(c) == std::string_view::npos)
      return false;
  return true;
}

std::string user_key_hash(std::string_view key) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(key.data(), key.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  static constexpr char hex[] = "0123456789abcdef";
  std::string text;
  text.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    text.push_back(hex[digest[i] >> 4]);
    text.push_back(hex[digest[i] & 0x0F]);
  }
  return text;
}

bool same_secret(std::string_view given, std::string_view expected) {
  if (given.size() != expected.size())
    return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < given.size(); ++i)
    diff |= static_cast<unsigned char>(given[i] ^ expected[i]);
  return diff == 0;
}

} // namespace concert
