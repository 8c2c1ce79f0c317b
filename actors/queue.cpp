#include "actors/queue.hpp"

#include <algorithm>

#include "actors/errors.hpp"
#include "actors/timeouts.hpp"
#include "support/log.hpp"
#include "support/metrics.hpp"
#include "support/time.hpp"
#include "support/uuid.hpp"

namespace concert {

namespace {

using self_pointer = observed_pointer<queue_actor, queue_state>;

const char* status_of(token_status s) {
  switch (s) {
    case token_status::waiting: return "WAITING";
    case token_status::active: return "ACTIVE";
    case token_status::expired: return "EXPIRED";
  }
  return "EXPIRED";
}

token_view view_of(const queue_state& st, const queue_token& t) {
  int64_t position = 0;
  if (t.status == token_status::waiting)
    position = st.line.position(t.line_number);
  return {t.token, t.user_id, status_of(t.status), position, t.expires_at};
}

/// Writes in the background what is already in force here, then runs
/// `written`; a crash before it lands is repaired at recovery, which
/// expires tokens past their time.
template <class Written, class... Ts>
void write_behind(self_pointer self, const char* what, Written written, Ts&&... xs) {
  self->request(self->state.store, store_timeout, std::forward<Ts>(xs)...)
    .then([written](bool) { written(); },
          [what](const caf::error& err) {
            log::error("queue change not written", {{"change", what},
                                                    {"error", caf::to_string(err)}});
          });
}

/// ACTIVE until `expires_at` (wall clock), which is `remaining` from now.
void activate(self_pointer self, queue_token& t, int64_t expires_at,
              std::chrono::milliseconds remaining) {
  t.status = token_status::active;
  t.expires_at = expires_at;
  t.deadline = self->clock().now() + remaining;
  ++self->state.active;
  self->state.newly_active.emplace_back(t.token, active_token{t.user_id, expires_at});
  // Tagged with the token; the handler ignores it unless the token is
  // still ACTIVE and due.
  self->delayed_send(self, remaining, atom::expire_v, t.token);
}

/// Shows the edge's guard the tokens activated since the last call that
/// are still ACTIVE (recovery may end one at once).
void publish_active(queue_state& st) {
  auto& fresh = st.newly_active;
  fresh.erase(std::remove_if(fresh.begin(), fresh.end(),
                             [&st](const auto& entry) {
                               auto i = st.tokens.find(entry.first);
                               return i == st.tokens.end()
                                      || i->second.status != token_status::active;
                             }),
              fresh.end());
  st.published->tokens.add(fresh);
  fresh.clear();
}

/// Shows the line's size and the active count on /metrics.
void publish(const queue_state& st) {
  metrics::actors().queue_waiting.store(static_cast<int64_t>(st.line.size()));
  metrics::actors().queue_active.store(st.active);
}

/// Tells the watchers of every watched token whose position or status has
/// changed; a token that is no longer WAITING changes no more, so its
/// watchers are told one last time and dropped.
void tell_watchers(self_pointer self) {
  auto& st = self->state;
  for (auto i = st.watched.begin(); i != st.watched.end();) {
    const auto& t = st.tokens.at(i->first);
    auto view = view_of(st, t);
    auto& watch = i->second;
    if (t.status == token_status::waiting && view.position == watch.told_position) {
      ++i;
      continue;
    }
    for (const auto& w : watch.watchers)
      self->send(w, atom::update_v, view);
    watch.told_position = view.position;
    i = t.status == token_status::waiting ? std::next(i) : st.watched.erase(i);
  }
}

caf::result<token_view> watch(self_pointer self, const std::string& token,
                              const token_watcher_actor& watcher) {
  auto& st = self->state;
  auto i = st.tokens.find(token);
  if (i == st.tokens.end())
    return make_error(ec::token_not_found, "no live queue token " + token);
  auto view = view_of(st, i->second);
  if (i->second.status == token_status::waiting) {
    auto& watch = st.watched[token];
    watch.watchers.push_back(watcher);
    watch.told_position = view.position;
  }
  return view;
}

void unwatch(self_pointer self, const std::string& token, const token_watcher_actor& watcher) {
  auto i = self->state.watched.find(token);
  if (i == self->state.watched.end())
    return;
  auto& watchers = i->second.watchers;
  watchers.erase(std::remove(watchers.begin(), watchers.end(), watcher), watchers.end());
  if (watchers.empty())
    self->state.watched.erase(i);
}

void end(self_pointer self, queue_token& t) {
  auto was_waiting = t.status == token_status::waiting;
  if (t.status == token_status::active) {
    --self->state.active;
    self->state.published->tokens.remove(t.token);
  } else if (was_waiting)
    self->state.line.remove(t.line_number);
  t.status = token_status::expired;
  self->state.live_by_user.erase(t.user_id);
  publish(self->state);
  // Everyone behind a token that leaves the line moves up.
  if (was_waiting)
    tell_watchers(self);
}

/// Drops an ended token whose end is in the database: it is answered from
/// there from now on (stored_token), so ended tokens do not pile up here.
void forget(self_pointer self, const std::string& token) {
  auto i = self->state.tokens.find(token);
  if (i != self->state.tokens.end() && i->second.status == token_status::expired) {
    self->state.tokens.erase(i);
    ++self->state.forgotten;
  }
}

/// A token's time is up: it ends here at once and in the database right
/// after; it is forgotten once written, since until then the database
/// still says ACTIVE.
void expire_by_time(self_pointer self, queue_token& t) {
  end(self, t);
  write_behind(self, "expire", [self, token = t.token] { forget(self, token); }, atom::expire_v,
               t.token);
}

queue_status status_of(const queue_state& st) {
  return {static_cast<int64_t>(st.line.size()), st.active, st.admitted_total, st.paused,
          st.settings.batch_size, st.settings.interval.count()};
}

/// A token this actor does not hold: only live tokens are loaded at start,
/// so one that ended before is in the database, or nowhere.
void answer_stored(self_pointer self, const std::string& token,
                   caf::typed_response_promise<token_view> promise) {
  self->request(self->state.store, store_timeout, atom::load_v, atom::tokens_v, token)
    .then(
      [=](const token_row& row) mutable {
        promise.deliver(token_view{row.token, row.user_id, row.status, 0, row.expires_at});
      },
      [=](caf::error& err) mutable { promise.deliver(std::move(err)); });
}

caf::result<token_view> stored_token(self_pointer self, const std::string& token) {
  if (!is_uuid(token))
    return make_error(ec::token_not_found, "no queue token " + token);
  auto promise = self->make_response_promise<token_view>();
  answer_stored(self, token, promise);
  return promise;
}

/// Ends a token for an operator, durably before answering.
caf::result<token_view> revoke(self_pointer self, const std::string& token) {
  auto i = self->state.tokens.find(token);
  if (i == self->state.tokens.end())
    return stored_token(self, token);
  if (i->second.status == token_status::expired)
    return view_of(self->state, i->second);
  auto promise = self->make_response_promise<token_view>();
  self->request(self->state.store, store_timeout, atom::expire_v, token)
    .then(
      [=](bool) mutable {
        auto i = self->state.tokens.find(token);
        if (i == self->state.tokens.end()) {
          // Ended and forgotten meanwhile: the database has it.
          answer_stored(self, token, promise);
          return;
        }
        auto& t = i->second;
        if (t.status != token_status::expired) {
          end(self, t);
          // A token acts for its user, so it is no thing to log.
          log::info("queue token revoked", {{"user", t.user_id}});
        }
        promise.deliver(view_of(self->state, t));
        forget(self, token);
      },
      [=](caf::error& err) mutable { promise.deliver(std::move(err)); });
  return promise;
}

void add_waiting(self_pointer self, const std::string& token, int64_t user) {
  auto& st = self->state;
  auto number = st.line.push(token);
  st.tokens[token] = queue_token{token, user, token_status::waiting, number, 0, {}};
  st.live_by_user[user] = token;
  publish(st);
}

caf::result<token_view> issue(self_pointer self, int64_t user) {
  auto& st = self->state;
  if (st.live_by_user.count(user) > 0 || st.issuing.count(user) > 0)
    return make_error(ec::token_already_issued,
                      "user " + std::to_string(user) + " holds a WAITING or ACTIVE token");
  st.issuing.insert(user);
  auto token = random_uuid_v4();
  auto promise = self->make_response_promise<token_view>();
  self->request(st.store, store_timeout, atom::create_v, token, user)
    .then(
      [=](bool) mutable {
        self->state.issuing.erase(user);
        add_waiting(self, token, user);
        promise.deliver(view_of(self->state, self->state.tokens.at(token)));
      },
      [=](caf::error& err) mutable {
        self->state.issuing.erase(user);
        promise.deliver(std::move(err));
      });
  return promise;
}

/// Admits up to min(batch, max_active - active) tokens from the head of the
/// line, then schedules the next tick.
void tick(self_pointer self) {
  auto& st = self->state;
  auto room = st.paused ? 0 : std::max<int64_t>(st.settings.max_active - st.active, 0);
  auto admit = std::min<int64_t>({st.settings.batch_size, room, static_cast<int64_t>(st.line.size())});
  std::vector<admission> admitted;
  auto expires_at = now_ms() + st.settings.token_ttl.count();
  for (int64_t i = 0; i < admit; ++i) {
    auto& t = st.tokens.at(st.line.front());
    st.line.pop_front();
    activate(self, t, expires_at, st.settings.token_ttl);
    ++st.admitted_total;
    admitted.push_back({t.token, expires_at});
  }
  if (!admitted.empty()) {
    metrics::actors().queue_admitted.fetch_add(admitted.size());
    publish_active(st);
    publish(st);
    log::info("queue admitted", {{"admitted", admitted.size()},
                                 {"active", st.active},
                                 {"waiting", st.line.size()}});
    write_behind(self, "admit", [] {}, atom::admit_v, std::move(admitted));
    tell_watchers(self);
  }
  if (st.forgotten > 0) {
    self->send(st.trimmer, atom::trim_v);
    st.forgotten = 0;
  }
  self->delayed_send(self, st.settings.interval, atom::tick_v);
}

caf::result<int64_t> check(self_pointer self, const std::string& token) {
  auto i = self->state.tokens.find(token);
  if (i == self->state.tokens.end())
    return make_error(ec::token_invalid, "unknown queue token");
  auto& t = i->second;
  if (t.status == token_status::waiting)
    return make_error(ec::not_admitted, "the token is still waiting in line");
  if (t.status == token_status::active && self->clock().now() >= t.deadline)
    expire_by_time(self, t);
  if (t.status == token_status::expired)
    return make_error(ec::token_invalid, "the queue token has expired");
  return t.user_id;
}

void apply(queue_state& st, bool paused, int64_t batch_size, int64_t interval_ms) {
  st.paused = paused;
  st.settings.batch_size = batch_size;
  st.settings.interval = std::chrono::milliseconds{interval_ms};
}

/// Changes the controls once they are stored, so a pause outlives a crash;
/// the next tick uses them.
caf::result<queue_status> update(self_pointer self, const queue_change& change) {
  auto wanted = status_of(self->state);
  if (change.paused >= 0)
    wanted.paused = change.paused == 1;
  if (change.batch_size > 0)
    wanted.batch_size = change.batch_size;
  if (change.interval_ms > 0)
    wanted.interval_ms = change.interval_ms;
  auto promise = self->make_response_promise<queue_status>();
  self->request(self->state.store, store_timeout, atom::update_v, wanted)
    .then(
      [=](bool) mutable {
        auto& st = self->state;
        apply(st, wanted.paused, wanted.batch_size, wanted.interval_ms);
        log::info("queue controls changed", {{"paused", st.paused},
                                             {"batch_size", st.settings.batch_size},
                                             {"interval_ms", st.settings.interval.count()}});
        promise.deliver(status_of(st));
      },
      [=](caf::error& err) mutable { promise.deliver(std::move(err)); });
  return promise;
}

/// An operator's stored controls win over the configured ones.
void restore_controls(self_pointer self) {
  self->request(self->state.store, store_timeout, atom::load_v, atom::status_v)
    .await(
      [=](const stored_controls& stored) {
        if (!stored.found)
          return;
        apply(self->state, stored.paused, stored.batch_size, stored.interval_ms);
        log::info("queue controls restored from the database",
                  {{"paused", stored.paused},
                   {"batch_size", stored.batch_size},
                   {"interval_ms", stored.interval_ms}});
      },
      [](const caf::error& err) {
        log::error("queue controls not restored", {{"error", caf::to_string(err)}});
      });
}

caf::result<int32_t> recover(self_pointer self) {
  restore_controls(self);
  auto promise = self->make_response_promise<int32_t>();
  self->request(self->state.store, store_timeout, atom::load_v, atom::tokens_v)
    .then(
      [=](const std::vector<token_row>& rows) mutable {
        auto now = now_ms();
        for (const auto& row : rows) {
          if (row.status == "WAITING") {
            add_waiting(self, row.token, row.user_id);
            continue;
          }
          auto& t = self->state.tokens[row.token];
          t = queue_token{row.token, row.user_id, token_status::waiting, 0, 0, {}};
          self->state.live_by_user[row.user_id] = row.token;
          auto remaining = std::max<int64_t>(row.expires_at - now, 0);
          activate(self, t, row.expires_at, std::chrono::milliseconds{remaining});
          if (remaining == 0)
            expire_by_time(self, t);
        }
        publish_active(self->state);
        publish(self->state);
        self->delayed_send(self, self->state.settings.interval, atom::tick_v);
        promise.deliver(static_cast<int32_t>(self->state.live_by_user.size()));
      },
      [=](caf::error& err) mutable { promise.deliver(std::move(err)); });
  return promise;
}

} // namespace

queue_actor::behavior_type queue(observed_pointer<queue_actor, queue_state> self,
                                 queue_settings settings, store_actor store,
                                 published_ptr published, memory_trimmer_actor trimmer) {
  self->state.settings = settings;
  self->state.published = std::move(published);
  self->state.store = std::move(store);
  self->state.trimmer = std::move(trimmer);
  return {
    [=](atom::create, int64_t user) { return issue(self, user); },
    [=](atom::get, const std::string& token) -> caf::result<token_view> {
      auto i = self->state.tokens.find(token);
      if (i != self->state.tokens.end())
        return view_of(self->state, i->second);
      return stored_token(self, token);
    },
    [=](atom::check, const std::string& token) { return check(self, token); },
    [=](atom::ended, const std::string& token) {
      auto i = self->state.tokens.find(token);
      if (i != self->state.tokens.end() && i->second.status == token_status::active) {
        end(self, i->second);
        forget(self, token);
      }
      return true;
    },
    [=](atom::watch, const std::string& token, const token_watcher_actor& watcher) {
      return watch(self, token, watcher);
    },
    [=](atom::unwatch, const std::string& token, const token_watcher_actor& watcher) {
      unwatch(self, token, watcher);
    },
    [=](atom::tick) { tick(self); },
    [=](atom::revoke, const std::string& token) { return revoke(self, token); },
    [=](atom::revoke, int64_t user) {
      auto live = self->state.live_by_user.find(user);
      if (live != self->state.live_by_user.end()) {
        auto token = live->second;
        end(self, self->state.tokens.at(token));
        forget(self, token);
      }
      return true;
    },
    [=](atom::get, atom::status) { return status_of(self->state); },
    [=](atom::update, const queue_change& change) { return update(self, change); },
    [=](atom::expire, const std::string& token) {
      auto i = self->state.tokens.find(token);
      if (i == self->state.tokens.end() || i->second.status != token_status::active
          || self->clock().now() < i->second.deadline)
        return;
      expire_by_time(self, i->second);
    },
    [=](atom::recover) { return recover(self); },
  };
}

} // namespace concert
