#include "http/edge.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "http/connection.hpp"
#include "http/edge_shared.hpp"
#include "http/event_loop.hpp"
#include "support/log.hpp"

namespace concert::http {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

/// Out of descriptors or memory: accepting again at once would spin.
constexpr auto accept_pause = std::chrono::milliseconds{50};

/// Runs a loop until it is stopped. Whatever a handler throws (its
/// connection is lost then) is logged, and the loop goes on serving the
/// others, so no request can end the process.
void run(event_loop& loop, const std::string& name) noexcept {
  for (;;) {
    try {
      loop.context.run();
      return;
    } catch (const std::exception& e) {
      try {
        log::error("edge handler failed", {{"listener", name}, {"error", e.what()}});
      } catch (...) {
      }
    } catch (...) {
      try {
        log::error("edge handler failed", {{"listener", name}});
      } catch (...) {
      }
    }
  }
}

} // namespace

struct edge::acceptor {
  explicit acceptor(asio::io_context& context) : socket(context), pause(context) {}

  tcp::acceptor socket;
  asio::steady_timer pause;
  size_t next_loop = 0;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
};

edge::edge(std::string name, router routes, const config::settings& s, caf::actor_system& system,
           std::string bearer_token, int64_t rate_limit_rps)
  : shared_(std::make_shared<edge_shared>(std::move(name), std::move(routes), system,
                                          std::move(bearer_token), rate_limit_rps, s)) {
  for (int64_t i = 0; i < s.http_threads; ++i)
    loops_.push_back(std::make_shared<event_loop>());
  acceptor_ = std::make_unique<acceptor>(loops_.front()->context);
}

edge::~edge() {
  stop(std::chrono::milliseconds{0});
}

const metrics::http_requests& edge::requests() const {
  return shared_->requests;
}

int edge::start(const std::string& host, int port, const std::string& setting) {
  auto fail = [&] {
    return bind_error(setting + ": cannot listen on " + host + ":" + std::to_string(port)
                      + " (in use, or not an address of this machine)");
  };
  error_code failure;
  tcp::resolver resolver{loops_.front()->context};
  auto found = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, failure);
  if (failure || found.empty())
    throw fail();
  auto& socket = acceptor_->socket;
  auto endpoint = found.begin()->endpoint();
  socket.open(endpoint.protocol(), failure);
  if (!failure)
    socket.set_option(tcp::acceptor::reuse_address{true}, failure);
  if (!failure)
    socket.bind(endpoint, failure);
  if (!failure)
    socket.listen(shared_->backlog, failure);
  if (failure)
    throw fail();
  for (auto& loop : loops_) {
    acceptor_->keep_running.push_back(asio::make_work_guard(loop->context));
    threads_.emplace_back([loop = loop.get(), name = shared_->name] { run(*loop, name); });
  }
  accept_next();
  return socket.local_endpoint().port();
}

void edge::accept_next() {
  auto& loop = loops_[acceptor_->next_loop++ % loops_.size()];
  std::weak_ptr<event_loop> weak = loop;
  acceptor_->socket.async_accept(loop->context, [this, weak](const error_code& failure,
                                                             tcp::socket client) {
    if (!acceptor_->socket.is_open())
      return;
    if (failure) {
      log::warning("cannot accept a connection",
                   {{"listener", shared_->name}, {"error", failure.message()}});
      acceptor_->pause.expires_after(accept_pause);
      acceptor_->pause.async_wait([this](const error_code& cancelled) {
        if (!cancelled)
          accept_next();
      });
      return;
    }
    // Weak, so that a start the stopped loop never runs does not keep the
    // loop alive from its own queue.
    auto target = weak.lock();
    if (!target)
      return;
    asio::post(target->context, [weak, shared = shared_, client = std::move(client)]() mutable {
      if (auto loop = weak.lock())
        std::make_shared<connection>(loop, std::move(shared), std::move(client))->start();
    });
    accept_next();
  });
}

void edge::stop(std::chrono::milliseconds budget) {
  if (threads_.empty())
    return;
  auto deadline = std::chrono::steady_clock::now() + budget;
  asio::post(loops_.front()->context, [this] {
    error_code ignored;
    acceptor_->socket.close(ignored);
    acceptor_->pause.cancel(ignored);
  });
  // The loops outlive their threads, joined below, so their own handlers
  // may point at them.
  std::vector<std::future<void>> drained;
  for (auto& loop : loops_) {
    drained.push_back(loop->drained.get_future());
    asio::post(loop->context, [loop = loop.get()] {
      loop->stopping = true;
      auto open = loop->open;
      for (auto* c : open)
        c->drain();
      loop->closed_one();
    });
  }
  // Connections end on their own threads; this one only waits, within the
  // budget, whatever the clients do.
  for (auto& done : drained)
    done.wait_until(deadline);
  for (auto& loop : loops_)
    asio::post(loop->context, [loop = loop.get()] {
      auto open = loop->open;
      for (auto* c : open)
        c->close();
      loop->context.stop();
    });
  for (auto& thread : threads_)
    thread.join();
  threads_.clear();
  acceptor_->keep_running.clear();
}

} // namespace concert::http
