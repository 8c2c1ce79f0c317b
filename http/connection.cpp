#include "http/connection.hpp"

#include <string_view>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/write.hpp>

#include "actors/errors.hpp"
#include "http/client_address.hpp"
#include "http/problem.hpp"
#include "http/request_head.hpp"
#include "http/respond.hpp"
#include "http/stream_sink.hpp"
#include "http/wallets.hpp"
#include "support/user_key.hpp"

namespace concert::http {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

/// A request line of up to 8 KiB, then the header bytes allowed with room
/// for the colons and line ends of the most lines allowed.
constexpr size_t max_request_line = 8 * 1024;
constexpr size_t max_head = max_request_line + max_header_bytes + 4 * max_header_lines + 4;
/// All one request may make the server read: its head, and a body with
/// room for chunked framing around its 64 KiB.
constexpr size_t max_request = max_head + 8 * max_body_bytes;
/// Unparsed bytes of a body: a chunk's size line cannot be longer.
constexpr size_t max_unparsed_body = 4 * 1024;
constexpr auto linger_time = std::chrono::seconds{1};
constexpr size_t max_linger_bytes = 64 * 1024;

/// The answer's deadline, past one ask's own. A route that chains several
/// asks against a database slow enough to use most of each can outlast it:
/// the client then gets 503 while a write may still commit, which is what
/// an Idempotency-Key on the retry is for.
constexpr auto answer_timeout = reply_timeout + std::chrono::seconds{1};

std::string text(boost::beast::string_view view) {
  return {view.data(), view.size()};
}

/// The methods whose requests may carry a body.
bool takes_body(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

/// What a Beast parse error tells the client.
caf::error refusal_of(const error_code& failure) {
  if (failure == bhttp::error::header_limit)
    return make_error(ec::headers_too_large);
  if (failure == bhttp::error::body_limit || failure == bhttp::error::buffer_overflow)
    return make_error(ec::payload_too_large);
  if (failure == bhttp::error::bad_content_length)
    return make_error(ec::invalid_request, "Content-Length: must be decimal digits, given once");
  return make_error(ec::invalid_request, "the request could not be read: " + failure.message());
}

} // namespace

connection::connection(const std::shared_ptr<event_loop>& loop, std::shared_ptr<edge_shared> edge,
                       asio::ip::tcp::socket socket)
  : loop_(*loop),
    loop_ref_(loop),
    edge_(std::move(edge)),
    socket_(std::move(socket)),
    timer_(loop->context) {
  error_code ignored;
  remote_ = socket_.remote_endpoint(ignored).address().to_string();
  socket_.set_option(asio::ip::tcp::no_delay{true}, ignored);
  socket_.non_blocking(true, ignored);
}

connection::~connection() {
  // Only a loop being destroyed drops an open connection.
  if (!closed_)
    loop_.open.erase(this);
}

void connection::start() {
  loop_.open.insert(this);
  if (loop_.stopping)
    return close();
  idle();
}

void connection::drain() {
  draining_ = true;
  close_after_ = true;
  if (phase_ == phase::idle || phase_ == phase::streaming)
    close();
}

void connection::close() {
  if (closed_)
    return;
  closed_ = true;
  error_code ignored;
  timer_.cancel(ignored);
  socket_.close(ignored);
  loop_.open.erase(this);
  loop_.closed_one();
  for (auto& [bytes, sent] : events_)
    sent(0);
  events_.clear();
  // Last: this may be what keeps the connection.
  auto released = std::move(self_hold_);
}

void connection::read_more() {
  // One read at a time: a refusal at the deadline leaves one pending.
  if (read_pending_)
    return;
  read_pending_ = true;
  // Waiting for bytes takes no buffer, so a connection that waits costs
  // only its state; what comes is read into the loop's scratch space.
  socket_.async_wait(asio::ip::tcp::socket::wait_read,
                     [self = shared_from_this()](const error_code& failure) {
                       self->read_pending_ = false;
                       if (failure)
                         return self->on_read(failure, 0);
                       error_code read_failure;
                       auto n = self->socket_.read_some(asio::buffer(self->loop_.scratch),
                                                        read_failure);
                       if (read_failure == asio::error::would_block)
                         return self->read_more();
                       self->on_read(read_failure, n);
                     });
}

void connection::on_read(const error_code& failure, size_t n) {
  if (closed_)
    return;
  // A client that only shut its sending side still reads its stream; one
  // that has gone is found by the next write. No read is pending now to
  // keep the connection, so it keeps itself until it closes.
  if (failure == asio::error::eof && phase_ == phase::streaming) {
    self_hold_ = shared_from_this();
    return;
  }
  if (failure)
    return close();
  switch (phase_) {
    case phase::idle:
      buffer_.append(loop_.scratch.data(), n);
      begin_request();
      return parse();
    case phase::reading:
      buffer_.append(loop_.scratch.data(), n);
      request_bytes_ += n;
      return parse();
    case phase::streaming:
      // Nothing a client sends now is read as a request; reading only
      // finds out when it leaves.
      return read_more();
    case phase::lingering:
      // A client that goes on sending after its answer is cut off.
      lingered_ += n;
      if (lingered_ > max_linger_bytes)
        return close();
      return read_more();
    case phase::answering:
    case phase::writing:
      return;
  }
}

void connection::begin_request() {
  phase_ = phase::reading;
  request_bytes_ = buffer_.size();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(max_head));
  // The head rules refuse a declared length over the body limit
  // themselves, with the request's identity, so until they have run the
  // parser only holds the request to its whole budget. (Beast 1.74 takes
  // boost::none here as a limit below every length.)
  parser_->body_limit(std::uint64_t{max_request});
  head_ = head_lines{};
  head_fed_ = 0;
  head_seen_ = 0;
  request_line_ended_ = false;
  head_checked_ = false;
  client_ = remote_;
  request_deadline_ = std::chrono::steady_clock::now() + edge_->request_timeout;
  arm_at(request_deadline_);
}

