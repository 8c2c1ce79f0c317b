#pragma once

#include <httplib.h>

#include "actors/messages.hpp"
#include "http/services.hpp"

namespace concert::http {

/// Whether the client asks for Server-Sent Events (`Accept: text/event-stream`).
bool wants_event_stream(const httplib::Request& req);

/// Answers with an event stream of `first` and its changes: writes the
/// response headers on the connection itself, takes the connection from
/// cpp-httplib and hands it to the event-streams actor, so this worker is
/// free as soon as the handler returns. 503 TOO_MANY_STREAMS when
/// CONCERT_MAX_STREAMS are open; 204 when `Last-Event-ID` shows the client
/// has seen the final event already.
void stream_token(const services& s, const httplib::Request& req, httplib::Response& res,
                  const token_view& first);

} // namespace concert::http
