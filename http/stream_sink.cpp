#include "http/stream_sink.hpp"

#include <boost/asio/post.hpp>

#include "http/connection.hpp"

namespace concert::http {

bool stream_sink::send(std::string bytes) {
  if (closed_->load())
    return false;
  auto size = bytes.size();
  if (unsent_->fetch_add(size) + size > max_unsent) {
    close();
    return false;
  }
  auto loop = loop_.lock();
  if (!loop)
    return false;
  boost::asio::post(loop->context, [to = to_, bytes = std::move(bytes), unsent = unsent_,
                                    closed = closed_]() mutable {
    auto c = to.lock();
    if (!c) {
      closed->store(true);
      return;
    }
    c->write_event(std::move(bytes), [unsent, closed](size_t written) {
      if (written == 0)
        closed->store(true);
      unsent->fetch_sub(written);
    });
  });
  return true;
}

void stream_sink::close() {
  if (closed_->exchange(true))
    return;
  auto loop = loop_.lock();
  if (!loop)
    return;
  boost::asio::post(loop->context, [to = to_] {
    if (auto c = to.lock())
      c->close();
  });
}

} // namespace concert::http
