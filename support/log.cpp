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

std::string dumped(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// Appends `s` as a JSON string. Printable ASCII other than the quote and
/// the backslash (nearly every value) goes as it is; anything else as
/// nlohmann::json escapes it.
void append_quoted(std::string& out, std::string_view s) {
  auto plain = true;
  for (unsigned char c : s)
    if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
      plain = false;
      break;
    }
  if (!plain) {
    out += dumped(nlohmann::json(std::string{s}));
    return;
  }
  out.push_back('"');
  out.append(s);
  out.push_back('"');
}

} // namespace

line::line(level lvl, std::string_view msg) {
  text_.reserve(256);
  text_ += "{\"ts\":\"";
  text_ += format_timestamp(std::chrono::system_clock::now());
  text_ += "\",\"level\":\"";
  text_ += name_of(lvl);
  text_ += "\",\"msg\":";
  append_quoted(text_, msg);
}

line& line::key(std::string_view name) {
  text_.push_back(',');
  append_quoted(text_, name);
  text_.push_back(':');
  return *this;
}

line& line::text(std::string_view name, std::string_view value) {
  append_quoted(key(name).text_, value);
  return *this;
}

line& line::integer(std::string_view name, int64_t value) {
  key(name).text_ += std::to_string(value);
  return *this;
}

line& line::decimal(std::string_view name, double value) {
  key(name).text_ += dumped(value);
  return *this;
}

line& line::json(std::string_view name, const nlohmann::json& value) {
  key(name).text_ += dumped(value);
  return *this;
}

void line::write() {
  text_ += "}\n";
  for (auto rest = std::string_view{text_}; !rest.empty();) {
    auto n = ::write(STDERR_FILENO, rest.data(), rest.size());
    if (n <= 0)
      return;
    rest.remove_prefix(static_cast<size_t>(n));
  }
}

void write(level lvl, std::string_view msg, nlohmann::json fields) {
  line out{lvl, msg};
  for (auto& [key, value] : fields.items())
    out.json(key, value);
  out.write();
}

} // namespace concert::log
