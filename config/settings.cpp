#include "config/settings.hpp"

#include <cctype>
#include <charconv>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <regex>
#include <sstream>

#include "support/networks.hpp"

namespace concert::config {

namespace {

constexpr const char* prefix = "CONCERT_";

/// One setting: its variable name, how to read a value into `settings`, and
/// how to show the effective value.
struct spec {
  std::string variable;
  std::string help;
  std::function<void(settings&, const std::string& value, const std::string& origin)> assign;
  std::function<nlohmann::json(const settings&)> show;
};

[[noreturn]] void reject(const std::string& variable, const std::string& value,
                         const std::string& origin, const std::string& problem) {
  throw setting_error(variable + ": \"" + value + "\" (" + origin + ") " + problem);
}

spec integer(std::string variable, int64_t settings::*field, int64_t min, int64_t max,
             std::string help) {
  auto assign = [variable, field, min, max](settings& s, const std::string& value,
                                            const std::string& origin) {
    int64_t parsed = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (value.empty() || ec == std::errc::invalid_argument || end != value.data() + value.size())
      reject(variable, value, origin, "is not a whole number");
    if (ec == std::errc::result_out_of_range || parsed < min || parsed > max)
      reject(variable, value, origin,
             "is out of range " + std::to_string(min) + ".." + std::to_string(max));
    s.*field = parsed;
  };
  auto show = [field](const settings& s) { return nlohmann::json(s.*field); };
  return {std::move(variable), std::move(help), assign, show};
}

spec text(std::string variable, std::string settings::*field, bool may_be_empty, std::string help,
          std::function<nlohmann::json(const std::string&)> masked) {
  auto assign = [variable, field, may_be_empty](settings& s, const std::string& value,
                                                const std::string& origin) {
    if (!may_be_empty && value.empty())
      reject(variable, value, origin, "must not be empty");
    s.*field = value;
  };
  auto show = [field, masked](const settings& s) { return masked(s.*field); };
  return {std::move(variable), std::move(help), assign, show};
}

spec boolean(std::string variable, bool settings::*field, std::string help) {
  auto assign = [variable, field](settings& s, const std::string& value,
                                  const std::string& origin) {
    if (value == "true" || value == "1" || value == "yes")
      s.*field = true;
    else if (value == "false" || value == "0" || value == "no")
      s.*field = false;
    else
      reject(variable, value, origin, "is not true or false");
  };
  auto show = [field](const settings& s) { return nlohmann::json(s.*field); };
  return {std::move(variable), std::move(help), assign, show};
}

spec networks(std::string variable, std::string settings::*field, std::string help) {
  auto assign = [variable, field](settings& s, const std::string& value,
                                  const std::string& origin) {
    if (!parse_networks(value))
      reject(variable, value, origin,
             "is not a comma-separated list of IP addresses and CIDR networks");
    s.*field = value;
  };
  auto show = [field](const settings& s) { return nlohmann::json(s.*field); };
  return {std::move(variable), std::move(help), assign, show};
}

nlohmann::json as_is(const std::string& value) {
  return value;
}

nlohmann::json hidden(const std::string& value) {
  return value.empty() ? nlohmann::json(nullptr) : nlohmann::json("***");
}

nlohmann::json without_password(const std::string& value) {
  return mask_password(value);
}

const std::vector<spec>& specs() {
  static const std::vector<spec> all = {
    text("CONCERT_BIND", &settings::bind, false, "listen address for both ports", as_is),
    integer("CONCERT_PORT", &settings::port, 0, 65535, "public port (0 = any free port)"),
    integer("CONCERT_ADMIN_PORT", &settings::admin_port, 0, 65535,
            "admin port (0 = any free port)"),
    text("CONCERT_DATABASE_URL", &settings::database_url, true,
         "libpq connection string or URI (empty = libpq defaults)", without_password),
    integer("CONCERT_HOLD_SECONDS", &settings::hold_seconds, 1, 86400, "hold duration"),
    integer("CONCERT_QUEUE_BATCH_SIZE", &settings::queue_batch_size, 1, 100000,
            "tokens admitted per tick"),
    integer("CONCERT_QUEUE_INTERVAL_MS", &settings::queue_interval_ms, 10, 3600000,
            "admission tick"),
    integer("CONCERT_QUEUE_MAX_ACTIVE", &settings::queue_max_active, 1, 10000000,
            "cap on ACTIVE tokens"),
    integer("CONCERT_TOKEN_TTL_SECONDS", &settings::token_ttl_seconds, 1, 604800,
            "life of an ACTIVE token"),
    integer("CONCERT_WALLET_IDLE_SECONDS", &settings::wallet_idle_seconds, 60, 604800,
            "a wallet with no request for this long leaves memory until the next one"),
    integer("CONCERT_STORE_WRITERS", &settings::store_writers, 1, 16,
            "database connections that write, each a thread of its own; a date's and a user's"
            " writes always go through the same one"),
    integer("CONCERT_MAX_HOLDS_PER_USER", &settings::max_holds_per_user, 1, 100,
            "concurrent holds per user"),
    text("CONCERT_ADMIN_TOKEN", &settings::admin_token, true,
         "bearer token for the admin port (empty = no auth)", hidden),
    integer("CONCERT_RATE_LIMIT_RPS", &settings::rate_limit_rps, 0, 1000000,
            "per-address requests a second (0 = off)"),
    networks("CONCERT_TRUSTED_PROXIES", &settings::trusted_proxies,
             "proxies (addresses or CIDRs) whose X-Forwarded-For names the client"),
    integer("CONCERT_NEW_USERS_PER_MINUTE", &settings::new_users_per_minute, 0, 1000000,
            "users one address may create a minute (0 = off)"),
    integer("CONCERT_NEW_TOKENS_PER_MINUTE", &settings::new_tokens_per_minute, 0, 1000000,
            "queue tokens one address may take a minute (0 = off)"),
    integer("CONCERT_MAX_HOLDS_PER_ADDRESS", &settings::max_holds_per_address, 0, 1000000,
            "live holds of all users of one address (0 = off)"),
    integer("CONCERT_REQUEST_TIMEOUT_MS", &settings::request_timeout_ms, 100, 600000,
            "whole-request deadline: head and body must arrive within it"),
    integer("CONCERT_IDLE_TIMEOUT_MS", &settings::idle_timeout_ms, 100, 600000,
            "keep-alive idle limit between requests"),
    integer("CONCERT_ACTOR_THREADS", &settings::actor_threads, 0, 64,
            "threads that run the actors (0 = one a core)"),
    integer("CONCERT_HTTP_THREADS", &settings::http_threads, 1, 64,
            "event-loop threads per port; each carries any number of connections"),
    integer("CONCERT_HTTP_QUEUE", &settings::http_queue, 1, 1000000,
            "connections the kernel holds before they are accepted (listen backlog)"),
    integer("CONCERT_MAX_STREAMS", &settings::max_streams, 1, 1000000,
            "open queue-position event streams before new ones get 503"),
    boolean("CONCERT_DEMO_CATALOG", &settings::demo_catalog,
            "load demo concerts into an empty catalogue"),
  };
  return all;
}

/// CONCERT_QUEUE_BATCH_SIZE -> --queue-batch-size
std::string flag_of(const std::string& variable) {
  std::string flag = "--";
  for (char c : variable.substr(std::strlen(prefix)))
    flag.push_back(c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return flag;
}

const spec* find_by_variable(const std::string& variable) {
  for (const auto& s : specs())
    if (s.variable == variable)
      return &s;
  return nullptr;
}

const spec* find_by_flag(const std::string& flag) {
  for (const auto& s : specs())
    if (flag_of(s.variable) == flag)
      return &s;
  return nullptr;
}

std::string trim(const std::string& s) {
  auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos)
    return {};
  auto end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

void apply_file(settings& s, const std::string& path, const std::string& origin_of_path) {
  std::ifstream in{path};
  if (!in)
    throw setting_error("CONCERT_CONFIG: \"" + path + "\" (" + origin_of_path
                        + ") cannot be read");
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    auto content = trim(line);
    if (content.empty() || content.front() == '#')
      continue;
    auto origin = "file " + path + ":" + std::to_string(number);
    auto eq = content.find('=');
    if (eq == std::string::npos)
      throw setting_error(origin + ": expected VARIABLE=value, got \"" + content + "\"");
    auto variable = trim(content.substr(0, eq));
    const auto* target = find_by_variable(variable);
    if (target == nullptr)
      throw setting_error(origin + ": unknown setting " + variable);
    target->assign(s, trim(content.substr(eq + 1)), origin);
  }
}

/// Flags as (flag, value) pairs; accepts `--name=value` and `--name value`.
std::vector<std::pair<std::string, std::string>> split_flags(const std::vector<std::string>& args,
                                                             bool& help) {
  std::vector<std::pair<std::string, std::string>> flags;
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      help = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0)
      throw setting_error("unexpected argument \"" + arg + "\" (see --help)");
    auto eq = arg.find('=');
    if (eq != std::string::npos) {
      flags.emplace_back(arg.substr(0, eq), arg.substr(eq + 1));
    } else if (i + 1 < args.size()) {
      flags.emplace_back(arg, args[i + 1]);
      ++i;
    } else {
      throw setting_error(arg + ": missing value (see --help)");
    }
  }
  return flags;
}

