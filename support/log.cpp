#include "support/log.hpp"

#include <unistd.h>

#include "support/time.hpp"

namespace concert::log {

namespace {

const char* name_of(level lvl) {
  switch (lvl) {
    case level::debug: return "debug";
    case level::info: return "info";
    case level::warning: return "warning";
    case level::error: return "error";
  }
  return "unknown";
}

} // namespace

void write(level lvl, std::string_view msg, nlohmann::json fields) {
  nlohmann::ordered_json line = {
    {"ts", format_timestamp(std::chrono::system_clock::now())},
    {"level", name_of(lvl)},
    {"msg", msg},
  };
  for (auto& [key, value] : fields.items())
    line[key] = std::move(value);
  auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text.push_back('\n');
  for (auto rest = std::string_view{text}; !rest.empty();) {
    auto n = ::write(STDERR_FILENO, rest.data(), rest.size());
    if (n <= 0)
      return;
    rest.remove_prefix(static_cast<size_t>(n));
  }
}

} // namespace concert::log
