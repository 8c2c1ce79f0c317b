#include "http/stream_sink.hpp"

#include <boost/asio/post.hpp>

#include "http/connection.hpp"

namespace concert::http {

bool stream_sink::send(std::string bytes) {
  if (closed_->load())
    return false;
  auto size = bytes.size();
  if (unsent_->fetch_add(size) + size > max_unsent) {
    end(&connection::close);
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

stream_sink::~stream_sink() {
  close();
}

void stream_sink::close() {
  end(&connection::end_stream);
}

void stream_sink::end(void (connection::*how)()) {
  if (closed_->exchange(true))
    return;
  auto loop = loop_.lock();
  if (!loop)
    return;
  boost::asio::post(loop->context, [to = to_, how] {
    if (auto c = to.lock())
      ((*c).*how)();
  });
}

} // namespace concert::http
