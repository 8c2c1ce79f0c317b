#include "tests/support/booking.hpp"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

namespace concert::testing {

launch fast_queue(std::map<std::string, std::string> more) {
  launch options{{{"CONCERT_QUEUE_INTERVAL_MS", "20"}}, {}};
  for (auto& [key, value] : more)
    options.env[key] = value;
  return options;
}

booking::booking(const server_process& server) : client(server.client()), admin(server.admin()) {
}

int64_t booking::new_user() {
  auto r = post(client, "/api/users", "{}");
  EXPECT_EQ(r.status, 201);
  if (r.status != 201)
    return 0;
  auto user = r.body.at("userId").get<int64_t>();
  keys_[user] = r.body.at("userKey").get<std::string>();
  return user;
}

const std::string& booking::key_of(int64_t user) const {
  static const std::string none;
  auto i = keys_.find(user);
  return i == keys_.end() ? none : i->second;
}

reply booking::as_user(int64_t user, const std::string& method, const std::string& path,
                       const std::string& body, httplib::Headers headers) {
  headers.emplace("Authorization", "Bearer " + key_of(user));
  return send(client, method, path, body, headers);
}

void booking::charge(int64_t user, int64_t amount) {
  auto r = as_user(user, "POST", "/api/users/balance",
                   nlohmann::json{{"userId", user}, {"amount", amount}}.dump());
  EXPECT_EQ(r.status, 200) << r.body.dump();
}

void booking::new_concert(const std::string& date, int seats, int64_t price) {
  auto r = post(admin, "/admin/concerts",
                nlohmann::json{{"date", date}, {"title", "Concert " + date}, {"seats", seats},
                               {"price", price}}
                  .dump());
  EXPECT_EQ(r.status, 201) << r.body.dump();
}

std::string booking::issue_token(int64_t user) {
  auto issued = as_user(user, "POST", "/api/queue_tokens", nlohmann::json{{"userId", user}}.dump());
  EXPECT_EQ(issued.status, 201) << issued.body.dump();
  return issued.status == 201 ? issued.body.at("token").get<std::string>() : std::string{};
}

std::string booking::admitted_token(int64_t user) {
  auto token = issue_token(user);
  if (token.empty())
    return {};
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  while (std::chrono::steady_clock::now() < deadline) {
    if (get(client, "/api/queue_tokens/" + token).body.value("status", "") == "ACTIVE")
      return token;
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  ADD_FAILURE() << "token " << token << " was never admitted";
  return token;
}

reply booking::as(const std::string& token, const std::string& method, const std::string& path,
                  const std::string& body) {
  return send(client, method, path, body, {{"X-Queue-Token", token}});
}

int64_t booking::hold(const std::string& token, const std::string& date, int seat) {
  auto r = as(token, "POST", "/api/reservations",
              nlohmann::json{{"date", date}, {"seat", seat}}.dump());
  EXPECT_EQ(r.status, 201) << r.body.dump();
  return r.status == 201 ? r.body.at("reservationId").get<int64_t>() : 0;
}

} // namespace concert::testing
