#include "tests/support/test_database.hpp"

#include <atomic>
#include <cstdlib>
#include <memory>
#include <random>
#include <stdexcept>

#include <unistd.h>

namespace concert::testing {

namespace {

/// `url` with its database replaced, rebuilt as key=value pairs.
std::string with_database(const std::string& url, const std::string& database) {
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options{
    PQconninfoParse(url.c_str(), &error), &PQconninfoFree};
  if (options == nullptr) {
    std::string what = error == nullptr ? "cannot parse" : error;
    PQfreemem(error);
    throw std::runtime_error("CONCERT_TEST_DATABASE_URL: " + what);
  }
  std::string result = "dbname='" + database + "'";
  for (auto* o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr || std::string{o->keyword} == "dbname")
      continue;
    std::string value;
    for (const char* c = o->val; *c != '\0'; ++c) {
      if (*c == '\'' || *c == '\\')
        value.push_back('\\');
      value.push_back(*c);
    }
    result += " " + std::string{o->keyword} + "='" + value + "'";
  }
  return result;
}

std::string unique_name() {
  static std::atomic<int> counter{0};
  std::random_device random;
  return "concert_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_"
         + std::to_string(random() % 1000000);
}

} // namespace

std::string cluster_url() {
  const char* url = std::getenv("CONCERT_TEST_DATABASE_URL");
  if (url == nullptr || *url == '\0')
    throw std::runtime_error("CONCERT_TEST_DATABASE_URL is not set: run the tests with scripts/test");
  return url;
}

test_database::test_database() : name_(unique_name()) {
  pg::connection admin{cluster_url()};
  admin.exec("CREATE DATABASE " + name_);
  url_ = with_database(cluster_url(), name_);
}

test_database::~test_database() {
  try {
    pg::connection admin{cluster_url()};
    admin.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const pg::db_error&) {
    // The cluster is removed with the test run anyway.
  }
}

void test_database::kill_connections() const {
  pg::connection admin{cluster_url()};
  admin.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
             " WHERE datname = $1 AND pid <> pg_backend_pid()",
             {name_});
}

} // namespace concert::testing
