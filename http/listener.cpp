#include "http/listener.hpp"

#include <chrono>
#include <exception>

#include <sys/socket.h>

#include "actors/errors.hpp"
#include "http/client_address.hpp"
#include "http/problem.hpp"
#include "http/request_head.hpp"
#include "http/request_log.hpp"
#include "http/respond.hpp"
#include "http/wallets.hpp"
#include "http/worker_pool.hpp"
#include "support/log.hpp"
#include "support/user_key.hpp"

namespace concert::http {

namespace {

constexpr auto write_timeout = std::chrono::seconds{5};

/// What one request may make the server read, and how long it may take: a
/// request line of up to cpp-httplib's 8 KiB and the header bytes allowed,
/// then a body with room for chunked framing around its 64 KiB.
connection_stream::limits read_limits(const config::settings& s) {
  return {8 * 1024 + max_header_bytes + 4,
          8 * 1024 + max_header_bytes + 8 * max_body_bytes,
          std::chrono::milliseconds{s.request_timeout_ms},
          std::chrono::milliseconds{s.idle_timeout_ms},
          write_timeout};
}

/// cpp-httplib files the connection's endpoints among the request's
/// headers; they are not the client's.
bool added_by_library(const std::string& name) {
  return name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR"
         || name == "LOCAL_PORT";
}

/// The library reads a body for these methods only; it would take another
/// method's body for the next request.
bool reads_body(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

/// Ends the connection after this answer, so that bytes the server did not
/// read are never taken for the next request.
void close_after(httplib::Response& res) {
  res.set_header("Connection", "close");
  if (auto* stream = edge_server::serving())
    stream->close_after_answer();
}

/// Answers a request refused before its body was read, and closes.
void refuse_and_close(httplib::Response& res, const caf::error& why) {
  send_problem(res, problem_for(why));
  close_after(res);
}

/// Answers a request refused for who sent it; its connection may serve on
/// when no body is left unread.
void refuse_closing_if_unread(httplib::Response& res, const body_framing& framing, const caf::error& why) {
  send_problem(res, problem_for(why));
  if (framing.has_body())
    close_after(res);
}

/// The body, read through `read` up to max_body_bytes however it is framed
/// (cpp-httplib caps only bodies with a Content-Length).
caf::expected<std::string> read_body(const httplib::ContentReader& read) {
  std::string body;
  bool too_large = false;
  bool complete = read([&](const char* data, size_t size) {
    too_large = body.size() + size > max_body_bytes;
    if (!too_large)
      body.append(data, size);
    return !too_large;
  });
  auto* stream = edge_server::serving();
  if (too_large || (stream != nullptr && stream->request_overflowed()))
    return make_error(ec::payload_too_large);
  if (stream != nullptr && stream->timed_out())
    return make_error(ec::request_too_slow);
  if (!complete)
    return make_error(ec::invalid_request, "the request body could not be read");
  return body;
}

/// Runs `f`, a callback the library does not guard, so that nothing it
/// throws can end the process.
template <class F>
void never_throws(const char* what, F f) noexcept {
  try {
    f();
  } catch (...) {
    try {
      log::error("edge callback failed", {{"callback", what}});
    } catch (...) {
    }
  }
}

} // namespace

listener::listener(std::string name, router routes, const config::settings& s,
                   std::string bearer_token, int64_t rate_limit_rps)
  : name_(std::move(name)),
    routes_(std::move(routes)),
    bearer_token_(std::move(bearer_token)),
    limiter_(rate_limit_rps),
    trusted_proxies_(parse_networks(s.trusted_proxies).value_or(std::vector<network>{})),
    requests_(name_, routes_.route_list()),
    server_(read_limits(s)) {
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
  server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    begin_request(req, res);
    return screen(req, res) ? httplib::Server::HandlerResponse::Handled
                            : httplib::Server::HandlerResponse::Unhandled;
  });
  // screen() answers every request without a body; only those whose body
  // the library reads come here.
  auto read_then_dispatch = [this](const httplib::Request& req, httplib::Response& res,
                                   const httplib::ContentReader& read) {
    auto body = read_body(read);
    if (!body)
      return refuse_and_close(res, body.error());
    // The library hands handlers a const request it owns and no longer
    // reads from; the router takes the body where every route expects it.
    const_cast<httplib::Request&>(req).body = std::move(*body);
    routes_.dispatch(req, res);
  };
  server_.Post(".*", read_then_dispatch);
  server_.Put(".*", read_then_dispatch);
  server_.Patch(".*", read_then_dispatch);
  server_.Delete(".*", read_then_dispatch);
  server_.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    never_throws("log", [&] { log_request(name_, req, res, requests_); });
  });
  // cpp-httplib calls this for every status >= 400, also when a handler has
  // written its problem already; it fills in only what the library decided.
  // The library refuses a request it could not read (a broken request line
  // or header, a head over budget), so where that request ended is unknown:
  // the connection ends with the answer.
  server_.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    never_throws("error page", [&] {
      if (!res.body.empty())
        return;
      auto* stream = edge_server::serving();
      if (stream != nullptr && stream->timed_out())
        send_problem(res, problem_for(make_error(ec::request_too_slow)));
      else if (stream != nullptr && stream->head_overflowed())
        send_problem(res, problem_for(make_error(ec::headers_too_large)));
      else
        send_problem(res, problem_for_status(res.status));
      close_after(res);
    });
  });
  // Where a failed request's bytes end is unknown, so its connection ends.
  server_.set_exception_handler(
    [](const httplib::Request& req, httplib::Response& res, std::exception_ptr failure) {
      send_failure(req, res, failure);
      never_throws("close", [&] { close_after(res); });
    });
}

