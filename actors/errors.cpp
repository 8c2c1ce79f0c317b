#include "actors/errors.hpp"

#include <caf/make_message.hpp>

namespace concert {

caf::error make_error(ec code, std::string detail) {
  return caf::error{static_cast<uint8_t>(code), ec_category,
                    caf::make_message(std::move(detail))};
}

caf::error make_error(ec code, std::string detail, int64_t retry_after) {
  return caf::error{static_cast<uint8_t>(code), ec_category,
                    caf::make_message(std::move(detail), retry_after)};
}

std::string detail_of(const caf::error& err) {
  // CAF 0.17's context() reads through a null pointer on an empty error.
  if (!err)
    return {};
  const auto& context = err.context();
  if (!context.empty() && context.match_element<std::string>(0))
    return context.get_as<std::string>(0);
  return {};
}

int64_t retry_after_of(const caf::error& err) {
  if (!err)
    return 0;
  const auto& context = err.context();
  if (context.size() == 2 && context.match_element<int64_t>(1))
    return context.get_as<int64_t>(1);
  return 0;
}

} // namespace concert
