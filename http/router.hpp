#pragma once

#include <functional>
#include <regex>
#include <string>
#include <vector>

#include <httplib.h>

namespace concert::http {

/// Routes by method and path pattern, and tells 404 (no such path) from 405
/// (the path exists, the method does not), which cpp-httplib cannot.
class router {
public:
  /// The path's captured groups, e.g. the date of /api/concerts/{date}/seats.
  using params = std::vector<std::string>;
  using handler = std::function<void(const httplib::Request&, httplib::Response&, const params&)>;

  /// `pattern` is an ECMAScript regex matched against the whole path;
  /// `name` is how logs and metrics call the route (e.g. /api/reservations/{id}),
  /// the pattern itself when not given.
  void add(std::string method, const std::string& pattern, handler h, std::string name = {});

  /// Every route as (method, name), in the order of their indices.
  std::vector<std::pair<std::string, std::string>> route_list() const;

  /// Runs the matching handler, or answers 404 or 405 (with `Allow`); notes
  /// the matched route's name in current_request().
  void dispatch(const httplib::Request& req, httplib::Response& res) const;

private:
  struct route {
    std::string method;
    std::regex pattern;
    handler run;
    std::string name;
  };
  std::vector<route> routes_;
};

} // namespace concert::http
