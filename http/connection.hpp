#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/edge_shared.hpp"
#include "http/event_loop.hpp"
#include "http/exchange.hpp"
#include "http/head_lines.hpp"

namespace concert::http {

/// One client connection of the edge, on one loop's thread from start to
/// end. It reads a request at a time (Beast parses; head_lines and
/// head_check apply the contract's head rules as the bytes come), hands it
/// to the routes as an exchange, writes the answer when the exchange
/// finishes, and only then takes the next request, so pipelined requests
/// are answered in order and a client that does not read stops being read.
///
/// One timer bounds every phase: the idle limit between requests, the
/// whole-request deadline while one arrives, the answer's deadline while
/// the actors work, the write's while the client reads.
class connection : public std::enable_shared_from_this<connection> {
public:
  connection(const std::shared_ptr<event_loop>& loop, std::shared_ptr<edge_shared> edge,
             boost::asio::ip::tcp::socket socket);
  ~connection();

  void start();

  /// The edge stops: idle connections and streams end now, the others
  /// once their current request is answered.
  void drain();

  /// Ends the connection at once.
  void close();

  /// For a stream's sink: writes `bytes` after what is queued.
  void write_event(std::string bytes, std::function<void(size_t)> sent);

  /// For a stream's sink: ends the stream once what is queued is written.
  void end_stream();

private:
  enum class phase { idle, reading, answering, writing, streaming, lingering };

  void read_more();
  /// Waits for the next request, at most the idle limit.
  void idle();
  void on_read(const boost::system::error_code& failure, size_t n);
  void begin_request();
  void parse();
  /// The contract's rules on a whole head; false when it refused it.
  bool head_allowed();
  void dispatch();
  /// Answers `why` to the request read so far, then ends the connection.
  void refuse(const caf::error& why);
  void refuse_with_status(int status);
  /// The exchange that answers a refusal; `then_close` ends the
  /// connection after it.
  exchange_ptr refusal(bool then_close);
  exchange_ptr new_exchange(request req);
  /// The whole head as a request without a body; `target_is_path` tells
  /// whether its target is an origin-form path.
  request head_request(bool& target_is_path) const;
  void answered(uint64_t generation, const exchange_ptr& x);
  void write_answer(const exchange_ptr& x, response res, request_context context);
  void written(const boost::system::error_code& failure);
  /// The request's log line and metrics; never throws.
  void log(const exchange_ptr& x, int status, const request_context& context) const noexcept;
  void open_stream(const exchange_ptr& x);
  void write_next_event();
  /// Sends FIN, then reads until the client closes too (or a second
  /// passes), so a client that still sends does not get its answer reset.
  void linger();
  void arm(std::chrono::milliseconds after);
  void arm_at(std::chrono::steady_clock::time_point when);
  /// Answers `Expect: 100-continue` before the body is read.
  void send_continue();
  void on_timer();
  void consume(size_t n);

  /// Outlives the connection: the edge stops the loop only once every
  /// connection on it has closed, and destroys it after.
  event_loop& loop_;
  /// For what may outlive the connection (an exchange, a stream's sink).
  std::weak_ptr<event_loop> loop_ref_;
  std::shared_ptr<edge_shared> edge_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  uint64_t timer_generation_ = 0;
  std::string remote_;
  phase phase_ = phase::idle;
  bool closed_ = false;
  bool close_after_ = false;
  bool draining_ = false;
  bool read_pending_ = false;
  size_t lingered_ = 0;

  /// Bytes read and not yet parsed, a pipelined request's among them.
  std::string buffer_;
  size_t request_bytes_ = 0;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  head_lines head_;
  /// Of the bytes in `buffer_`, how many head_lines has seen.
  size_t head_fed_ = 0;
  /// How many bytes of this request's head have come.
  size_t head_seen_ = 0;
  /// Whether the request line has ended, within max_request_line or 414.
  bool request_line_ended_ = false;
  bool head_checked_ = false;
  std::chrono::steady_clock::time_point request_deadline_;
  std::string client_;
  /// The request being read, once its head is whole.
  request request_;

  /// Counts exchanges, so an answer that comes after its deadline is known.
  uint64_t generation_ = 0;
  exchange_ptr answering_;
  std::optional<boost::beast::http::response<boost::beast::http::string_body>> out_;
  std::optional<boost::beast::http::response<boost::beast::http::empty_body>> stream_head_;
  exchange_ptr written_;
  request_context written_context_;
  int written_status_ = 0;

  std::deque<std::pair<std::string, std::function<void(size_t)>>> events_;
  bool writing_event_ = false;
  bool ending_stream_ = false;
  /// Set while a stream whose client shut its sending side is open.
  std::shared_ptr<connection> self_hold_;
};

} // namespace concert::http
