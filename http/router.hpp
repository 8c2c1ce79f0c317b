#pragma once

#include <functional>
#include <regex>
#include <string>
#include <vector>

#include "http/exchange.hpp"

namespace concert::http {

/// Routes by method and path pattern, and tells 404 (no such path) from 405
/// (the path exists, the method does not).
class router {
public:
  /// The path's captured groups, e.g. the date of /api/concerts/{date}/seats.
  using params = std::vector<std::string>;
  /// Answers the exchange, at once or later; it must finish it either way.
  using handler = std::function<void(const exchange_ptr&, const params&)>;

  /// `pattern` is an ECMAScript regex matched against the whole path;
  /// `name` is how logs and metrics call the route (e.g. /api/reservations/{id}),
  /// the pattern itself when not given.
  void add(std::string method, const std::string& pattern, handler h, std::string name = {});

  /// Every route as (method, name), in the order of their indices.
  std::vector<std::pair<std::string, std::string>> route_list() const;

  /// Runs the matching handler, or answers 404 or 405 (with `Allow`); notes
  /// the matched route in the exchange's context. HEAD runs GET's handler.
  void dispatch(const exchange_ptr& x) const;

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
