#include "http/exchange.hpp"

#include "http/respond.hpp"

namespace concert::http {

exchange::exchange(askers& from, request req, on_finish finish)
  : askers_(from), req_(std::move(req)), finish_(std::move(finish)) {
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

void exchange::in_actor(std::function<void(caf::event_based_actor*)> run) {
  if (self_ != nullptr)
    return run(self_);
  askers_.run(std::make_shared<std::function<void(caf::event_based_actor*)>>(
    [x = shared_from_this(), run = std::move(run)](caf::event_based_actor* self) {
      x->self_ = self;
      x->guarded([&] { run(self); });
    }));
}

} // namespace concert::http
