#pragma once

#include <chrono>

#include <string>
#include <unordered_map>

#include <caf/actor_clock.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"
#include "actors/keyed_write.hpp"
#include "actors/observed_actor.hpp"
#include "actors/store_handles.hpp"

namespace concert {

/// The most a balance may hold (API.md).
constexpr int64_t max_balance = 1'000'000'000'000'000;

struct wallet_state {
  static inline const char* name = "wallet";
  int64_t user_id = 0;
  int64_t balance = 0;
  /// Set aside for payments being written; not spendable meanwhile.
  int64_t reserved = 0;
  /// Charges being written; counted against the balance limit meanwhile.
  int64_t charging = 0;
  /// The date of every reservation of this user, so another user's id is
  /// unknown here.
  std::unordered_map<int64_t, std::string> reservation_dates;
  /// The user's reservations that had ended (EXPIRED, CANCELLED) when the
  /// wallet loaded. Such a state is final, and seat managers keep only live
  /// reservations after a restart, so the wallet answers for these itself.
  std::unordered_map<int64_t, reservation_view> ended;
  /// The user's holds by reservation id, with when they lapse; a lapsed hold
  /// stops counting at its deadline without anyone telling the wallet.
  std::unordered_map<int64_t, caf::actor_clock::time_point> holds;
  /// Idempotency-Keys whose write is under way, with their repeats waiting.
  keys_in_flight keys;
  /// Holds being made; they count against the cap already.
  int32_t holds_in_flight = 0;
  int32_t max_holds = 0;
  /// For reads and Idempotency-Key records.
  store_actor store;
  /// This user's writer: charges and payments go straight to it.
  store_actor writer;
  catalog_actor catalog;
  /// The seat managers of the dates this wallet has asked the catalog for.
  std::unordered_map<std::string, seat_manager_actor> seat_managers;
  queue_actor queue;
  /// How long without a request before it may stop when the directory asks.
  std::chrono::milliseconds idle_after{0};
  /// When the wallet last got a request.
  caf::actor_clock::time_point last_used;
};

wallet_actor::behavior_type wallet(observed_pointer<wallet_actor, wallet_state> self,
                                   int64_t user_id, wallet_row loaded, int32_t max_holds,
                                   const store_handles& stores, catalog_actor catalog, queue_actor queue,
                                   std::chrono::milliseconds idle_after);

} // namespace concert
