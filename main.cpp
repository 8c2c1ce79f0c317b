// concertd: concert seat reservations on actors. See README.md.

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>
#include <nlohmann/json.hpp>

#include "actors/catalog.hpp"
#include "actors/demo_catalog.hpp"
#include "actors/memory_trimmer.hpp"
#include "actors/queue.hpp"
#include "actors/user_directory.hpp"
#include "config/settings.hpp"
#include "http/admin_routes.hpp"
#include "http/event_streams.hpp"
#include "http/ask.hpp"
#include "http/edge.hpp"
#include "http/public_routes.hpp"
#include "persistence/migrations.hpp"
#include "persistence/store_router.hpp"
#include "support/log.hpp"
#include "support/time.hpp"

extern char** environ;

namespace {

using namespace concert;

/// Fatal start errors are one plain line, readable without a log parser.
int fail(const std::string& line, int exit_code = 1) {
  std::string flat;
  for (char c : line)
    flat.push_back(c == '\n' || c == '\t' ? ' ' : c);
  std::cerr << "concertd: " << flat << std::endl;
  return exit_code;
}

/// SIGINT and SIGTERM are taken by sigwait on the main thread; blocking them
/// before any thread starts keeps them away from every other thread.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return set;
}

/// Every connection is a file descriptor, and a crowd of them is what the
/// edge is for; the usual soft limit of 1024 is far too few, so take what
/// the hard limit allows.
void raise_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

/// The log line of a stop cut short, written from a signal handler, which
/// may only write(2) what was formatted before.
std::string cut_short_line;

extern "C" void exit_now(int) {
  [[maybe_unused]] auto written = ::write(STDERR_FILENO, cut_short_line.data(), cut_short_line.size());
  std::_Exit(0);
}

/// The contract bounds a stop, whatever clients and the database do. The
/// edges keep their part of it; the actors' shutdown waits for the store,
/// whose thread a hung database holds in libpq. Past the bound (a timer,
/// SIGALRM) the process exits anyway: nothing unanswered was acknowledged,
/// and what the store had sent commits or rolls back whole in PostgreSQL.
void exit_after(std::chrono::milliseconds bound) {
  cut_short_line = nlohmann::ordered_json{
    {"ts", format_timestamp(std::chrono::system_clock::now() + bound)},
    {"level", "error"},
    {"msg", "stopping took too long; exiting without waiting for the actors"},
  }.dump() + "\n";
  struct sigaction action {};
  action.sa_handler = exit_now;
  sigaction(SIGALRM, &action, nullptr);
  itimerval timer{};
  timer.it_value.tv_sec = bound.count() / 1000;
  timer.it_value.tv_usec = (bound.count() % 1000) * 1000;
  setitimer(ITIMER_REAL, &timer, nullptr);
}

void migrate(const std::string& database_url) {
  pg::connection db{database_url};
  auto applied = persistence::migrate(db);
  log::info("schema up to date", {{"migrations_applied", applied}});
}

/// Rebuilds actor state from the database, then adds the demo catalogue to
/// an empty one if asked.
caf::error recover(const http::services& s, bool demo_catalog) {
  auto tokens = http::ask<int32_t>(s.system, s.queue, atom::recover_v);
  if (!tokens)
    return tokens.error();
  auto concerts = http::ask<int32_t>(s.system, s.catalog, atom::recover_v);
  if (!concerts)
    return concerts.error();
  log::info("state recovered", {{"concerts", *concerts}, {"live_tokens", *tokens}});
  if (!demo_catalog || *concerts > 0)
    return {};
  for (auto& c : demo_concerts(std::chrono::system_clock::now())) {
    auto created = http::ask<concert_info>(s.system, s.catalog, atom::create_v, c);
    if (!created)
      return created.error();
    log::info("demo concert added", {{"date", c.date}, {"title", c.title}});
  }
  return {};
}

queue_settings queue_settings_of(const config::settings& s) {
  return {s.queue_batch_size, std::chrono::milliseconds{s.queue_interval_ms}, s.queue_max_active,
          std::chrono::milliseconds{s.token_ttl_seconds * 1000}};
}

