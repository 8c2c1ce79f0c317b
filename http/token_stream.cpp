#include "http/token_stream.hpp"

#include <caf/send.hpp>

#include "actors/errors.hpp"
#include "http/event_streams.hpp"
#include "support/metrics.hpp"

namespace concert::http {

bool wants_event_stream(const request& req) {
  return req.header("Accept").find("text/event-stream") != std::string::npos;
}

void stream_token(const services& s, const exchange_ptr& x, const token_view& first) {
  // EventSource reconnects whenever a stream ends; one that has seen the
  // final event is told there is nothing more, and 204 stops it for good.
  auto seen = x->req().header("Last-Event-ID");
  if (is_final(first) && (seen.rfind("ACTIVE/", 0) == 0 || seen.rfind("EXPIRED/", 0) == 0)) {
    x->res().status = 204;
    return x->finish();
  }
  // Streams only ever leave on the event-streams actor's side, so requests
  // racing past this check overshoot the cap by the few in flight.
  if (metrics::actors().event_streams.load(std::memory_order_relaxed) >= s.max_streams) {
    x->res().set_header("Retry-After", "5");
    return x->fail(make_error(ec::streams_full));
  }
  auto& res = x->res();
  res.status = 200;
  res.set_header("Content-Type", "text/event-stream");
  res.set_header("Cache-Control", "no-cache");
  x->stream([streams = s.streams, first](event_sink_ptr sink) {
    caf::anon_send(streams, atom::open_v, std::move(sink), first);
  });
}

} // namespace concert::http
