// Buys seats through the real API as fast as it answers, for scripts/bench:
// durable holds, or whole purchases (a hold, then its payment), each from
// a connection of its own, kept alive, and reports one line of figures.
//
// First it makes USERS users, each charged and holding an ACTIVE queue
// token, so that the measured run does nothing else: in `holds` mode each
// user holds up to HOLDS_PER_USER seats; in `purchases` mode each user buys
// one seat, since a payment ends its token. Seats are taken in order over
// the dates in DATES_FILE (each of SEATS seats, all free), starting at its
// line FIRST_DATE, so no two requests ask for the same seat.
//
// Usage: buyers PORT ADMIN_PORT holds|purchases CONNECTIONS SECONDS
//               DATES_FILE FIRST_DATE SEATS USERS HOLDS_PER_USER
// Prints: "<mode>: N done in S s, R/s, p50 X ms, p99 Y ms, non-2xx E"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/raw_connection.hpp"

using concert::testing::raw_answer;
using concert::testing::raw_connection;
using clock_type = std::chrono::steady_clock;

namespace {

struct buyer {
  int64_t user_id = 0;
  std::string key;
  std::string token;
};

struct seat_ref {
  std::string date;
  int seat = 0;
};

/// One keep-alive connection that sends a request and waits for its answer.
class client {
public:
  explicit client(int port) : port_(port), connection_(std::make_unique<raw_connection>(port)) {
  }

  raw_answer call(const std::string& method, const std::string& path, const std::string& body,
                  const std::string& extra_headers = {}) {
    std::string request = method + " " + path + " HTTP/1.1\r\nHost: bench\r\n" + extra_headers;
    if (!body.empty())
      request += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size())
                 + "\r\n";
    request += "\r\n" + body;
    if (connection_->send(request))
      if (auto answer = connection_->next_answer(std::chrono::seconds{30}))
        return *answer;
    // The server closed the connection (it may, after an error): a fresh
    // one for the next request, and this one counts as failed.
    connection_ = std::make_unique<raw_connection>(port_);
    return {};
  }

private:
  int port_;
  std::unique_ptr<raw_connection> connection_;
};

std::string bearer(const buyer& b) {
  return "Authorization: Bearer " + b.key + "\r\n";
}

/// A new user with `balance`, holding an ACTIVE-to-be token; user_id 0 on failure.
buyer make_buyer(client& c, int64_t balance) {
  buyer b;
  auto created = nlohmann::json::parse(c.call("POST", "/api/users", "{}").body, nullptr, false);
  if (!created.is_object())
    return {};
  b.user_id = created.value("userId", int64_t{0});
  b.key = created.value("userKey", "");
  auto charge = nlohmann::json{{"userId", b.user_id}, {"amount", balance}}.dump();
  if (c.call("POST", "/api/users/balance", charge, bearer(b)).status != 200)
    return {};
  auto taken = c.call("POST", "/api/queue_tokens",
                      nlohmann::json{{"userId", b.user_id}}.dump(), bearer(b));
  auto token = nlohmann::json::parse(taken.body, nullptr, false);
  if (taken.status != 201 || !token.is_object())
    return {};
  b.token = token.value("token", "");
  return b;
}

