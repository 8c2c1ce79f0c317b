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

std::optional<key_digest> key_digest_of(std::string_view hash) {
  key_digest digest{};
  if (hash.size() != 2 * digest.size())
    return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    return -1;
  };
  for (size_t i = 0; i < digest.size(); ++i) {
    auto high = nibble(hash[2 * i]);
    auto low = nibble(hash[2 * i + 1]);
    if (high < 0 || low < 0)
      return std::nullopt;
    digest[i] = static_cast<unsigned char>(high << 4 | low);
  }
  return digest;
}

bool same_secret(const key_digest& given, const key_digest& expected) {
  auto text = [](const key_digest& d) {
    return std::string_view{reinterpret_cast<const char*>(d.data()), d.size()};
  };
  return same_secret(text(given), text(expected));
}

} // namespace concert