void connection::consume(size_t n) {
  buffer_.erase(0, n);
  head_fed_ = n > head_fed_ ? 0 : head_fed_ - n;
}

void connection::parse() {
  for (;;) {
    if (!parser_->is_header_done() && head_seen_ == 0) {
      // RFC 9112 2.2: empty lines before a request line are ignored.
      size_t blank = 0;
      while (buffer_.compare(blank, 2, "\r\n") == 0)
        blank += 2;
      consume(blank);
      // Only empty lines so far: the connection is still idle.
      if (buffer_.empty())
        return idle();
      if (buffer_ == "\r")
        return read_more();
    }
    if (!parser_->is_header_done() && head_fed_ < buffer_.size()) {
      auto fresh = std::string_view{buffer_}.substr(head_fed_);
      if (!request_line_ended_) {
        auto end = fresh.find('\n');
        request_line_ended_ = end != std::string_view::npos;
        if (head_seen_ + std::min(end, fresh.size()) > max_request_line)
          return refuse_with_status(414);
      }
      head_seen_ += fresh.size();
      head_.feed(fresh.data(), fresh.size());
      head_fed_ = buffer_.size();
      if (head_.error())
        return refuse(head_.error());
    }
    if (parser_->is_header_done() && !head_checked_) {
      if (!head_allowed())
        return;
      head_checked_ = true;
      parser_->eager(true);
      parser_->body_limit(max_body_bytes);
      // curl and others wait a second for this before sending a body.
      if (!parser_->is_done()
          && same_name(text(parser_->get()[bhttp::field::expect]), "100-continue")
          && parser_->get().version() == 11)
        return send_continue();
    }
    if (parser_->is_done())
      return dispatch();
    if (request_bytes_ > max_request)
      return refuse(make_error(ec::payload_too_large));
    if (buffer_.empty())
      return read_more();
    error_code failure;
    auto used = parser_->put(asio::buffer(buffer_), failure);
    consume(used);
    if (failure == bhttp::error::need_more) {
      if (parser_->is_header_done() && buffer_.size() > max_unparsed_body)
        return refuse(make_error(ec::invalid_request, "a chunk's size line is too long"));
      return read_more();
    }
    if (failure)
      return refuse(refusal_of(failure));
  }
}

void connection::send_continue() {
  static const std::string go_on = "HTTP/1.1 100 Continue\r\n\r\n";
  // Writing: the request's deadline waits until the line is out, so two
  // writes never overlap.
  phase_ = phase::writing;
  arm(edge_->write_timeout);
  asio::async_write(socket_, asio::buffer(go_on),
                    [self = shared_from_this()](const error_code& failure, size_t) {
                      if (self->closed_)
                        return;
                      if (failure)
                        return self->close();
                      self->phase_ = phase::reading;
                      self->arm_at(self->request_deadline_);
                      self->parse();
                    });
}

