#pragma once

#include <chrono>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"
#include "actors/observed_actor.hpp"
#include "actors/published.hpp"
#include "actors/waiting_line.hpp"

namespace concert {

struct queue_settings {
  int64_t batch_size = 100;
  std::chrono::milliseconds interval{1000};
  int64_t max_active = 1000;
  std::chrono::milliseconds token_ttl{600000};
};

enum class token_status { waiting, active, expired };

struct queue_token {
  std::string token;
  int64_t user_id = 0;
  token_status status = token_status::waiting;
  /// The token's number in the waiting line, while it waits.
  int64_t line_number = 0;
  /// Wall-clock expiry once ACTIVE, in ms since the epoch.
  int64_t expires_at = 0;
  /// The same moment on the actor clock.
  caf::actor_clock::time_point deadline;
};

/// Who hears of a WAITING token's changes, and what they heard last.
struct token_watch {
  std::vector<token_watcher_actor> watchers;
  int64_t told_position = 0;
};

struct queue_state {
  static inline const char* name = "queue";
  queue_settings settings;
  store_actor store;
  std::unordered_map<std::string, queue_token> tokens;
  /// WAITING tokens, first in line first.
  waiting_line line;
  /// The WAITING or ACTIVE token of each user.
  std::unordered_map<int64_t, std::string> live_by_user;
  /// Users whose new token is being written: they hold one already.
  std::unordered_set<int64_t> issuing;
  int64_t active = 0;
  /// WAITING tokens somebody watches.
  std::unordered_map<std::string, token_watch> watched;
  /// Tokens admitted since the server started.
  int64_t admitted_total = 0;
  bool paused = false;
  /// Where the edge finds ACTIVE tokens without asking (token_guard).
  published_ptr published;
  /// Tokens activated since the guard was last told.
  std::vector<std::pair<std::string, active_token>> newly_active;
  /// Told on a tick when ended tokens have been let go since the last.
  memory_trimmer_actor trimmer;
  int64_t forgotten = 0;
};

queue_actor::behavior_type queue(observed_pointer<queue_actor, queue_state> self,
                                 queue_settings settings, store_actor store,
                                 published_ptr published, memory_trimmer_actor trimmer);

} // namespace concert
