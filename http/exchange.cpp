#include "http/exchange.hpp"

#include "http/respond.hpp"

namespace concert::http {

exchange::exchange(caf::actor_system& system, request req, on_finish finish)
  : system_(system), req_(std::move(req)), finish_(std::move(finish)) {
  context_ = begin_request(req_, res_);
}

void exchange::reply(int status, const nlohmann::json& body) {
  send_json(res_, status, body);
  finish();
}

void exchange::reply_encoded(int status, std::string body) {
  send_encoded(res_, status, std::move(body));
  finish();
}

void exchange::fail(const caf::error& err) {
  send_error(req_, res_, context_, err);
  finish();
}

void exchange::failed(std::exception_ptr failure) noexcept {
  // Once finished, the response belongs to the connection: the failure is
  // only logged.
  if (finished_.load()) {
    response scratch;
    send_failure(req_, scratch, context_, failure);
    return;
  }
  send_failure(req_, res_, context_, failure);
  try {
    finish();
  } catch (...) {
    // Nothing is left to answer with; the connection's deadline answers.
  }
}

void exchange::finish() {
  if (finished_.exchange(true))
    return;
  finish_(shared_from_this());
}

void exchange::stream(std::function<void(event_sink_ptr)> opened) {
  opened_ = std::move(opened);
  finish();
}

namespace {

/// The actor an exchange asks from. It has no behavior of its own: it lives
/// as long as an answer is awaited, and goes once the exchange has had
/// them all. (Its state comes as arguments: CAF 0.17 reads through a null
/// pointer when it spawns a function without any.)
void asking_actor(caf::event_based_actor* self, exchange_ptr x,
                  std::function<void(caf::event_based_actor*)> run,
                  caf::event_based_actor** own) {
  *own = self;
  x->guarded([&] { run(self); });
}

} // namespace

void exchange::in_actor(std::function<void(caf::event_based_actor*)> run) {
  if (self_ != nullptr)
    return run(self_);
  system_.spawn(asking_actor, shared_from_this(), std::move(run), &self_);
}

} // namespace concert::http
