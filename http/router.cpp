#include "http/router.hpp"

#include "actors/errors.hpp"
#include "http/problem.hpp"
#include "http/request_log.hpp"

namespace concert::http {

namespace {

constexpr size_t max_path_length = 8 * 1024;

/// `/api/concerts/([^/]+)/seats` -> `/api/concerts/{}/seats`
std::string name_of(const std::string& pattern) {
  static const std::regex group{R"(\([^)]*\))"};
  return std::regex_replace(pattern, group, "{}");
}

} // namespace

void router::add(std::string method, const std::string& pattern, handler h, std::string name) {
  routes_.push_back({std::move(method), std::regex{pattern}, std::move(h),
                     name.empty() ? name_of(pattern) : std::move(name)});
}

std::vector<std::pair<std::string, std::string>> router::route_list() const {
  std::vector<std::pair<std::string, std::string>> list;
  for (const auto& r : routes_)
    list.emplace_back(r.method, r.name);
  return list;
}

void router::dispatch(const httplib::Request& req, httplib::Response& res) const {
  // std::regex recurses once per character; the library caps request lines
  // at 8 KiB, and this keeps a longer path from ever reaching it.
  if (req.path.size() > max_path_length)
    return send_problem(res, problem_for_status(414));
  // cpp-httplib answers HEAD from the GET handler and drops the body itself.
  const auto& method = req.method == "HEAD" ? std::string{"GET"} : req.method;
  std::string allowed;
  for (size_t index = 0; index < routes_.size(); ++index) {
    const auto& r = routes_[index];
    std::smatch match;
    if (!std::regex_match(req.path, match, r.pattern))
      continue;
    current_request().route = r.name;
    if (r.method == method) {
      current_request().route_index = static_cast<int>(index);
      params captured;
      for (size_t i = 1; i < match.size(); ++i)
        captured.push_back(match[i].str());
      r.run(req, res, captured);
      return;
    }
    allowed += (allowed.empty() ? "" : ", ") + r.method;
  }
  if (allowed.empty()) {
    send_problem(res, problem_for(make_error(ec::not_found, "no route for " + req.path)));
    return;
  }
  res.set_header("Allow", allowed);
  send_problem(res, problem_for(make_error(ec::method_not_allowed,
                                           req.method + " is not allowed on " + req.path)));
}

} // namespace concert::http
