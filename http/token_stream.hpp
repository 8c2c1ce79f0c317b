#pragma once

#include "actors/messages.hpp"
#include "http/exchange.hpp"
#include "http/services.hpp"

namespace concert::http {

/// Whether the client asks for Server-Sent Events (`Accept: text/event-stream`).
bool wants_event_stream(const request& req);

/// Answers with an event stream of `first` and its changes: the connection
/// becomes the stream's sink, handed to the event-streams actor, and ends
/// with it. 503 TOO_MANY_STREAMS when CONCERT_MAX_STREAMS are open; 204
/// when `Last-Event-ID` shows the client has seen the final event already.
void stream_token(const services& s, const exchange_ptr& x, const token_view& first);

} // namespace concert::http
