// openapi.yaml against the running server: Prism, a third-party validator,
// proxies a session over every route and reports any response that strays
// from the document, so the document cannot drift from the server.

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/booking.hpp"
#include "tests/support/test_database.hpp"

using namespace concert::testing;
using nlohmann::json;

namespace {

int free_port() {
  auto fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

/// `prism proxy openapi.yaml <upstream>` as a child process.
class prism_proxy {
public:
  explicit prism_proxy(int upstream) : port_(free_port()) {
    const char* prism = std::getenv("CONCERT_PRISM");
    if (prism == nullptr)
      throw std::runtime_error("CONCERT_PRISM is not set: run the tests with scripts/test");
    pid_ = fork();
    if (pid_ == 0) {
      auto null = fopen("/dev/null", "w");
      dup2(fileno(null), STDOUT_FILENO);
      dup2(fileno(null), STDERR_FILENO);
      setpgid(0, 0);
      auto target = "http://127.0.0.1:" + std::to_string(upstream);
      auto port = std::to_string(port_);
      execl(prism, prism, "proxy", CONCERT_OPENAPI_PATH, target.c_str(), "--port", port.c_str(),
            "--host", "127.0.0.1", static_cast<char*>(nullptr));
      _exit(127);
    }
  }

  ~prism_proxy() {
    kill(-pid_, SIGTERM);
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }

  /// Waits until the proxy answers.
  void wait_ready() {
    httplib::Client c{"127.0.0.1", port_};
    for (int i = 0; i < 600; ++i) {
      if (c.Get("/healthz"))
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    throw std::runtime_error("prism did not start");
  }

  int port() const {
    return port_;
  }

private:
  int port_;
  pid_t pid_ = -1;
};

/// Response violations Prism reported for one exchange, as text.
std::string response_violations(const reply& r) {
  auto i = r.headers.find("sl-violations");
  if (i == r.headers.end())
    return "";
  std::string found;
  for (const auto& v : json::parse(i->second))
    if (v.at("location").at(0) == "response")
      found += v.dump() + "\n";
  return found;
}

} // namespace

TEST(openapi, the_server_serves_the_document_of_the_repository) {
  test_database db;
  server_process server{db.url()};
  auto client = server.client();
  auto res = client.Get("/openapi.yaml");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  std::ifstream file{CONCERT_OPENAPI_PATH};
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_EQ(res->body, text.str());
}

TEST(openapi, every_answer_of_a_session_over_all_routes_matches_the_document) {
  test_database db;
  server_process server{db.url(), fast_queue({{"CONCERT_MAX_HOLDS_PER_USER", "2"}})};
  prism_proxy public_proxy{server.port()};
  prism_proxy admin_proxy{server.admin_port()};
  public_proxy.wait_ready();
  admin_proxy.wait_ready();
  httplib::Client pub{"127.0.0.1", public_proxy.port()};
  httplib::Client admin{"127.0.0.1", admin_proxy.port()};
  pub.set_read_timeout(std::chrono::seconds{20});
  admin.set_read_timeout(std::chrono::seconds{20});
  std::string violations;
  int exchanges = 0;
  auto check = [&](httplib::Client& c, const std::string& method, const std::string& path,
                   const json& body = nullptr, httplib::Headers headers = {}) {
    auto r = send(c, method, path, body.is_null() ? "" : body.dump(), headers);
    ++exchanges;
    auto found = response_violations(r);
    if (!found.empty())
      violations += method + " " + path + " -> " + std::to_string(r.status) + "\n" + found;
    return r;
  };
  check(admin, "POST", "/admin/concerts", {{"date", "2026-12-24"}, {"title", "Xmas"}, {"seats", 5}, {"price", 100}});
  check(admin, "POST", "/admin/concerts", {{"date", "2026-12-24"}, {"title", "Xmas"}, {"seats", 5}, {"price", 100}});
  check(admin, "POST", "/admin/concerts", {{"date", "2026-12-24"}, {"title", "x"}, {"seats", 0}, {"price", 1}});
  check(admin, "GET", "/admin/queue");
  check(admin, "POST", "/admin/queue", {{"batchSize", 10}});
  check(admin, "GET", "/readyz");
  check(admin, "GET", "/healthz");
  auto created = check(pub, "POST", "/api/users", {{"name", "kim"}}).body;
  auto user = created.at("userId").get<int64_t>();
  auto bearer = "Bearer " + created.at("userKey").get<std::string>();
  httplib::Headers with_key{{"Authorization", bearer}};
  check(pub, "POST", "/api/users", json::object());
  check(pub, "POST", "/api/users/balance", {{"userId", user}, {"amount", 1000}},
        {{"Authorization", bearer}, {"Idempotency-Key", "c1"}});
  check(pub, "POST", "/api/users/balance", {{"userId", user}, {"amount", 1000}},
        {{"Authorization", bearer}, {"Idempotency-Key", "c1"}});
  check(pub, "POST", "/api/users/balance", {{"userId", user}, {"amount", 7}},
        {{"Authorization", bearer}, {"Idempotency-Key", "c1"}});
  check(pub, "POST", "/api/users/balance", {{"userId", 999999}, {"amount", 10}}, with_key);
  check(pub, "POST", "/api/users/balance", {{"userId", user}, {"amount", 10}});
  check(pub, "GET", "/api/users/balance?userId=" + std::to_string(user), nullptr, with_key);
  check(pub, "GET", "/api/users/balance?userId=999999", nullptr, with_key);
  check(pub, "GET", "/api/users/balance?userId=" + std::to_string(user));
  check(pub, "GET", "/api/payments?userId=" + std::to_string(user), nullptr, with_key);
  check(pub, "GET", "/api/payments?userId=" + std::to_string(user));
  auto issued = check(pub, "POST", "/api/queue_tokens", {{"userId", user}}, with_key);
  auto token = issued.body.at("token").get<std::string>();
  check(pub, "POST", "/api/queue_tokens", {{"userId", user}}, with_key);
  check(pub, "POST", "/api/queue_tokens", {{"userId", 999999}}, with_key);
  check(pub, "POST", "/api/queue_tokens", {{"userId", user}});
  check(pub, "GET", "/api/queue_tokens/00000000-0000-4000-8000-000000000000");
  while (check(pub, "GET", "/api/queue_tokens/" + token).body.value("status", "") != "ACTIVE")
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  httplib::Headers as_user{{"X-Queue-Token", token}};
  check(pub, "GET", "/api/concerts/available_dates", nullptr, as_user);
  check(pub, "GET", "/api/concerts/2026-12-24/seats", nullptr, as_user);
  check(pub, "GET", "/api/concerts/2027-01-01/seats", nullptr, as_user);
  auto first = check(pub, "POST", "/api/reservations", {{"date", "2026-12-24"}, {"seat", 1}}, as_user);
  auto second = check(pub, "POST", "/api/reservations", {{"date", "2026-12-24"}, {"seat", 2}}, as_user);
  check(pub, "POST", "/api/reservations", {{"date", "2026-12-24"}, {"seat", 3}}, as_user);
  check(pub, "POST", "/api/reservations", {{"date", "2026-12-24"}, {"seat", 1}}, as_user);
  check(pub, "POST", "/api/reservations", {{"date", "2026-12-24"}, {"seat", 9}}, as_user);
  auto first_id = std::to_string(first.body.at("reservationId").get<int64_t>());
  auto second_id = second.body.at("reservationId").get<int64_t>();
  check(pub, "GET", "/api/reservations/" + first_id, nullptr, as_user);
  check(pub, "GET", "/api/reservations/999999", nullptr, as_user);
  check(pub, "DELETE", "/api/reservations/" + first_id, nullptr, as_user);
  check(pub, "DELETE", "/api/reservations/" + first_id, nullptr, as_user);
  check(pub, "POST", "/api/payments", {{"reservationId", 999999}}, as_user);
  check(pub, "POST", "/api/payments", {{"reservationIds", {second_id}}}, as_user);
  check(pub, "GET", "/api/payments?userId=" + std::to_string(user), nullptr, with_key);
  check(pub, "GET", "/api/concerts/available_dates", nullptr, as_user);
  check(pub, "GET", "/openapi.yaml");
  check(admin, "DELETE", "/admin/queue_tokens/" + token);
  check(admin, "POST", "/admin/users/" + std::to_string(user) + "/key");
  check(admin, "POST", "/admin/users/999999/key");
  check(admin, "GET", "/metrics");
  EXPECT_EQ(violations, "") << "answers that stray from openapi.yaml";
  EXPECT_GE(exchanges, 40) << "the session covers every route";
}
