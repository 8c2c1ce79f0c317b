#pragma once

#include <map>
#include <string>
#include <vector>

#include <sys/types.h>

#include <httplib.h>

namespace concert::testing {

/// How to start the server: environment on top of a clean one (PATH, ports
/// 0, and the per-address abuse limits off, since every test client shares
/// one address), and flags.
struct launch {
  std::map<std::string, std::string> env;
  std::vector<std::string> args;
  /// Keeps the server's own abuse limits (API.md's defaults) instead.
  bool default_abuse_limits = false;
};

/// The real build/concertd as a child process on free ports, its output in
/// a file. Started by the constructor, stopped by the destructor.
class server_process {
public:
  /// Starts against `database_url` and waits until /readyz answers 200.
  explicit server_process(const std::string& database_url, launch options = {});
  ~server_process();
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  int port() const {
    return port_;
  }

  int admin_port() const {
    return admin_port_;
  }

  /// A client of the public port.
  httplib::Client client() const;

  /// A client of the admin port, with the bearer token if one is set.
  httplib::Client admin() const;

  /// Sends `signal`, waits for the exit and returns the exit code, or
  /// 128 + the signal that ended it.
  int stop(int signal = SIGTERM);

  /// Everything the server wrote so far.
  std::string output() const;

private:
  void wait_until_ready();

  pid_t pid_ = -1;
  std::string output_path_;
  std::string admin_token_;
  int port_ = 0;
  int admin_port_ = 0;
};

/// What a server that stopped by itself left behind.
struct exit_result {
  int code = -1;
  std::string output;
};

/// Runs concertd until it exits on its own (at most 30 s), for settings and
/// databases that must stop it at start.
exit_result run_until_exit(const launch& options);

} // namespace concert::testing
