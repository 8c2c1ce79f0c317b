#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include <caf/error.hpp>
#include <caf/expected.hpp>

/// The rules API.md sets on a request's head, checked before its body is
/// read. They know nothing of the HTTP library, so any edge can feed them.
namespace concert::http {

constexpr size_t max_header_lines = 100;
constexpr size_t max_header_bytes = 16 * 1024;
constexpr size_t max_body_bytes = 64 * 1024;

/// A field value without the spaces and tabs around it.
std::string_view trimmed(std::string_view value);

/// Whether two field names (or tokens such as a scheme) are equal, ignoring
/// ASCII case, as HTTP compares them.
bool same_name(std::string_view a, std::string_view b);

/// How a request's body follows its head.
struct body_framing {
  enum class kind { none, sized, chunked };
  kind how = kind::none;
  /// The declared length, for `sized`.
  uint64_t length = 0;

  bool has_body() const {
    return how == kind::chunked || (how == kind::sized && length > 0);
  }
};

/// Checks header fields as they arrive, then what they declare together.
/// Refusals: 431 past max_header_lines or max_header_bytes; 400 for a
/// control character in a field, a bad, repeated-and-different or
/// chunked-and-sized Content-Length, a field that may be given once given
/// twice; 413 for a declared length over max_body_bytes; 415 for a
/// Content-Encoding other than identity or a multipart body (bodies are
/// JSON); 501 for a Transfer-Encoding other than chunked.
class head_check {
public:
  /// Feeds one field; the first rule it breaks, or none.
  caf::error add(std::string_view name, std::string_view value);

  /// The body's framing once every field was added, or the rule broken.
  caf::expected<body_framing> finish() const;

  /// Whether a Host field came (HTTP/1.1 requires one).
  bool has_host() const {
    return hosts_ > 0;
  }

private:
  size_t lines_ = 0;
  size_t bytes_ = 0;
  std::optional<uint64_t> content_length_;
  bool chunked_ = false;
  int hosts_ = 0;
  /// Which of the fields that may be given once have come, by bit.
  unsigned seen_once_ = 0;
  caf::error broken_;
};

} // namespace concert::http
