#pragma once

#include <string>

namespace concert::testing {

/// The value of the sample `series` (the name with its labels, exactly as
/// written) on a /metrics page, or -1 when the page has no such sample.
double sample_value(const std::string& page, const std::string& series);

} // namespace concert::testing
