#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <tuple>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/error.hpp>
#include <caf/event_based_actor.hpp>
#include <nlohmann/json.hpp>

#include "actors/timeouts.hpp"
#include "actors/view_json.hpp"
#include "http/askers.hpp"
#include "http/message.hpp"
#include "http/request_log.hpp"

namespace concert::http {

class exchange;
using exchange_ptr = std::shared_ptr<exchange>;

/// A sink for the events of a response that streams (Server-Sent Events):
/// the connection it was answered on. Writes never wait; any thread may
/// call.
class event_sink {
public:
  virtual ~event_sink() = default;
  /// Queues `bytes` for the client; false once the connection is gone or
  /// the client has left too much unread, after which the sink is of no use.
  virtual bool send(std::string bytes) = 0;
  /// Ends the stream.
  virtual void close() = 0;
};
using event_sink_ptr = std::shared_ptr<event_sink>;

} // namespace concert::http

// A sink is a local connection and never crosses a wire.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(concert::http::event_sink_ptr)

namespace concert::http {

/// One request in flight, from the connection that read it to the actors
/// that answer it and back. A handler never waits: it asks an actor and
/// says what to do with the answer, and the exchange is finished, once,
/// whenever that answer (or an error, a timeout included) comes.
///
/// The first ask runs in one of the edge's asking actors, and so do its
/// continuation and the asks made from there; the connection gets the
/// finished exchange on its own thread. A handler asks again only from a
/// continuation, never twice at once.
class exchange : public std::enable_shared_from_this<exchange> {
public:
  /// Called once with the finished exchange, from whatever thread finished it.
  using on_finish = std::function<void(exchange_ptr)>;

  exchange(askers& from, request req, on_finish finish);

  const request& req() const {
    return req_;
  }
  response& res() {
    return res_;
  }
  request_context& context() {
    return context_;
  }

  /// Sends `xs...` to `to` and calls `on_reply(Reply&)` with its answer;
  /// an error (the ask's timeout included) answers with its problem.
  template <class Reply, class Handle, class... Ts>
  void ask(const Handle& to, std::tuple<Ts...> message, std::function<void(Reply&)> on_reply) {
    ask<Reply>(to, std::move(message), std::move(on_reply),
               [x = shared_from_this()](caf::error& err) { x->fail(err); });
  }

  /// As ask() above, with `on_error` deciding what an error means.
  template <class Reply, class Handle, class... Ts>
  void ask(const Handle& to, std::tuple<Ts...> message, std::function<void(Reply&)> on_reply,
           std::function<void(caf::error&)> on_error) {
    ask_within<Reply>(reply_timeout, to, std::move(message), std::move(on_reply),
                      std::move(on_error));
  }

  /// As ask() above, waiting at most `timeout` for the answer.
  template <class Reply, class Handle, class... Ts>
  void ask_within(std::chrono::milliseconds timeout, const Handle& to, std::tuple<Ts...> message,
                  std::function<void(Reply&)> on_reply, std::function<void(caf::error&)> on_error) {
    in_actor([x = shared_from_this(), timeout, to, message = std::move(message),
              on_reply = std::move(on_reply),
              on_error = std::move(on_error)](caf::event_based_actor* self) mutable {
      std::apply(
        [&](auto&... xs) {
          self->request(to, timeout, xs...)
            .then([x, on_reply](Reply& reply) { x->guarded([&] { on_reply(reply); }); },
                  [x, on_error](caf::error& err) { x->guarded([&] { on_error(err); }); });
        },
        message);
    });
  }

  /// Answers `body` as JSON with `status`.
  void reply(int status, const nlohmann::json& body);

  /// Answers `body`, JSON encoded already (a published snapshot), with `status`.
  void reply_encoded(int status, std::string body);

  /// Answers `encode(view)` with `status`.
  template <class T>
  void reply_view(int status, const T& view) {
    reply(status, encode(view));
  }

  /// Answers the problem for `err` (with Retry-After when it carries one).
  void fail(const caf::error& err);

  /// Hands the response as it stands to the connection. Only the first
  /// call counts.
  void finish();

  /// Answers with a stream: the response (its status and fields) goes out
  /// without a length, then `opened` gets the sink its events go to. The
  /// connection ends with the stream.
  void stream(std::function<void(event_sink_ptr)> opened);

  /// For the connection: the stream's opener, when the exchange streams.
  std::function<void(event_sink_ptr)>& stream_opener() {
    return opened_;
  }

  /// Runs `f`; whatever it throws answers 500 (http/respond send_failure).
  template <class F>
  void guarded(F f) noexcept {
    try {
      f();
    } catch (...) {
      failed(std::current_exception());
    }
  }

private:
  void failed(std::exception_ptr failure) noexcept;
  void in_actor(std::function<void(caf::event_based_actor*)> run);

  askers& askers_;
  request req_;
  response res_;
  request_context context_;
  on_finish finish_;
  std::function<void(event_sink_ptr)> opened_;
  std::atomic<bool> finished_{false};
  /// The actor the asks run in, once the first has started; only that
  /// actor reads it.
  caf::event_based_actor* self_ = nullptr;
};

/// The message of an ask: `message(atom::get_v, id)`.
template <class... Ts>
std::tuple<std::decay_t<Ts>...> message(Ts&&... xs) {
  return std::tuple<std::decay_t<Ts>...>{std::forward<Ts>(xs)...};
}

} // namespace concert::http
