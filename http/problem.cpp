#include "http/problem.hpp"

namespace concert::http {

void send_problem(response& res, const problem& p) {
  res.status = p.status;
  res.set_content(problem_body(p), "application/problem+json");
}

} // namespace concert::http
