#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

/// Structured logging: one JSON object per line on standard error.
/// CAF as packaged by Debian logs nothing, so the server brings its own.
namespace concert::log {

enum class level { debug, info, warning, error };

/// A line `{"ts", "level", "msg", ...fields}` written field by field, in
/// the order given, with no JSON document built first: for the line every
/// request writes. Strings are escaped as nlohmann::json dumps them
/// (invalid UTF-8 replaced).
class line {
public:
  line(level lvl, std::string_view msg);

  line& text(std::string_view key, std::string_view value);
  line& integer(std::string_view key, int64_t value);
  line& decimal(std::string_view key, double value);
  line& json(std::string_view key, const nlohmann::json& value);

  /// Writes the line as a single write(2), so lines from different
  /// threads never interleave.
  void write();

private:
  line& key(std::string_view name);

  std::string text_;
};

/// Writes `{"ts", "level", "msg", ...fields}` as one line (see line).
void write(level lvl, std::string_view msg, nlohmann::json fields = nlohmann::json::object());

inline void info(std::string_view msg, nlohmann::json fields = nlohmann::json::object()) {
  write(level::info, msg, std::move(fields));
}

inline void warning(std::string_view msg, nlohmann::json fields = nlohmann::json::object()) {
  write(level::warning, msg, std::move(fields));
}

inline void error(std::string_view msg, nlohmann::json fields = nlohmann::json::object()) {
  write(level::error, msg, std::move(fields));
}

} // namespace concert::log
