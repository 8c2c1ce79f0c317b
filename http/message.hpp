#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace concert::http {

using fields = std::vector<std::pair<std::string, std::string>>;

/// A request as the routes see it, whatever library read it off the wire.
struct request {
  std::string method;
  /// The path, %XX decoded; the query is not part of it.
  std::string path;
  /// The query's parameters, decoded, in the order given.
  fields query;
  /// "HTTP/1.0" or "HTTP/1.1".
  std::string version;
  /// The header fields as received.
  fields headers;
  std::string body;
  /// The peer's address.
  std::string remote_addr;

  /// The first field named `name` (any case), or "".
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
  /// The first query parameter named `name`, or "".
  std::string query_value(std::string_view name) const;
};

/// An answer: status, fields and a whole body.
struct response {
  int status = 200;
  fields headers;
  std::string body;

  /// Sets `name`, replacing a field of that name.
  void set_header(std::string_view name, std::string value);
  bool has_header(std::string_view name) const;
  std::string header(std::string_view name) const;
  void set_content(std::string content, std::string content_type);
};

/// Splits a request target into its %XX-decoded path and query; false when
/// it is not in origin form (`/path?query`) or its %XX are broken.
bool split_target(std::string_view target, std::string& path, fields& query);

} // namespace concert::http
