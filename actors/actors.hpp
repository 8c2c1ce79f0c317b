#pragma once

#include <cstdint>
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
  // Inserts a concert; fails with ec::date_exists when the date is taken.
  caf::replies_to<atom::create, concert_info>::with<concert_info>,
  // Every concert, ascending by date.
  caf::replies_to<atom::load, atom::concerts>::with<std::vector<concert_info>>,
  // Commits the writes queued so far; the store sends it to itself.
  caf::reacts_to<atom::flush>,
  // Answers once the database answers a trivial query.
  caf::replies_to<atom::ping>::with<bool>>;

/// Owns the set of concert dates.
using catalog_actor = caf::typed_actor<
  // Creates a concert; fails with ec::date_exists, also while the same date
  // is still being written.
  caf::replies_to<atom::create, concert_info>::with<concert_info>,
  // Loads the concerts from the store; replies how many there are.
  caf::replies_to<atom::recover>::with<int32_t>>;

/// Creates users; the home of their wallets.
using user_directory_actor = caf::typed_actor<
  // Creates a user with a zero balance.
  caf::replies_to<atom::create, new_user>::with<user_record>>;

} // namespace concert
