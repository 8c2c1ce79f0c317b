#include "tests/support/server_process.hpp"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace concert::testing {

namespace {

using namespace std::chrono_literals;

std::string read_file(const std::string& path) {
  std::ifstream in{path};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Forks and execs concertd with exactly `options.env` plus what `launch`
/// promises, its output going to `output_path`.
pid_t spawn(const launch& options, const std::string& output_path) {
  std::map<std::string, std::string> env = {
    {"PATH", std::getenv("PATH") == nullptr ? "/usr/bin:/bin" : std::getenv("PATH")},
    {"CONCERT_PORT", "0"},
    {"CONCERT_ADMIN_PORT", "0"},
  };
  if (!options.default_abuse_limits)
    for (const char* limit : {"CONCERT_NEW_USERS_PER_MINUTE", "CONCERT_NEW_TOKENS_PER_MINUTE",
                              "CONCERT_MAX_HOLDS_PER_ADDRESS"})
      env[limit] = "0";
  // Under scripts/test --sanitize the server is sanitized too, and must
  // stop at its first report just as the tests do.
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"})
    if (const char* value = std::getenv(name))
      env[name] = value;
  for (const auto& [key, value] : options.env)
    env[key] = value;
  std::vector<std::string> env_lines;
  for (const auto& [key, value] : env)
    env_lines.push_back(key + "=" + value);
  std::vector<std::string> args = {CONCERTD_PATH};
  args.insert(args.end(), options.args.begin(), options.args.end());

  auto pid = fork();
  if (pid < 0)
    throw std::runtime_error("fork failed");
  if (pid == 0) {
    auto fd = open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& e : env_lines)
      envp.push_back(e.data());
    envp.push_back(nullptr);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  return pid;
}

std::string temp_output_path() {
  char path[] = "/tmp/concertd-test-XXXXXX";
  auto fd = mkstemp(path);
  if (fd < 0)
    throw std::runtime_error("mkstemp failed");
  close(fd);
  return path;
}

/// Waits up to `limit` for the child; returns its exit code, or -1 if it
/// is still running.
int wait_for_exit(pid_t pid, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid)
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (std::chrono::steady_clock::now() > deadline)
      return -1;
    std::this_thread::sleep_for(10ms);
  }
}

/// A sanitizer's report in the server's output fails the test, even when
/// the server's answers looked right: a leak is only reported at exit.
void expect_no_sanitizer_report(const std::string& output) {
  for (const char* mark : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", ": runtime error: "})
    if (output.find(mark) != std::string::npos) {
      ADD_FAILURE() << "concertd's sanitizer report:\n" << output;
      return;
    }
}

} // namespace

server_process::server_process(const std::string& database_url, launch options)
  : output_path_(temp_output_path()) {
  options.env.emplace("CONCERT_DATABASE_URL", database_url);
  if (auto i = options.env.find("CONCERT_ADMIN_TOKEN"); i != options.env.end())
    admin_token_ = i->second;
  pid_ = spawn(options, output_path_);
  try {
    wait_until_ready();
  } catch (...) {
    stop(SIGKILL);
    std::remove(output_path_.c_str());
    throw;
  }
}

void server_process::wait_until_ready() {
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (port_ == 0) {
    std::istringstream lines{output()};
    for (std::string line; std::getline(lines, line);) {
      auto entry = nlohmann::json::parse(line, nullptr, false);
      if (!entry.is_discarded() && entry.value("msg", "") == "listening") {
        port_ = entry.at("public_port").get<int>();
        admin_port_ = entry.at("admin_port").get<int>();
      }
    }
    if (port_ != 0)
      break;
    if (wait_for_exit(pid_, 20ms) >= 0) {
      pid_ = -1;
      throw std::runtime_error("concertd exited at start:\n" + output());
    }
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("concertd did not start listening:\n" + output());
  }
  auto admin_client = admin();
  for (;;) {
    auto res = admin_client.Get("/readyz");
    if (res && res->status == 200)
      return;
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("concertd did not become ready:\n" + output());
    std::this_thread::sleep_for(20ms);
  }
}

server_process::~server_process() {
  stop(SIGTERM);
  std::remove(output_path_.c_str());
}

httplib::Client server_process::client() const {
  httplib::Client c{"127.0.0.1", port_};
  c.set_read_timeout(20s);
  return c;
}

httplib::Client server_process::admin() const {
  httplib::Client c{"127.0.0.1", admin_port_};
  c.set_read_timeout(20s);
  if (!admin_token_.empty())
    c.set_bearer_token_auth(admin_token_.c_str());
  return c;
}

int server_process::stop(int signal) {
  if (pid_ < 0)
    return -1;
  kill(pid_, signal);
  auto code = wait_for_exit(pid_, 15s);
  if (code < 0) {
    kill(pid_, SIGKILL);
    code = wait_for_exit(pid_, 5s);
  }
  pid_ = -1;
  expect_no_sanitizer_report(output());
  return code;
}

std::string server_process::output() const {
  return read_file(output_path_);
}

exit_result run_until_exit(const launch& options) {
  auto path = temp_output_path();
  auto pid = spawn(options, path);
  auto code = wait_for_exit(pid, 30s);
  if (code < 0) {
    kill(pid, SIGKILL);
    wait_for_exit(pid, 5s);
  }
  exit_result result{code, read_file(path)};
  std::remove(path.c_str());
  expect_no_sanitizer_report(result.output);
  return result;
}

} // namespace concert::testing
