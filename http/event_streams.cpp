#include "http/event_streams.hpp"

#include <algorithm>
#include <utility>

#include "actors/timeouts.hpp"
#include "actors/view_json.hpp"
#include "support/metrics.hpp"

namespace concert::http {

event_stream& event_stream::operator=(event_stream&& other) noexcept {
  if (this != &other) {
    if (sink_)
      sink_->close();
    sink_ = std::move(other.sink_);
    last_ = std::move(other.last_);
  }
  return *this;
}

event_stream::~event_stream() {
  if (sink_)
    sink_->close();
}

bool event_stream::send(const std::string& event) {
  if (event == last_)
    return true;
  last_ = event;
  if (!sink_->send(event))
    return false;
  metrics::actors().events_sent.fetch_add(1, std::memory_order_relaxed);
  return true;
}

bool event_stream::keep_alive() {
  return sink_->send(": keep-alive\n\n");
}

std::string token_event(const token_view& token) {
  return "event: token\nid: " + token.status + "/" + std::to_string(token.position)
         + "\ndata: " + encode(token).dump() + "\n\n";
}

bool is_final(const token_view& token) {
  return token.status != "WAITING";
}

namespace {

using self_pointer = observed_pointer<event_streams_actor, event_streams_state>;
using stream_map = decltype(event_streams_state::by_token);

void count_open(int64_t change) {
  metrics::actors().event_streams.fetch_add(change, std::memory_order_relaxed);
}

/// Drops the streams of `entry` for which `failed` holds, and the entry
/// once it has none; then the queue is told to stop telling this actor
/// about the token, unless it has stopped by itself (`watched` false).
/// Returns the entry after.
template <class Predicate>
stream_map::iterator drop_if(self_pointer self, stream_map::iterator entry, Predicate failed,
                             bool watched = true) {
  auto& streams = entry->second;
  auto kept = std::remove_if(streams.begin(), streams.end(), failed);
  count_open(-static_cast<int64_t>(streams.end() - kept));
  streams.erase(kept, streams.end());
  if (!streams.empty())
    return std::next(entry);
  if (watched)
    self->send(self->state.queue, atom::unwatch_v, entry->first,
               caf::actor_cast<token_watcher_actor>(self));
  return self->state.by_token.erase(entry);
}

void tell(self_pointer self, const token_view& token) {
  auto entry = self->state.by_token.find(token.token);
  if (entry == self->state.by_token.end())
    return;
  auto event = token_event(token);
  // The queue drops the watchers of a final token itself.
  auto final = is_final(token);
  drop_if(self, entry, [&](event_stream& s) { return !s.send(event) || final; }, !final);
}

/// Sends the streams of `token` the token as the queue has it now.
template <class... Ts>
void catch_up(self_pointer self, const std::string& token, Ts&&... request) {
  self->request(self->state.queue, reply_timeout, std::forward<Ts>(request)...)
    .then([=](const token_view& now) { tell(self, now); },
          [=](const caf::error&) {
            // The queue does not know the token, so it watches nothing.
            auto entry = self->state.by_token.find(token);
            if (entry != self->state.by_token.end())
              drop_if(self, entry, [](const event_stream&) { return true; }, false);
          });
}

void open(self_pointer self, event_stream stream, const token_view& first) {
  // Counted before its first event goes out, so a client that has read it
  // finds its stream on /metrics.
  count_open(1);
  if (!stream.send(token_event(first)) || is_final(first)) {
    count_open(-1);
    return;
  }
  auto& streams = self->state.by_token[first.token];
  streams.push_back(std::move(stream));
  // `first` may be older than what the queue has told this actor since, so
  // the new stream catches up with the queue's answer, which is at least as
  // new as anything the queue sent before it.
  if (streams.size() == 1)
    catch_up(self, first.token, atom::watch_v, first.token,
             caf::actor_cast<token_watcher_actor>(self));
  else
    catch_up(self, first.token, atom::get_v, first.token);
}

void keep_alive(self_pointer self) {
  auto& by_token = self->state.by_token;
  for (auto entry = by_token.begin(); entry != by_token.end();)
    entry = drop_if(self, entry,
                    [](event_stream& s) { return !s.keep_alive(); });
}

} // namespace

event_streams_state::~event_streams_state() {
  for (const auto& entry : by_token)
    count_open(-static_cast<int64_t>(entry.second.size()));
}

event_streams_actor::behavior_type event_streams(self_pointer self, queue_actor queue,
                                                 std::chrono::milliseconds keep_alive_interval) {
  self->state.queue = std::move(queue);
  self->state.keep_alive_interval = keep_alive_interval;
  self->delayed_send(self, keep_alive_interval, atom::tick_v);
  return {
    [=](atom::open, event_sink_ptr& sink, const token_view& first) {
      open(self, event_stream{std::move(sink)}, first);
    },
    [=](atom::update, const token_view& token) { tell(self, token); },
    [=](atom::tick) {
      keep_alive(self);
      self->delayed_send(self, self->state.keep_alive_interval, atom::tick_v);
    },
  };
}

} // namespace concert::http
