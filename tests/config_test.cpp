#include "config/settings.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include <unistd.h>

using concert::config::load;
using concert::config::setting_error;

namespace {

using env_map = std::map<std::string, std::string>;

concert::config::settings settings_of(std::vector<std::string> args, env_map env = {}) {
  return load(args, env).values;
}

/// The message of the setting_error that loading throws, or "" if none.
std::string error_of(std::vector<std::string> args, env_map env = {}) {
  try {
    load(args, env);
  } catch (const setting_error& e) {
    return e.what();
  }
  return "";
}

class config_file {
public:
  explicit config_file(const std::string& text) {
    char name[] = "/tmp/concertd-config-XXXXXX";
    close(mkstemp(name));
    path_ = name;
    std::ofstream{path_} << text;
  }
  ~config_file() {
    std::remove(path_.c_str());
  }
  const std::string& path() const {
    return path_;
  }

private:
  std::string path_;
};

} // namespace

TEST(config, defaults_are_those_of_the_api_contract) {
  auto s = settings_of({});
  EXPECT_EQ(s.bind, "127.0.0.1");
  EXPECT_EQ(s.port, 8080);
  EXPECT_EQ(s.admin_port, 8081);
  EXPECT_EQ(s.hold_seconds, 300);
  EXPECT_EQ(s.queue_batch_size, 100);
  EXPECT_EQ(s.queue_interval_ms, 1000);
  EXPECT_EQ(s.queue_max_active, 1000);
  EXPECT_EQ(s.token_ttl_seconds, 600);
  EXPECT_EQ(s.max_holds_per_user, 4);
  EXPECT_EQ(s.admin_token, "");
  EXPECT_EQ(s.rate_limit_rps, 0);
  EXPECT_EQ(s.trusted_proxies, "");
  EXPECT_EQ(s.new_users_per_minute, 20);
  EXPECT_EQ(s.new_tokens_per_minute, 60);
  EXPECT_EQ(s.max_holds_per_address, 20);
  EXPECT_EQ(s.request_timeout_ms, 10000);
  EXPECT_EQ(s.idle_timeout_ms, 5000);
}

TEST(config, trusted_proxies_are_addresses_and_networks) {
  EXPECT_EQ(settings_of({}, {{"CONCERT_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7,::1,2001:db8::/32"}})
              .trusted_proxies,
            "10.0.0.0/8, 192.0.2.7,::1,2001:db8::/32");
  for (auto bad : {"10.0.0.0/33", "example.com", "10.0.0.1,", "10.0.0.0/x", "::1/129"})
    EXPECT_NE(error_of({}, {{"CONCERT_TRUSTED_PROXIES", bad}})
                .find("CONCERT_TRUSTED_PROXIES: \"" + std::string{bad} + "\" (environment) is not"),
              std::string::npos)
      << bad;
}

TEST(config, environment_overrides_defaults) {
  auto s = settings_of({}, {{"CONCERT_PORT", "9000"}, {"CONCERT_ADMIN_TOKEN", "secret"}});
  EXPECT_EQ(s.port, 9000);
  EXPECT_EQ(s.admin_token, "secret");
}

TEST(config, flag_overrides_environment_in_both_spellings) {
  EXPECT_EQ(settings_of({"--port", "9001"}, {{"CONCERT_PORT", "9000"}}).port, 9001);
  EXPECT_EQ(settings_of({"--port=9002"}, {{"CONCERT_PORT", "9000"}}).port, 9002);
  EXPECT_EQ(settings_of({"--queue-batch-size=7"}).queue_batch_size, 7);
}

TEST(config, file_overrides_defaults_and_environment_overrides_file) {
  config_file file{"# comment\n\nCONCERT_HOLD_SECONDS = 60\nCONCERT_PORT=9100\n"};
  auto from_file = settings_of({"--config", file.path()});
  EXPECT_EQ(from_file.hold_seconds, 60);
  EXPECT_EQ(from_file.port, 9100);
  auto env_wins = settings_of({"--config", file.path()}, {{"CONCERT_PORT", "9200"}});
  EXPECT_EQ(env_wins.port, 9200);
  EXPECT_EQ(env_wins.hold_seconds, 60);
  auto flag_wins = settings_of({"--config", file.path(), "--port", "9300"},
                               {{"CONCERT_PORT", "9200"}});
  EXPECT_EQ(flag_wins.port, 9300);
}

TEST(config, config_file_may_be_named_by_the_environment) {
  config_file file{"CONCERT_MAX_HOLDS_PER_USER=2\n"};
  EXPECT_EQ(settings_of({}, {{"CONCERT_CONFIG", file.path()}}).max_holds_per_user, 2);
}

TEST(config, a_non_number_names_the_setting_and_its_source) {
  EXPECT_EQ(error_of({}, {{"CONCERT_PORT", "abc"}}),
            "CONCERT_PORT: \"abc\" (environment) is not a whole number");
  EXPECT_EQ(error_of({"--hold-seconds=5s"}),
            "CONCERT_HOLD_SECONDS: \"5s\" (flag --hold-seconds) is not a whole number");
  EXPECT_EQ(error_of({}, {{"CONCERT_QUEUE_BATCH_SIZE", ""}}),
            "CONCERT_QUEUE_BATCH_SIZE: \"\" (environment) is not a whole number");
  EXPECT_EQ(error_of({}, {{"CONCERT_PORT", " 80"}}),
            "CONCERT_PORT: \" 80\" (environment) is not a whole number");
}