bool connection::head_allowed() {
  const auto& msg = parser_->get();
  // The request as its head has it; a body joins it later, trailer fields
  // never (RFC 9110 6.5.1 lets a recipient discard them, and no rule here
  // checked them).
  bool target_is_path = false;
  request_ = head_request(target_is_path);
  head_check head;
  for (const auto& field : msg)
    head.add(text(field.name_string()), text(field.value()));
  auto framing = head.finish();
  if (framing && msg.version() >= 11 && !head.has_host())
    framing = make_error(ec::invalid_request, "an HTTP/1.1 request needs a Host header");
  if (!framing) {
    refuse(framing.error());
    return false;
  }
  if (!target_is_path) {
    refuse(make_error(ec::invalid_request, "the request target is not a path"));
    return false;
  }
  if (framing->has_body() && !takes_body(request_.method)) {
    refuse(make_error(ec::invalid_request, request_.method + " requests take no body"));
    return false;
  }
  // RFC 9112 6.1: an HTTP/1.0 message with Transfer-Encoding has faulty
  // framing, whatever else it says, so nothing may follow it.
  if (msg.version() < 11 && framing->how == body_framing::kind::chunked)
    close_after_ = true;
  client_ = client_address(request_, edge_->trusted_proxies);
  // A refusal for who sent the request leaves a keep-alive connection
  // serving on when no body is left unread.
  auto refuse_sender = [&](const caf::error& why, const char* header, std::string value) {
    auto x = refusal(framing->has_body() || !parser_->keep_alive());
    x->res().set_header(header, std::move(value));
    x->fail(why);
  };
  if (auto wait = edge_->limiter.admit(client_)) {
    refuse_sender(make_error(ec::rate_limited), "Retry-After", std::to_string(wait));
    return false;
  }
  if (!edge_->bearer_token.empty()
      && !same_secret(bearer_credentials(request_.header("Authorization")), edge_->bearer_token)) {
    refuse_sender(make_error(ec::unauthorized), "WWW-Authenticate", "Bearer");
    return false;
  }
  return true;
}

request connection::head_request(bool& target_is_path) const {
  const auto& msg = parser_->get();
  request req;
  req.remote_addr = remote_;
  req.method = text(msg.method_string());
  req.version = msg.version() == 10 ? "HTTP/1.0" : "HTTP/1.1";
  target_is_path = split_target(text(msg.target()), req.path, req.query);
  if (!target_is_path)
    req.path = text(msg.target());
  for (const auto& field : msg)
    req.headers.emplace_back(text(field.name_string()), text(field.value()));
  return req;
}

void connection::dispatch() {
  close_after_ = close_after_ || !parser_->keep_alive();
  request_.body = std::move(parser_->get().body());
  auto x = new_exchange(std::move(request_));
  parser_.reset();
  x->guarded([&] { edge_->routes.dispatch(x); });
}

void connection::refuse(const caf::error& why) {
  refusal(true)->fail(why);
}

void connection::refuse_with_status(int status) {
  auto x = refusal(true);
  send_problem(x->res(), problem_for_status(status));
  x->finish();
}

exchange_ptr connection::refusal(bool then_close) {
  close_after_ = close_after_ || then_close;
  // Before its head is whole, a request is known by its peer alone.
  if (parser_ && parser_->is_header_done())
    return new_exchange(std::move(request_));
  request partial;
  partial.remote_addr = remote_;
  partial.version = "HTTP/1.1";
  return new_exchange(std::move(partial));
}

exchange_ptr connection::new_exchange(request req) {
  phase_ = phase::answering;
  arm(answer_timeout);
  auto generation = ++generation_;
  auto x = std::make_shared<exchange>(
    edge_->asking, std::move(req),
    [self = weak_from_this(), loop = loop_ref_, generation](exchange_ptr finished) {
      // The edge may be gone; then nobody reads the answer.
      auto l = loop.lock();
      if (!l)
        return;
      asio::post(l->context, [self, generation, finished] {
        if (auto c = self.lock())
          c->answered(generation, finished);
      });
    });
  x->context().client = client_;
  answering_ = x;
  return x;
}

void connection::answered(uint64_t generation, const exchange_ptr& x) {
  if (closed_ || generation != generation_ || phase_ != phase::answering)
    return;
  answering_.reset();
  if (x->stream_opener())
    return open_stream(x);
  write_answer(x, std::move(x->res()), x->context());
}

namespace {

/// An answer's status line and fields. RFC 9110 6.2: the version is the
/// highest the server conforms to, whatever the client's minor version.
template <class Body>
void start_answer(bhttp::response<Body>& out, const response& res) {
  out.version(11);
  out.result(static_cast<unsigned>(res.status));
  for (const auto& [name, value] : res.headers)
    out.insert(name, value);
}

} // namespace

