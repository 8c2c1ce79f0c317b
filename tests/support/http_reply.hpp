#pragma once

#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace concert::testing {

/// An answer as a test looks at it; `body` is null when it is not JSON.
struct reply {
  int status = 0;
  std::string content_type;
  nlohmann::json body;
  httplib::Headers headers;

  /// The problem's `code`, or "" for a non-problem.
  std::string code() const {
    return body.is_object() ? body.value("code", "") : "";
  }
};

/// Sends one request; a connection failure fails the test and returns status 0.
reply send(httplib::Client& client, const std::string& method, const std::string& path,
           const std::string& body = {}, const httplib::Headers& headers = {});

inline reply get(httplib::Client& client, const std::string& path) {
  return send(client, "GET", path);
}

inline reply post(httplib::Client& client, const std::string& path, const std::string& body) {
  return send(client, "POST", path, body);
}

} // namespace concert::testing
