#include "actors/errors.hpp"

#include <caf/make_message.hpp>

namespace concert {

caf::error make_error(ec code, std::string detail) {
  return caf::error{static_cast<uint8_t>(code), ec_category,
                    caf::make_message(std::move(detail))};
}

std::string detail_of(const caf::error& err) {
  const auto& context = err.context();
  if (context.size() == 1 && context.match_element<std::string>(0))
    return context.get_as<std::string>(0);
  return {};
}

} // namespace concert