void connection::write_answer(const exchange_ptr& x, response res, request_context context) {
  phase_ = phase::writing;
  arm(edge_->write_timeout);
  const auto& req = x->req();
  auto& out = out_.emplace();
  start_answer(out, res);
  if (req.method == "HEAD") {
    out.content_length(res.body.size());
  } else {
    out.body() = std::move(res.body);
    out.prepare_payload();
  }
  out.keep_alive(!close_after_);
  // An HTTP/1.0 client keeps the connection only when told it may.
  if (!close_after_ && req.version == "HTTP/1.0")
    out.set(bhttp::field::connection, "keep-alive");
  written_ = x;
  written_context_ = std::move(context);
  written_status_ = res.status;
  bhttp::async_write(socket_, out, [self = shared_from_this()](const error_code& failure, size_t) {
    self->written(failure);
  });
}

void connection::log(const exchange_ptr& x, int status,
                     const request_context& context) const noexcept {
  try {
    log_request(edge_->name, x->req(), status, context, edge_->requests);
  } catch (...) {
  }
}

void connection::written(const error_code& failure) {
  if (written_)
    log(written_, written_status_, written_context_);
  written_.reset();
  out_.reset();
  if (closed_)
    return;
  if (failure)
    return close();
  if (close_after_)
    return linger();
  if (!buffer_.empty()) {
    begin_request();
    return parse();
  }
  idle();
}

void connection::idle() {
  phase_ = phase::idle;
  parser_.reset();
  // A connection that waits keeps no buffer from its last request.
  std::string{}.swap(buffer_);
  arm(edge_->idle_timeout);
  read_more();
}

void connection::open_stream(const exchange_ptr& x) {
  phase_ = phase::writing;
  arm(edge_->write_timeout);
  auto& head = stream_head_.emplace();
  start_answer(head, x->res());
  // The stream's length is unknown, so it ends when the connection does.
  head.set(bhttp::field::connection, "close");
  auto serializer = std::make_shared<bhttp::response_serializer<bhttp::empty_body>>(head);
  bhttp::async_write_header(
    socket_, *serializer,
    [self = shared_from_this(), x, serializer](const error_code& failure, size_t) {
      self->log(x, x->res().status, x->context());
      if (self->closed_)
        return;
      if (failure || self->draining_)
        return self->close();
      self->phase_ = phase::streaming;
      error_code ignored;
      self->timer_.cancel(ignored);
      // Whatever the client sent after this request is never run.
      self->buffer_.clear();
      x->stream_opener()(std::make_shared<stream_sink>(self, self->loop_ref_));
      self->read_more();
    });
}

void connection::write_event(std::string bytes, std::function<void(size_t)> sent) {
  if (closed_ || phase_ != phase::streaming)
    return sent(0);
  events_.emplace_back(std::move(bytes), std::move(sent));
  if (!writing_event_)
    write_next_event();
}

void connection::end_stream() {
  if (closed_)
    return;
  if (events_.empty() && !writing_event_)
    return linger();
  // What is queued, the final event among it, goes out first; a client
  // that does not take it within the write deadline is cut off.
  ending_stream_ = true;
  arm(edge_->write_timeout);
}

void connection::write_next_event() {
  if (events_.empty() || closed_) {
    writing_event_ = false;
    if (ending_stream_ && !closed_)
      linger();
    return;
  }
  writing_event_ = true;
  asio::async_write(socket_, asio::buffer(events_.front().first),
                    [self = shared_from_this()](const error_code& failure, size_t) {
                      if (self->closed_)
                        return;
                      auto [bytes, sent] = std::move(self->events_.front());
                      self->events_.pop_front();
                      sent(failure ? 0 : bytes.size());
                      if (failure)
                        return self->close();
                      self->write_next_event();
                    });
}

void connection::linger() {
  phase_ = phase::lingering;
  lingered_ = 0;
  error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  arm(linger_time);
  read_more();
}

void connection::arm(std::chrono::milliseconds after) {
  arm_at(std::chrono::steady_clock::now() + after);
}

void connection::arm_at(std::chrono::steady_clock::time_point when) {
  auto generation = ++timer_generation_;
  timer_.expires_at(when);
  timer_.async_wait([self = shared_from_this(), generation](const error_code& failure) {
    if (failure || generation != self->timer_generation_ || self->closed_)
      return;
    self->on_timer();
  });
}

void connection::on_timer() {
  switch (phase_) {
    case phase::idle:
    case phase::writing:
    case phase::lingering:
    case phase::streaming:
      return close();
    case phase::reading:
      return refuse(make_error(ec::request_too_slow));
    case phase::answering: {
      // The actors did not answer in time; a late answer is dropped.
      auto late = std::move(answering_);
      ++generation_;
      close_after_ = true;
      response res;
      res.set_header("X-Request-Id", late->context().request_id);
      send_problem(res, problem_for_status(503));
      return write_answer(late, std::move(res), late->context());
    }
  }
}

} // namespace concert::http
