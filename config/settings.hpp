#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace concert::config {

/// Every setting of the server, with API.md's defaults.
struct settings {
  std::string bind = "127.0.0.1";
  int64_t port = 8080;
  int64_t admin_port = 8081;
  /// Empty means libpq's own defaults (PGHOST, PGDATABASE, ...).
  std::string database_url;
  int64_t hold_seconds = 300;
  int64_t queue_batch_size = 100;
  int64_t queue_interval_ms = 1000;
  int64_t queue_max_active = 1000;
  int64_t token_ttl_seconds = 600;
  int64_t max_holds_per_user = 4;
  /// A wallet with no request for this long leaves memory; the next
  /// request loads it again.
  int64_t wallet_idle_seconds = 300;
  int64_t store_writers = 2;
  /// Empty means the admin port asks for no credentials.
  std::string admin_token;
  int64_t rate_limit_rps = 0;
  /// Addresses and networks whose X-Forwarded-For names the client;
  /// checked to parse at load (support/networks.hpp).
  std::string trusted_proxies;
  /// Abuse limits per source address; 0 turns one off.
  int64_t new_users_per_minute = 20;
  int64_t new_tokens_per_minute = 60;
  int64_t max_holds_per_address = 20;
  /// A request's whole head and body must arrive within this; a
  /// keep-alive connection may idle this long between requests.
  int64_t request_timeout_ms = 10000;
  int64_t idle_timeout_ms = 5000;
  /// Event-loop threads per HTTP port; a connection costs memory, not a
  /// thread, so a few carry them all.
  int64_t http_threads = 1;
  /// Threads of CAF's scheduler; 0 means one a core. CAF's own default is
  /// at least four, which on two cores spends more time looking for work.
  int64_t actor_threads = 0;
  /// The listen backlog of each port.
  int64_t http_queue = 1024;
  /// Open Server-Sent Events streams before new ones are refused.
  int64_t max_streams = 10000;
  /// Loads a few demo concerts when the catalogue is empty.
  bool demo_catalog = false;
};

/// A setting that cannot be used. `what()` is the single line to print: it
/// names the setting, where the value came from, and what is wrong with it.
class setting_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// The outcome of reading the command line: settings to run with, or a
/// request for the help text.
struct load_result {
  settings values;
  bool help_requested = false;
};

/// Reads the settings: defaults, then the file named by `--config` (or
/// CONCERT_CONFIG), then CONCERT_* environment variables, then flags; each
/// later source overrides the earlier. Throws setting_error.
load_result load(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& environment);

/// The CONCERT_* variables of a process environment.
std::map<std::string, std::string> concert_environment(char** envp);

/// The effective settings for the start log, secrets masked.
nlohmann::json describe(const settings& s);

/// Hides the password of a libpq URI or key=value connection string.
std::string mask_password(const std::string& database_url);

/// The --help text: every flag, its variable and its default.
std::string usage();

} // namespace concert::config