bool listener::screen(const httplib::Request& req, httplib::Response& res) {
  // The library would cut answers to a Range header, even a body that
  // shows a user's key once; this API serves whole answers only.
  const_cast<httplib::Request&>(req).ranges.clear();
  if (auto* stream = edge_server::serving(); stream != nullptr && stream->head_error()) {
    refuse_and_close(res, stream->head_error());
    return true;
  }
  head_check head;
  for (const auto& [name, value] : req.headers)
    if (!added_by_library(name))
      head.add(name, value);
  auto framing = head.finish();
  if (framing && req.version == "HTTP/1.1" && !head.has_host())
    framing = make_error(ec::invalid_request, "an HTTP/1.1 request needs a Host header");
  if (!framing) {
    refuse_and_close(res, framing.error());
    return true;
  }
  if (framing->has_body() && !reads_body(req.method)) {
    refuse_and_close(res, make_error(ec::invalid_request, req.method + " requests take no body"));
    return true;
  }
  current_request().client = client_address(req, trusted_proxies_);
  if (auto wait = limiter_.admit(current_request().client)) {
    res.set_header("Retry-After", std::to_string(wait));
    refuse_closing_if_unread(res, *framing, make_error(ec::rate_limited));
    return true;
  }
  if (!bearer_token_.empty()
      && !same_secret(bearer_credentials(req.get_header_value("Authorization")), bearer_token_)) {
    res.set_header("WWW-Authenticate", "Bearer");
    refuse_closing_if_unread(res, *framing, make_error(ec::unauthorized));
    return true;
  }
  if (framing->has_body())
    return false;
  // Without a declared body the request ends with its head: answer now
  // rather than let the library wait for a body until it times out.
  routes_.dispatch(req, res);
  return true;
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
  // cpp-httplib's stop() does nothing until the listening loop has begun,
  // so a stop right after start (another port failed to bind) would wait
  // forever for a loop that then runs on. It begins within microseconds.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
  while (!server_.is_running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
  return bound;
}

void listener::stop() {
  if (!thread_.joinable())
    return;
  server_.stop();
  thread_.join();
}

} // namespace concert::http