/// Waits until the queue has admitted every waiting token.
bool wait_admitted(int admin_port) {
  client admin{admin_port};
  auto deadline = clock_type::now() + std::chrono::seconds{120};
  while (clock_type::now() < deadline) {
    auto queue = nlohmann::json::parse(admin.call("GET", "/admin/queue", "").body, nullptr, false);
    if (queue.is_object() && queue.value("waiting", -1) == 0)
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  return false;
}

double percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty())
    return 0;
  auto at = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1));
  return sorted[at];
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 11) {
    std::cerr << "usage: buyers PORT ADMIN_PORT holds|purchases CONNECTIONS SECONDS"
                 " DATES_FILE FIRST_DATE SEATS USERS HOLDS_PER_USER\n";
    return 2;
  }
  auto port = std::stoi(argv[1]);
  auto admin_port = std::stoi(argv[2]);
  std::string mode = argv[3];
  auto connections = std::stoi(argv[4]);
  auto seconds = std::stod(argv[5]);
  std::ifstream dates_file{argv[6]};
  auto first_date = std::stoul(argv[7]);
  auto seats_per_date = std::stoi(argv[8]);
  auto user_count = std::stoul(argv[9]);
  auto holds_per_user = std::stoul(argv[10]);
  bool purchases = mode == "purchases";
  if (!purchases && mode != "holds") {
    std::cerr << "buyers: the mode is holds or purchases\n";
    return 2;
  }

  std::vector<seat_ref> seats;
  size_t line_number = 0;
  for (std::string line; std::getline(dates_file, line); ++line_number)
    if (line_number >= first_date && !line.empty())
      for (int s = 1; s <= seats_per_date; ++s)
        seats.push_back({line, s});

  // The users, made over all connections at once.
  std::vector<buyer> buyers(user_count);
  std::atomic<size_t> next_user{0};
  std::atomic<bool> preparation_failed{false};
  {
    std::vector<std::thread> makers;
    for (int i = 0; i < connections; ++i)
      makers.emplace_back([&] {
        client c{port};
        for (auto n = next_user++; n < user_count; n = next_user++) {
          buyers[n] = make_buyer(c, 1'000'000'000);
          if (buyers[n].user_id == 0)
            preparation_failed = true;
        }
      });
    for (auto& t : makers)
      t.join();
  }
  if (preparation_failed || !wait_admitted(admin_port)) {
    std::cerr << "buyers: could not make " << user_count << " users with ACTIVE tokens\n";
    return 1;
  }

  // The measured run: each connection takes the next seat (and, buying,
  // the next user) until the time is up or either runs out.
  std::cerr << "buyers: measuring" << std::endl;
  std::atomic<size_t> next_seat{0};
  std::atomic<size_t> non_2xx{0};
  std::atomic<size_t> done{0};
  std::vector<std::vector<double>> latencies(static_cast<size_t>(connections));
  auto started = clock_type::now();
  auto deadline = started + std::chrono::duration_cast<clock_type::duration>(
                              std::chrono::duration<double>(seconds));
  std::vector<std::thread> runners;
  for (int i = 0; i < connections; ++i)
    runners.emplace_back([&, i] {
      client c{port};
      auto& mine = latencies[static_cast<size_t>(i)];
      while (clock_type::now() < deadline) {
        auto n = next_seat++;
        auto user = purchases ? n : n / holds_per_user;
        if (n >= seats.size() || user >= buyers.size())
          break;
        const auto& who = buyers[user];
        auto token = "X-Queue-Token: " + who.token + "\r\n";
        auto begun = clock_type::now();
        auto held = c.call("POST", "/api/reservations",
                           nlohmann::json{{"date", seats[n].date}, {"seat", seats[n].seat}}.dump(),
                           token);
        auto ok = held.status == 201;
        if (ok && purchases) {
          auto reservation = nlohmann::json::parse(held.body, nullptr, false);
          auto paid = c.call("POST", "/api/payments",
                             nlohmann::json{{"reservationId", reservation.value("reservationId", 0)}}
                               .dump(),
                             token);
          ok = paid.status == 201;
        }
        mine.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - begun).count());
        ++done;
        if (!ok)
          ++non_2xx;
      }
    });
  for (auto& t : runners)
    t.join();
  auto elapsed = std::chrono::duration<double>(clock_type::now() - started).count();

  std::vector<double> all;
  for (auto& l : latencies)
    all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  std::cout << mode << ": " << done << " done in " << elapsed << " s, "
            << static_cast<double>(done) / elapsed << "/s, p50 " << percentile(all, 0.5)
            << " ms, p99 " << percentile(all, 0.99) << " ms, non-2xx " << non_2xx << std::endl;
  return 0;
}
