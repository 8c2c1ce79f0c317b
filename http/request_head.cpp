#include "http/request_head.hpp"

#include <cctype>
#include <iterator>
#include <string>

#include "actors/errors.hpp"

namespace concert::http {

namespace {

/// RFC 9110's tchar: what a field name is made of.
bool is_token_char(unsigned char c) {
  if (std::isalnum(c))
    return true;
  constexpr std::string_view others = "!#$%&'*+-.^_`|~";
  return others.find(static_cast<char>(c)) != std::string_view::npos;
}

/// Field values may hold visible ASCII, spaces, tabs and obs-text, never
/// another control character: a NUL would cut the value short in C strings
/// further down, a CR or LF would split it.
bool is_clean_value(std::string_view value) {
  for (unsigned char c : value)
    if ((c < 0x20 && c != '\t') || c == 0x7F)
      return false;
  return true;
}

/// 1*DIGIT that fits in 64 bits.
std::optional<uint64_t> decimal(std::string_view text) {
  if (text.empty() || text.size() > 19)
    return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

/// Fields the server reads one value of: a second one would be ignored,
/// so a request that gives one twice is refused instead.
constexpr std::string_view given_once[] = {"Host", "Authorization", "Idempotency-Key",
                                           "X-Queue-Token", "Content-Type", "Content-Encoding"};

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && same_name(text.substr(0, prefix.size()), prefix);
}

caf::error invalid(std::string detail) {
  return make_error(ec::invalid_request, std::move(detail));
}

} // namespace

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i]))
        != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::string_view trimmed(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
    value.remove_suffix(1);
  return value;
}

caf::error head_check::add(std::string_view name, std::string_view value) {
  if (broken_)
    return broken_;
  ++lines_;
  bytes_ += name.size() + value.size() + 4; // ": " and CRLF
  if (lines_ > max_header_lines || bytes_ > max_header_bytes) {
    broken_ = make_error(ec::headers_too_large,
                         "the request has more than " + std::to_string(max_header_lines)
                           + " header lines or " + std::to_string(max_header_bytes / 1024)
                           + " KiB of headers");
    return broken_;
  }
  bool good_name = !name.empty();
  for (unsigned char c : name)
    good_name = good_name && is_token_char(c);
  if (!good_name)
    broken_ = invalid("a header field name is not a token");
  else if (!is_clean_value(value))
    broken_ = invalid("the header " + std::string{name} + " holds a control character");
  for (unsigned i = 0; i < std::size(given_once) && !broken_; ++i) {
    if (!same_name(name, given_once[i]))
      continue;
    if (seen_once_ & (1u << i))
      broken_ = invalid(std::string{given_once[i]} + ": must be given once");
    seen_once_ |= 1u << i;
  }
  hosts_ += same_name(name, "Host") ? 1 : 0;
  if (broken_)
    return broken_;
  if (same_name(name, "Content-Type")) {
    if (starts_with_ignoring_case(trimmed(value), "multipart/"))
      broken_ = make_error(ec::unsupported_media_type,
                           "Content-Type: request bodies are JSON, never multipart");
  } else if (same_name(name, "Content-Length")) {
    auto length = decimal(trimmed(value));
    if (!length)
      broken_ = invalid("Content-Length: must be a decimal number of bytes");
    else if (content_length_ && *content_length_ != *length)
      broken_ = invalid("Content-Length: given twice with different values");
    else
      content_length_ = length;
  } else if (same_name(name, "Content-Encoding")) {
    auto coding = trimmed(value);
    if (!coding.empty() && !same_name(coding, "identity"))
      broken_ = make_error(ec::unsupported_media_type,
                           "Content-Encoding: request bodies are taken as identity only");
  } else if (same_name(name, "Transfer-Encoding")) {
    if (chunked_ || !same_name(trimmed(value), "chunked"))
      broken_ = make_error(ec::not_implemented,
                           "Transfer-Encoding: only a single chunked coding is understood");
    chunked_ = true;
  }
  return broken_;
}

caf::expected<body_framing> head_check::finish() const {
  if (broken_)
    return broken_;
  if (chunked_ && content_length_)
    return invalid("Content-Length and Transfer-Encoding must not both be given");
  if (chunked_)
    return body_framing{body_framing::kind::chunked, 0};
  if (!content_length_)
    return body_framing{};
  if (*content_length_ > max_body_bytes)
    return make_error(ec::payload_too_large);
  return body_framing{body_framing::kind::sized, *content_length_};
}

} // namespace concert::http
