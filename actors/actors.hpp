#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/messages.hpp"

/// Every typed actor interface of concertd, one line of comment per handler.
namespace concert {

/// Owns the PostgreSQL connection on a thread of its own (detached). Writes
/// that arrive together are committed in one transaction, each answered only
/// after that commit.
using store_actor = caf::typed_actor<
  // Inserts a user.
  caf::replies_to<atom::create, new_user>::with<user_record>,
  // Replaces a user's key hash and ends their live queue token with the
  // old key; ec::user_not_found.
  caf::replies_to<atom::rekey, int64_t, std::string>::with<bool>,
  // The user whose key has this hash; ec::user_key_invalid when nobody's.
  caf::replies_to<atom::lookup, std::string>::with<int64_t>,
  // Inserts a concert; fails with ec::date_exists when the date is taken.
  caf::replies_to<atom::create, concert_info>::with<concert_info>,
  // Every concert, ascending by date.
  caf::replies_to<atom::load, atom::concerts>::with<std::vector<concert_info>>,
  // Inserts a WAITING token for a user; ec::user_not_found, ec::token_already_issued.
  caf::replies_to<atom::create, std::string, int64_t>::with<bool>,
  // Marks tokens ACTIVE with their expiry.
  caf::replies_to<atom::admit, std::vector<admission>>::with<bool>,
  // Marks a token EXPIRED.
  caf::replies_to<atom::expire, std::string>::with<bool>,
  // Every WAITING and ACTIVE token, in line order.
  caf::replies_to<atom::load, atom::tokens>::with<std::vector<token_row>>,
  // Stores the queue's controls (paused, batch size, interval).
  caf::replies_to<atom::update, queue_status>::with<bool>,
  // The stored queue controls; `found` tells whether any were stored.
  caf::replies_to<atom::load, atom::status>::with<stored_controls>,
  // One token of any status; ec::token_not_found.
  caf::replies_to<atom::load, atom::tokens, std::string>::with<token_row>,
  // The balance and reservations of a user; ec::user_not_found.
  caf::replies_to<atom::load, atom::wallet, int64_t>::with<wallet_row>,
  // Adds to a balance and records the charge; replies the new balance.
  caf::replies_to<atom::charge, new_charge>::with<int64_t>,
  // The answer stored under an Idempotency-Key, if any.
  caf::replies_to<atom::idempotent, std::string, int64_t, std::string>::with<stored_answer>,
  // Stores a refusal under an Idempotency-Key unless the key has an answer;
  // replies the answer that stands.
  caf::replies_to<atom::idempotent, idempotency_claim, int32_t, std::string>::with<stored_answer>,
  // A user's payments, newest first.
  caf::replies_to<atom::load, atom::payments, int64_t>::with<std::vector<payment_view>>,
  // Inserts a HELD reservation; replies its id.
  caf::replies_to<atom::create, new_hold>::with<int64_t>,
  // Moves a HELD reservation to EXPIRED or CANCELLED.
  caf::replies_to<atom::release, hold_release>::with<bool>,
  // Every live (HELD or CONFIRMED) reservation of every date, by date then
  // id: one pass over the partial index, for recovery.
  caf::replies_to<atom::load, atom::reservations>::with<std::vector<reservation_view>>,
  // The reservations with these ids, of any status, by id; for a wallet
  // asking after reservations that ended and their seat manager let go.
  caf::replies_to<atom::load, atom::reservations, std::vector<int64_t>>::with<
    std::vector<reservation_view>>,
  // Debits, records the payment, confirms the holds and expires the token, all at once.
  caf::replies_to<atom::pay, payment_order>::with<payment_view>,
  // Commits the writes queued so far; the store sends it to itself.
  caf::reacts_to<atom::flush>,
  // Answers once the database answers a trivial query.
  caf::replies_to<atom::ping>::with<bool>>;

/// Hears of a queue token whenever its position or status changes.
using token_watcher_actor = caf::typed_actor<
  // The token as it is now.
  caf::reacts_to<atom::update, token_view>>;

/// Owns the waiting line and the tokens: admits in batches on a tick, ends
/// ACTIVE tokens after their TTL.
using queue_actor = caf::typed_actor<
  // Issues a WAITING token to a user.
  caf::replies_to<atom::create, int64_t>::with<token_view>,
  // A token's status and place in line; ec::token_not_found.
  caf::replies_to<atom::get, std::string>::with<token_view>,
  // The user of an ACTIVE token; ec::token_invalid or ec::not_admitted.
  caf::replies_to<atom::check, std::string>::with<int64_t>,
  // A payment has expired the token in the database; answers once the
  // token is refused.
  caf::replies_to<atom::ended, std::string>::with<bool>,
  // Replies the token now, then tells the watcher of each change of its
  // position or status until it is ACTIVE or EXPIRED; ec::token_not_found.
  caf::replies_to<atom::watch, std::string, token_watcher_actor>::with<token_view>,
  // The watcher wants no more changes of the token.
  caf::reacts_to<atom::unwatch, std::string, token_watcher_actor>,
  // Ends a token at once (admin); ec::token_not_found.
  caf::replies_to<atom::revoke, std::string>::with<token_view>,
  // The user's key was replaced, which ended their live token in the
  // database: it ends here too, and the edge's guard refuses it.
  caf::replies_to<atom::revoke, int64_t>::with<bool>,
  // Counts and controls.
  caf::replies_to<atom::get, atom::status>::with<queue_status>,
  // Pauses, resumes or retunes admission from the next tick on.
  caf::replies_to<atom::update, queue_change>::with<queue_status>,
  // Admits the next batch and schedules the next tick.
  caf::reacts_to<atom::tick>,
  // A token's TTL timer.
  caf::reacts_to<atom::expire, std::string>,
  // Loads the tokens and starts ticking; replies how many are live.
  caf::replies_to<atom::recover>::with<int32_t>>;

/// Owns the seats, holds and reservations of one concert date.
using seat_manager_actor = caf::typed_actor<
  // Holds a seat for a user.
  caf::replies_to<atom::hold, int64_t, int32_t, idempotency_claim>::with<reservation_view>,
  // A reservation of this user; ec::reservation_not_found for anyone else.
  caf::replies_to<atom::get, int64_t, int64_t>::with<reservation_view>,
  // Cancels a held reservation of this user.
  caf::replies_to<atom::cancel, int64_t, int64_t>::with<reservation_view>,
  // Every seat with its status.
  caf::replies_to<atom::get, atom::seats>::with<seat_list>,
  // Marks a user's holds as being paid (no lapse, no cancel) and lists them.
  caf::replies_to<atom::begin_pay, int64_t, std::vector<int64_t>>::with<std::vector<paid_item>>,
  // The payment committed: the holds are CONFIRMED and their seats SOLD,
  // in the published seats too once it answers.
  caf::replies_to<atom::commit_pay, std::vector<int64_t>>::with<bool>,
  // The payment failed: the holds are HELD again (or lapse now if overdue).
  caf::reacts_to<atom::abort_pay, std::vector<int64_t>>,
  // The seat manager's alarm: the holds whose time is up lapse.
  caf::reacts_to<atom::expire>,
  // Tries again a lapse whose release the database has not taken yet.
  caf::reacts_to<atom::expire, int64_t>,
  // Publishes the seats as they stand; the seat manager sends it to itself.
  caf::reacts_to<atom::publish>,
  // Takes this date's live reservations, as the catalog loaded them, and
  // re-arms the holds' timers; replies how many it took.
  caf::replies_to<atom::recover, std::vector<reservation_view>>::with<int32_t>>;

/// Owns the set of concert dates and a seat manager for each.
using catalog_actor = caf::typed_actor<
  // Creates a concert; fails with ec::date_exists, also while the same date
  // is still being written.
  caf::replies_to<atom::create, concert_info>::with<concert_info>,
  // Loads the concerts and their seat managers; replies how many there are.
  caf::replies_to<atom::recover>::with<int32_t>,
  // Dates with at least one AVAILABLE seat, ascending.
  caf::replies_to<atom::get, atom::dates>::with<std::vector<date_summary>>,
  // The seat manager of a date; ec::date_not_found.
  caf::replies_to<atom::lookup, std::string>::with<seat_manager_actor>,
  // A seat manager's count of AVAILABLE seats changed: the catalog reads
  // the counts from the seat boards at its next publication.
  caf::reacts_to<atom::count>,
  // Publishes the dates list as it stands; the catalog sends it to itself.
  caf::reacts_to<atom::publish>,
  // Whether the database answers (the store's ping), for readiness.
  caf::replies_to<atom::ping>::with<bool>>;

/// Owns one user's balance, the ids of their reservations and their hold
/// count; pays across seat managers.
using wallet_actor = caf::typed_actor<
  // Adds to the balance; ec::invalid_amount past 10^15. A write under a
  // claim with a key answers what the key stored, if anything, instead.
  caf::replies_to<atom::charge, int64_t, idempotency_claim>::with<keyed<user_record>>,
  // The balance.
  caf::replies_to<atom::get, atom::balance>::with<user_record>,
  // The payment history, newest first.
  caf::replies_to<atom::get, atom::payments>::with<std::vector<payment_view>>,
  // Holds a seat, within the per-user cap.
  caf::replies_to<atom::hold, std::string, int32_t, idempotency_claim>::with<keyed<reservation_view>>,
  // One of the user's reservations.
  caf::replies_to<atom::get, int64_t>::with<reservation_view>,
  // Cancels one of the user's holds.
  caf::replies_to<atom::cancel, int64_t>::with<reservation_view>,
  // Pays holds with the given token, all or nothing.
  caf::replies_to<atom::pay, std::string, std::vector<int64_t>, idempotency_claim>::with<keyed<payment_view>>,
  // The answer stored under the claim's key, if any.
  caf::replies_to<atom::idempotent, idempotency_claim>::with<stored_answer>,
  // The directory has handed it to nobody for its idle time: it stops and
  // says true, unless it had a request within that time or has something
  // in flight.
  caf::replies_to<atom::idle>::with<bool>>;

/// Creates users and routes each user's requests to their wallet, which it
/// spawns on first use from the database.
using user_directory_actor = caf::typed_actor<
  // Creates a user with a zero balance and a new key.
  caf::replies_to<atom::create, new_user>::with<created_user>,
  // The wallet of a user; ec::user_not_found.
  caf::replies_to<atom::lookup, int64_t>::with<wallet_actor>,
  // The wallet of a user whose key has this hash; ec::user_key_invalid, or
  // ec::forbidden for another user's key. Without the flag, a key that is
  // not a loaded user's is refused unlooked (ec::user_key_invalid).
  caf::replies_to<atom::authenticate, int64_t, std::string, bool>::with<wallet_actor>,
  // Gives a user a new key; the old one fails from the answer on.
  caf::replies_to<atom::rekey, int64_t>::with<user_credentials>,
  // Starts a sweep for idle wallets unless one is under way, and schedules
  // the next; the directory sends it to itself.
  caf::reacts_to<atom::tick>,
  // Sweeps on through the loaded users; the directory sends it to itself.
  caf::reacts_to<atom::idle>,
  // The wallet's own requests, with the user first, handed on to the
  // user's wallet (loaded first when it is not), which answers the sender:
  // one message from the edge to the owner of the write.
  caf::replies_to<atom::hold, int64_t, std::string, int32_t, idempotency_claim>::with<keyed<reservation_view>>,
  caf::replies_to<atom::get, int64_t, int64_t>::with<reservation_view>,
  caf::replies_to<atom::cancel, int64_t, int64_t>::with<reservation_view>,
  caf::replies_to<atom::pay, int64_t, std::string, std::vector<int64_t>, idempotency_claim>::with<keyed<payment_view>>,
  caf::replies_to<atom::idempotent, int64_t, idempotency_claim>::with<stored_answer>>;

/// Gives memory the actors let go back to the operating system, on a thread
/// of its own (detached).
using memory_trimmer_actor = caf::typed_actor<
  // Memory was let go: it goes back soon, in one trim with whatever else
  // is let go meanwhile.
  caf::reacts_to<atom::trim>,
  // Trims now; the trimmer sends it to itself.
  caf::reacts_to<atom::flush>>;

} // namespace concert
