#include "tests/support/metrics_page.hpp"

namespace concert::testing {

double sample_value(const std::string& page, const std::string& series) {
  auto at = page.find("\n" + series + " ");
  if (at == std::string::npos)
    return -1;
  return std::stod(page.substr(at + series.size() + 2));
}

} // namespace concert::testing