TEST(config, a_value_out_of_range_names_the_range) {
  EXPECT_EQ(error_of({}, {{"CONCERT_PORT", "70000"}}),
            "CONCERT_PORT: \"70000\" (environment) is out of range 0..65535");
  EXPECT_EQ(error_of({}, {{"CONCERT_HOLD_SECONDS", "0"}}),
            "CONCERT_HOLD_SECONDS: \"0\" (environment) is out of range 1..86400");
  EXPECT_EQ(error_of({}, {{"CONCERT_RATE_LIMIT_RPS", "-1"}}),
            "CONCERT_RATE_LIMIT_RPS: \"-1\" (environment) is out of range 0..1000000");
  EXPECT_EQ(error_of({}, {{"CONCERT_QUEUE_MAX_ACTIVE", "99999999999999999999"}}),
            "CONCERT_QUEUE_MAX_ACTIVE: \"99999999999999999999\" (environment) is out of range "
            "1..10000000");
}

TEST(config, the_file_reports_its_line) {
  config_file file{"CONCERT_PORT=8080\nCONCERT_TOKEN_TTL_SECONDS=forever\n"};
  EXPECT_EQ(error_of({"--config", file.path()}),
            "CONCERT_TOKEN_TTL_SECONDS: \"forever\" (file " + file.path()
              + ":2) is not a whole number");
}

TEST(config, unknown_names_are_rejected_where_they_are_ours) {
  EXPECT_EQ(error_of({"--prot=1"}), "unknown flag --prot (see --help)");
  EXPECT_EQ(error_of({"stray"}), "unexpected argument \"stray\" (see --help)");
  EXPECT_EQ(error_of({"--port"}), "--port: missing value (see --help)");
  config_file file{"CONCERT_PROT=1\n"};
  EXPECT_EQ(error_of({"--config", file.path()}),
            "file " + file.path() + ":1: unknown setting CONCERT_PROT");
  EXPECT_EQ(error_of({"--config", "/nonexistent/concertd.conf"}),
            "CONCERT_CONFIG: \"/nonexistent/concertd.conf\" (flag --config) cannot be read");
}

TEST(config, unknown_environment_variables_are_ignored) {
  EXPECT_EQ(settings_of({}, {{"CONCERT_TEST_DATABASE_URL", "x"}}).port, 8080);
}

TEST(config, the_two_ports_must_differ) {
  EXPECT_EQ(error_of({"--port=9000", "--admin-port=9000"}),
            "CONCERT_ADMIN_PORT: \"9000\" must differ from CONCERT_PORT");
  EXPECT_EQ(settings_of({"--port=0", "--admin-port=0"}).port, 0);
}

TEST(config, booleans_take_the_usual_words) {
  EXPECT_TRUE(settings_of({"--demo-catalog=true"}).demo_catalog);
  EXPECT_FALSE(settings_of({"--demo-catalog=0"}).demo_catalog);
  EXPECT_EQ(error_of({"--demo-catalog=maybe"}),
            "CONCERT_DEMO_CATALOG: \"maybe\" (flag --demo-catalog) is not true or false");
}

TEST(config, help_is_a_request_not_an_error) {
  EXPECT_TRUE(load({"--help"}, {}).help_requested);
  auto text = concert::config::usage();
  EXPECT_NE(text.find("--queue-interval-ms (CONCERT_QUEUE_INTERVAL_MS)"), std::string::npos);
}

TEST(config, described_settings_hide_secrets) {
  auto s = settings_of({}, {{"CONCERT_ADMIN_TOKEN", "hunter2"},
                            {"CONCERT_DATABASE_URL", "postgresql://kim:pw@db/concert"}});
  auto shown = concert::config::describe(s);
  EXPECT_EQ(shown["CONCERT_ADMIN_TOKEN"], "***");
  EXPECT_EQ(shown["CONCERT_DATABASE_URL"], "postgresql://kim:***@db/concert");
  EXPECT_EQ(shown["CONCERT_PORT"], 8080);
  EXPECT_EQ(shown.dump().find("hunter2"), std::string::npos);
}

TEST(config, passwords_are_masked_in_every_connection_string_form) {
  using concert::config::mask_password;
  EXPECT_EQ(mask_password("host=db password=secret user=kim"), "host=db password=*** user=kim");
  EXPECT_EQ(mask_password("host=db password = 'se cret' user=kim"),
            "host=db password = *** user=kim");
  EXPECT_EQ(mask_password("postgresql://db/concert?user=kim&password=secret&sslmode=require"),
            "postgresql://db/concert?user=kim&password=***&sslmode=require");
  EXPECT_EQ(mask_password("postgresql://kim@db/concert"), "postgresql://kim@db/concert");
}
