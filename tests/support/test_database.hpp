#pragma once

#include <string>

#include "persistence/pg.hpp"

namespace concert::testing {

/// A fresh, empty database on the throwaway cluster that scripts/test starts
/// (CONCERT_TEST_DATABASE_URL), dropped again at the end of the test.
class test_database {
public:
  test_database();
  ~test_database();
  test_database(const test_database&) = delete;
  test_database& operator=(const test_database&) = delete;

  /// A libpq connection string for this database.
  const std::string& url() const {
    return url_;
  }

  /// A new connection to this database, for checking what is stored.
  pg::connection connect() const {
    return pg::connection{url_};
  }

  /// Ends every server connection to this database, as a restart would.
  void kill_connections() const;

private:
  std::string name_;
  std::string url_;
};

/// The cluster's maintenance database URL; fails the test when it is unset.
std::string cluster_url();

} // namespace concert::testing
