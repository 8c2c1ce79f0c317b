#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <caf/error.hpp>

namespace concert::http {

/// Watches a request's head as its bytes arrive, line by line, for what a
/// lax parser or a proxy in front could read otherwise than we do: lines
/// that end in a bare LF or lack a colon, folded lines, framing fields that
/// are empty or %-encoded (cpp-httplib, the edge's first library, skipped
/// or decoded all of these unseen). This only splits lines and looks at
/// names; parsing stays Beast's.
class head_lines {
public:
  /// Takes the next `n` bytes of the head; bytes past its end are ignored.
  void feed(const char* bytes, size_t n);

  /// Whether the blank line that ends the head has arrived.
  bool complete() const {
    return complete_;
  }

  /// The first rule the head breaks: ec::headers_too_large past the line
  /// cap, else ec::invalid_request naming the line; none while it is clean.
  const caf::error& error() const {
    return error_;
  }

private:
  /// `line` is at most its first bytes, without the LF.
  void check_line(std::string_view line, bool ends_with_cr);
  void refuse(std::string detail);

  std::string line_;
  bool after_cr_ = false;
  /// Whether a '%' came in the part of the line not kept.
  bool percent_past_kept_ = false;
  size_t lines_ = 0;
  bool complete_ = false;
  caf::error error_;
};

} // namespace concert::http
