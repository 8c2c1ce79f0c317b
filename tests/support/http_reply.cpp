#include "tests/support/http_reply.hpp"

#include <gtest/gtest.h>

namespace concert::testing {

reply send(httplib::Client& client, const std::string& method, const std::string& path,
           const std::string& body, const httplib::Headers& headers) {
  httplib::Request req;
  req.method = method;
  req.path = path;
  req.headers = headers;
  req.body = body;
  if (!body.empty() && !req.has_header("Content-Type"))
    req.set_header("Content-Type", "application/json");
  auto res = client.send(req);
  if (!res) {
    ADD_FAILURE() << method << " " << path << " failed: " << httplib::to_string(res.error());
    return {};
  }
  reply r;
  r.status = res->status;
  r.content_type = res->get_header_value("Content-Type");
  r.headers = res->headers;
  r.body = nlohmann::json::parse(res->body, nullptr, false);
  if (r.body.is_discarded())
    r.body = nullptr;
  return r;
}

} // namespace concert::testing
