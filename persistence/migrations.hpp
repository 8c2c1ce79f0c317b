#pragma once

#include "persistence/pg.hpp"

namespace concert::persistence {

/// Brings the schema up to date in one transaction, under an advisory lock
/// so that servers starting together do not race. Safe to run again: applied
/// versions are recorded in `schema_migrations`. Returns how many it applied;
/// throws pg::db_error, also when the database is newer than this server.
int migrate(pg::connection& db);

} // namespace concert::persistence