size_t actor_threads_of(const config::settings& s) {
  if (s.actor_threads > 0)
    return static_cast<size_t>(s.actor_threads);
  return std::max(1u, std::thread::hardware_concurrency());
}

/// Ends the actors however main returns; the actor system waits for them.
struct actors_guard {
  std::vector<caf::actor> actors;
  ~actors_guard() {
    for (auto& a : actors)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }
};

} // namespace

int main(int argc, char** argv) {
  auto stop_signals = block_stop_signals();
  raise_file_limit();
  config::settings settings;
  try {
    auto loaded = config::load({argv + 1, argv + argc}, config::concert_environment(environ));
    if (loaded.help_requested) {
      std::cout << config::usage();
      return 0;
    }
    settings = loaded.values;
  } catch (const config::setting_error& e) {
    return fail(e.what(), 2);
  }
  log::info("starting", {{"settings", config::describe(settings)}});
  try {
    migrate(settings.database_url);
  } catch (const pg::db_error& e) {
    return fail(std::string{"CONCERT_DATABASE_URL: cannot use the database: "} + e.what());
  }

  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::concert>();
  cfg.set("scheduler.max-threads", actor_threads_of(settings));
  caf::actor_system system{cfg};
  auto stores = spawn_store(system, settings.database_url,
                            static_cast<size_t>(settings.store_writers));
  auto published = std::make_shared<published_state>();
  auto trimmer = system.spawn<caf::detached>(concert::memory_trimmer, caf::timespan{trim_settle},
                                             caf::timespan{trim_gap});
  auto queue = system.spawn(concert::queue, queue_settings_of(settings), stores.router, published,
                            trimmer);
  auto catalog = system.spawn(concert::catalog, stores,
                              std::chrono::milliseconds{settings.hold_seconds * 1000}, published);
  auto users = system.spawn(concert::user_directory, stores, catalog, queue, trimmer,
                            static_cast<int32_t>(settings.max_holds_per_user),
                            std::chrono::milliseconds{settings.wallet_idle_seconds * 1000});
  auto streams = system.spawn(http::event_streams, queue, http::keep_alive_interval);
  actors_guard guard{{caf::actor_cast<caf::actor>(stores.router), caf::actor_cast<caf::actor>(queue),
                      caf::actor_cast<caf::actor>(catalog), caf::actor_cast<caf::actor>(users),
                      caf::actor_cast<caf::actor>(streams), caf::actor_cast<caf::actor>(trimmer)}};
  std::atomic<bool> recovered{false};
  http::abuse_limits limits{settings};
  http::services services{system,    catalog,   users, queue, streams, published,
                          settings.max_streams, recovered, {},    limits};

  http::edge public_api{"public", http::public_routes(services), settings, system, {},
                        settings.rate_limit_rps};
  http::edge admin_api{"admin", http::admin_routes(services), settings, system,
                       settings.admin_token};
  services.http_metrics = {&public_api.requests(), &admin_api.requests()};
  try {
    auto port = public_api.start(settings.bind, static_cast<int>(settings.port), "CONCERT_PORT");
    auto admin_port = admin_api.start(settings.bind, static_cast<int>(settings.admin_port),
                                      "CONCERT_ADMIN_PORT");
    auto url = [&](int p) { return "http://" + settings.bind + ":" + std::to_string(p); };
    log::info("listening", {{"public", url(port)}, {"admin", url(admin_port)},
                            {"public_port", port}, {"admin_port", admin_port}});
  } catch (const http::bind_error& e) {
    return fail(e.what());
  }

  if (auto err = recover(services, settings.demo_catalog))
    return fail("cannot recover state from the database: " + caf::to_string(err));
  recovered = true;
  log::info("ready");

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  log::info("stopping", {{"signal", signal_number == SIGINT ? "SIGINT" : "SIGTERM"}});
  auto request_timeout = std::chrono::milliseconds{settings.request_timeout_ms};
  exit_after(request_timeout + std::chrono::milliseconds{900});
  // What is in flight may finish, what trickles is cut off at its request
  // deadline.
  auto budget = request_timeout + std::chrono::milliseconds{500};
  std::thread admin_stop{[&] { admin_api.stop(budget); }};
  public_api.stop(budget);
  admin_stop.join();
  log::info("stopped");
  return 0;
}
