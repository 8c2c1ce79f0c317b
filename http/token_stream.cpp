#include "http/token_stream.hpp"

#include <unistd.h>

#include <caf/sec.hpp>
#include <caf/send.hpp>

#include "actors/errors.hpp"
#include "http/connection_takeover.hpp"
#include "http/edge_server.hpp"
#include "http/request_log.hpp"
#include "http/respond.hpp"
#include "support/metrics.hpp"

namespace concert::http {

namespace {

/// The stream's length is unknown, so the response ends when the
/// connection closes.
std::string stream_headers() {
  return "HTTP/1.1 200 OK\r\n"
         "Content-Type: text/event-stream\r\n"
         "Cache-Control: no-cache\r\n"
         "Connection: close\r\n"
         "X-Request-Id: "
         + current_request().request_id + "\r\n\r\n";
}

} // namespace

bool wants_event_stream(const httplib::Request& req) {
  return req.get_header_value("Accept").find("text/event-stream") != std::string::npos;
}

void stream_token(const services& s, const httplib::Request& req, httplib::Response& res,
                  const token_view& first) {
  // EventSource reconnects whenever a stream ends; one that has seen the
  // final event is told there is nothing more, and 204 stops it for good.
  auto seen = req.get_header_value("Last-Event-ID");
  if (is_final(first) && (seen.rfind("ACTIVE/", 0) == 0 || seen.rfind("EXPIRED/", 0) == 0)) {
    res.status = 204;
    return;
  }
  // Streams only ever leave on the event-streams actor's side, so a few
  // requests racing past this check overshoot the cap by at most the
  // number of workers.
  if (metrics::actors().event_streams.load(std::memory_order_relaxed) >= s.max_streams) {
    res.set_header("Retry-After", "5");
    return send_error(req, res, make_error(ec::streams_full));
  }
  auto* stream = edge_server::serving();
  auto taken = take_connection(stream == nullptr ? -1 : stream->socket());
  if (taken.socket < 0)
    return send_error(req, res, caf::make_error(caf::sec::runtime_error, "connection not taken"));
  current_request().close_after_response = taken.sink;
  // Whatever the client sent after this request now reaches nobody.
  stream->close_after_answer();
  // What cpp-httplib writes from here on goes to the sink; the status is
  // for the request log.
  res.status = 200;
  res.set_header("Connection", "close");
  if (!write_all(taken.socket, stream_headers())) {
    close(taken.socket);
    return;
  }
  caf::anon_send(s.streams, atom::open_v, static_cast<int32_t>(taken.socket), first);
}

} // namespace concert::http
