#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <caf/error.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"

namespace concert::testing {

/// What a scripted store answers and what it was asked; shared with the
/// test, which runs on the same thread as every actor (test coordinator).
struct store_script {
  /// When false, writes wait for `flush`, like a group commit in progress.
  bool commit_at_once = true;
  /// How the next commit ends: empty for success, else this error.
  caf::error commit_failure;

  std::vector<concert_info> concerts;
  /// Every token stored, in line order: set for recovery, kept up to date
  /// by the writes, as the database would be.
  std::vector<token_row> tokens;
  stored_controls controls;
  /// Live reservations of every date, by date then id, as the store loads them.
  std::vector<reservation_view> live_reservations;
  /// Kept up to date by charges and holds, as the database would be.
  std::map<int64_t, wallet_row> wallets;
  /// How many times a wallet was loaded.
  size_t wallet_loads = 0;

  int64_t next_reservation_id = 1;
  int64_t next_payment_id = 1;
  size_t concert_creates = 0;
  std::vector<new_hold> holds_written;
  std::vector<hold_release> releases_written;
  std::vector<std::string> tokens_written;
  std::vector<std::string> tokens_expired;
  /// Tokens the queue asked for one by one: ones it no longer holds.
  size_t token_loads = 0;
  std::vector<payment_order> payments_written;

  /// Answers stored under Idempotency-Keys, by scope, user and key.
  std::map<std::tuple<std::string, int64_t, std::string>, stored_answer> answers;
  /// An answer another request stores under a key after the key was looked
  /// up and before a refusal is stored under it: a race lost.
  std::optional<stored_answer> stored_meanwhile;

  /// Answers of writes waiting for a flush.
  std::vector<std::function<void(const caf::error&)>> waiting;
};

/// A store that keeps everything in `script` instead of PostgreSQL.
store_actor::behavior_type scripted_store(store_actor::pointer self,
                                          std::shared_ptr<store_script> script);

} // namespace concert::testing