void check_together(const settings& s) {
  if (s.port != 0 && s.port == s.admin_port)
    throw setting_error("CONCERT_ADMIN_PORT: \"" + std::to_string(s.admin_port)
                        + "\" must differ from CONCERT_PORT");
}

} // namespace

load_result load(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& environment) {
  load_result result;
  auto flags = split_flags(args, result.help_requested);
  if (result.help_requested)
    return result;
  auto& s = result.values;
  std::optional<std::pair<std::string, std::string>> config_file;
  if (auto i = environment.find("CONCERT_CONFIG"); i != environment.end())
    config_file.emplace(i->second, "environment");
  for (const auto& [flag, value] : flags)
    if (flag == "--config")
      config_file.emplace(value, "flag --config");
  if (config_file)
    apply_file(s, config_file->first, config_file->second);
  for (const auto& [variable, value] : environment)
    if (const auto* target = find_by_variable(variable))
      target->assign(s, value, "environment");
  for (const auto& [flag, value] : flags) {
    if (flag == "--config")
      continue;
    const auto* target = find_by_flag(flag);
    if (target == nullptr)
      throw setting_error("unknown flag " + flag + " (see --help)");
    target->assign(s, value, "flag " + flag);
  }
  check_together(s);
  return result;
}

std::map<std::string, std::string> concert_environment(char** envp) {
  std::map<std::string, std::string> result;
  for (auto p = envp; p != nullptr && *p != nullptr; ++p) {
    std::string entry = *p;
    auto eq = entry.find('=');
    if (eq != std::string::npos && entry.rfind(prefix, 0) == 0)
      result.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return result;
}

nlohmann::json describe(const settings& s) {
  auto result = nlohmann::json::object();
  for (const auto& spec : specs())
    result[spec.variable] = spec.show(s);
  return result;
}

std::string mask_password(const std::string& database_url) {
  static const std::regex uri_password{R"((://[^:/@?]*:)[^@]*@)"};
  static const std::regex keyword_password{R"((password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+))",
                                           std::regex::icase};
  auto masked = std::regex_replace(database_url, uri_password, "$1***@");
  return std::regex_replace(masked, keyword_password, "$1***");
}

std::string usage() {
  std::ostringstream out;
  out << "usage: concertd [--flag value | --flag=value]...\n\n"
         "Each flag overrides its CONCERT_* variable, which overrides the file\n"
         "named by --config (or CONCERT_CONFIG), whose lines read VARIABLE=value.\n\n";
  settings defaults;
  for (const auto& spec : specs()) {
    out << "  " << flag_of(spec.variable) << " (" << spec.variable << ")\n      " << spec.help
        << "; default " << spec.show(defaults).dump() << "\n";
  }
  out << "  --config FILE (CONCERT_CONFIG)\n      a settings file\n";
  return out.str();
}

} // namespace concert::config
