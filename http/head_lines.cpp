#include "http/head_lines.hpp"

#include <array>
#include <cctype>

#include "actors/errors.hpp"
#include "http/request_head.hpp"

namespace concert::http {

namespace {

/// A line longer than this is refused by the library or the byte budget
/// anyway; keeping more of it would only cost memory.
constexpr size_t kept_per_line = 256;

/// Fields that decide where the body ends: they must be there in full.
bool frames_the_body(std::string_view name) {
  return same_name(name, "Content-Length") || same_name(name, "Transfer-Encoding")
         || same_name(name, "Content-Encoding");
}

/// Fields whose value the server takes as it is: a decoded %XX would make
/// it another value than the one sent.
bool read_literally(std::string_view name) {
  static constexpr std::array<std::string_view, 7> names = {
    "Authorization", "Idempotency-Key", "X-Queue-Token", "X-Request-Id",
    "Last-Event-ID", "X-Forwarded-For", "Host"};
  for (auto literal : names)
    if (same_name(name, literal))
      return true;
  return false;
}

} // namespace

void head_lines::refuse(std::string detail) {
  if (!error_)
    error_ = make_error(ec::invalid_request, std::move(detail));
}

void head_lines::feed(const char* bytes, size_t n) {
  for (size_t i = 0; i < n && !complete_; ++i) {
    auto c = bytes[i];
    if (c == '\n') {
      check_line(line_, after_cr_);
      line_.clear();
      percent_past_kept_ = false;
    } else if (line_.size() < kept_per_line) {
      line_.push_back(c);
    } else {
      percent_past_kept_ = percent_past_kept_ || c == '%';
    }
    after_cr_ = c == '\r';
  }
}

void head_lines::check_line(std::string_view line, bool ends_with_cr) {
  if (!ends_with_cr) {
    // The library skips such a line and reads on, so the head goes on too.
    refuse("a line of the request's head ends without CR LF");
    return;
  }
  line.remove_suffix(line.empty() || line.back() != '\r' ? 0 : 1);
  if (++lines_ == 1)
    return; // the request line is the library's to read
  if (line.empty()) {
    complete_ = true;
    return;
  }
  if (lines_ - 1 > max_header_lines) {
    if (!error_)
      error_ = make_error(ec::headers_too_large, "the request has more than "
                                                   + std::to_string(max_header_lines)
                                                   + " header lines");
    return;
  }
  if (line.front() == ' ' || line.front() == '\t')
    return refuse("folded header lines are not accepted");
  auto colon = line.find(':');
  auto name = line.substr(0, colon);
  bool token = colon != std::string_view::npos && colon > 0;
  for (char c : name)
    token = token && !std::isspace(static_cast<unsigned char>(c));
  if (!token)
    return refuse("a header line is not `name: value`");
  auto value = trimmed(line.substr(colon + 1));
  if (frames_the_body(name) && value.empty())
    return refuse(std::string{name} + ": must not be empty");
  if ((frames_the_body(name) || read_literally(name))
      && (value.find('%') != std::string_view::npos || percent_past_kept_))
    refuse(std::string{name} + ": must not be percent-encoded");
}

} // namespace concert::http
