#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

/// Structured logging: one JSON object per line on standard error.
/// CAF as packaged by Debian logs nothing, so the server brings its own.
namespace concert::log {

enum class level { debug, info, warning, error };

/// Writes `{"ts", "level", "msg", ...fields}` as a single write(2), so lines
/// from different threads never interleave.
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
