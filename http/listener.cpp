#include "http/listener.hpp"

#include <chrono>
#include <exception>

#include <sys/socket.h>

#include "actors/errors.hpp"
#include "http/problem.hpp"
#include "http/request_log.hpp"
#include "http/worker_pool.hpp"
#include "support/log.hpp"

namespace concert::http {

namespace {

constexpr size_t max_body_bytes = 64 * 1024;
constexpr auto io_timeout = std::chrono::seconds{5};

/// Compares in time that depends on the length only, not on where the first
/// difference is.
bool same_secret(const std::string& given, const std::string& expected) {
  if (given.size() != expected.size())
    return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < given.size(); ++i)
    diff |= static_cast<unsigned char>(given[i] ^ expected[i]);
  return diff == 0;
}

} // namespace

listener::listener(std::string name, router routes, const config::settings& s,
                   std::string bearer_token, int64_t rate_limit_rps)
  : name_(std::move(name)),
    routes_(std::move(routes)),
    bearer_token_(std::move(bearer_token)),
    limiter_(rate_limit_rps),
    requests_(name_, routes_.route_list()) {
  backlog_ = static_cast<int>(s.http_queue);
  auto threads = static_cast<size_t>(s.http_threads);
  auto queued = static_cast<size_t>(s.http_queue);
  server_.new_task_queue = [threads, queued] { return new worker_pool(threads, queued); };
  server_.set_tcp_nodelay(true);
  // The library's default adds SO_REUSEPORT, which lets a second server
  // share the port silently; a taken port must fail the start instead.
  server_.set_socket_options([this](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    socket_ = sock;
  });
  server_.set_payload_max_length(max_body_bytes);
  server_.set_read_timeout(io_timeout);
  server_.set_write_timeout(io_timeout);
  server_.set_keep_alive_timeout(io_timeout.count());
  server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    begin_request(req, res);
    if (auto wait = limiter_.admit(req.remote_addr)) {
      res.set_header("Retry-After", std::to_string(wait));
      send_problem(res, problem_for(make_error(ec::rate_limited)));
      return httplib::Server::HandlerResponse::Handled;
    }
    if (bearer_token_.empty()
        || same_secret(req.get_header_value("Authorization"), "Bearer " + bearer_token_))
      return httplib::Server::HandlerResponse::Unhandled;
    res.set_header("WWW-Authenticate", "Bearer");
    send_problem(res, problem_for(make_error(ec::unauthorized)));
    return httplib::Server::HandlerResponse::Handled;
  });
  auto dispatch = [this](const httplib::Request& req, httplib::Response& res) {
    routes_.dispatch(req, res);
  };
  server_.Get(".*", dispatch);
  server_.Post(".*", dispatch);
  server_.Put(".*", dispatch);
  server_.Patch(".*", dispatch);
  server_.Delete(".*", dispatch);
  server_.Options(".*", dispatch);
  server_.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    log_request(name_, req, res, requests_);
  });
  // cpp-httplib calls this for every status >= 400, also when a handler has
  // written its problem already; it fills in only what the library decided.
  server_.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty())
      send_problem(res, problem_for_status(res.status));
  });
  server_.set_exception_handler(
    [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
      std::string what = "unknown exception";
      try {
        std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      log::error("request failed",
                 {{"listener", name_}, {"method", req.method}, {"path", req.path}, {"error", what}});
      send_problem(res, problem_for(caf::error{}));
      res.status = 500;
    });
}

listener::~listener() {
  stop();
}

int listener::start(const std::string& host, int port, const std::string& setting) {
  int bound = port;
  if (port == 0)
    bound = server_.bind_to_any_port(host);
  else if (!server_.bind_to_port(host, port))
    bound = -1;
  if (bound <= 0)
    throw bind_error(setting + ": cannot listen on " + host + ":" + std::to_string(port)
                     + " (in use, or not an address of this machine)");
  // cpp-httplib 0.11 listens with a backlog of 5, so a burst of connects
  // overflows it and the kernel resets connections; listening again on the
  // bound socket raises the backlog.
  ::listen(socket_, backlog_);
  thread_ = std::thread{[this] { server_.listen_after_bind(); }};
  return bound;
}

void listener::stop() {
  if (!thread_.joinable())
    return;
  server_.stop();
  thread_.join();
}

} // namespace concert::http
