#include "http/router.hpp"

#include "actors/errors.hpp"
#include "http/problem.hpp"

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

void router::dispatch(const exchange_ptr& x) const {
  const auto& req = x->req();
  // std::regex recurses once per character; this keeps a long path from
  // ever reaching it.
  if (req.path.size() > max_path_length) {
    send_problem(x->res(), problem_for_status(414));
    return x->finish();
  }
  const auto& method = req.method == "HEAD" ? std::string{"GET"} : req.method;
  std::string allowed;
  for (size_t index = 0; index < routes_.size(); ++index) {
    const auto& r = routes_[index];
    std::smatch match;
    if (!std::regex_match(req.path, match, r.pattern))
      continue;
    x->context().route = r.name;
    if (r.method == method) {
      x->context().route_index = static_cast<int>(index);
      params captured;
      for (size_t i = 1; i < match.size(); ++i)
        captured.push_back(match[i].str());
      r.run(x, captured);
      return;
    }
    allowed += (allowed.empty() ? "" : ", ") + r.method;
  }
  if (allowed.empty())
    return x->fail(make_error(ec::not_found, "no route for " + req.path));
  x->res().set_header("Allow", allowed);
  x->fail(make_error(ec::method_not_allowed, req.method + " is not allowed on " + req.path));
}

} // namespace concert::http
