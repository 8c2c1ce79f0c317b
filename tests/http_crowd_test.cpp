// A crowd of slow, idle and non-reading connections, as a ticket sale's
// phones on slow networks (or an attacker) bring them, costs the server
// memory and never anyone else's service: other clients are answered within
// a liveness bound, pipelined requests are answered in order at once, idle
// connections close at the idle limit, and SIGTERM ends the server within
// the request deadline plus a second.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/support/booking.hpp"
#include "tests/support/event_stream_client.hpp"
#include "tests/support/raw_connection.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"

using namespace concert::testing;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

/// A liveness bound, not a performance target: on a quiet server each
/// request below is answered in milliseconds, while an edge whose threads
/// the crowd holds makes it wait for seconds, until some deadline frees one.
constexpr auto live_bound = 1s;

/// How long a test waits for an answer at all: past this the server is not
/// serving, and the test stops there.
constexpr auto patience = 3s;

/// The pace of a trickling client: one byte per this.
constexpr auto byte_interval = 200ms;

/// The crowd's first connects are spread over this, not sent as one burst.
constexpr auto ramp = 300ms;

/// A member the server closed comes back from its address after this.
constexpr auto comeback = 250ms;

long long ms(clock_type::duration d) {
  return std::chrono::duration_cast<milliseconds>(d).count();
}

/// The `index`-th address of 127.`block`.0.0/16. All of 127.0.0.0/8 is
/// local, so every client of a test comes from an address of its own, as a
/// crowd of phones would, and limits per address see a crowd.
std::string loopback(int block, int index) {
  return "127." + std::to_string(block) + "." + std::to_string(index / 250) + "."
         + std::to_string(index % 250 + 1);
}

/// A TCP socket bound to `source`, with `flags` (SOCK_NONBLOCK, ...), or -1.
int socket_from(const std::string& source, int flags = 0) {
  auto fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  if (fd >= 0
      && (inet_pton(AF_INET, source.c_str(), &local.sin_addr) != 1
          || ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// Connects `fd` to 127.0.0.1:`port`: 0, or -1 with errno set.
int connect_to(int fd, int port) {
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<uint16_t>(port));
  server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return ::connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof(server));
}

/// How a member of the crowd fails to finish a request.
enum class conduct { slow_head, slow_body, idle };

/// What a member sends: the first `at_once` bytes as soon as it is
/// connected, the rest a byte per byte_interval; none of it completes
/// within any test here.
struct script {
  std::string text;
  size_t at_once = 0;
};

/// What a member of `kind` sends. A slow head is a browser-like head for a
/// guarded read, 273 bytes: at a byte per 200 ms it would take nearly a
/// minute. A slow body is a POST head at once, then its 256-byte body
/// (valid JSON however far it gets) a byte at a time.
const script& script_of(conduct kind) {
  static const script slow_head{
    "GET /api/concerts/available_dates HTTP/1.1\r\n"
    "Host: tickets.example\r\n"
    "User-Agent: Mozilla/5.0 (Linux; Android 14; Pixel 7) Mobile Safari/537.36\r\n"
    "Accept: application/json, text/plain, */*\r\n"
    "Accept-Language: en-GB,en;q=0.9\r\n"
    "X-Queue-Token: 00000000-0000-4000-8000-000000000000\r\n"
    "\r\n",
    0};
  static const script slow_body = [] {
    std::string head = "POST /api/users HTTP/1.1\r\nHost: tickets.example\r\n"
                       "Content-Type: application/json\r\nContent-Length: 256\r\n\r\n";
    return script{head + "{" + std::string(254, ' ') + "}", head.size()};
  }();
  static const script nothing;
  return kind == conduct::slow_head   ? slow_head
         : kind == conduct::slow_body ? slow_body
                                      : nothing;
}

/// A crowd of connections, each from an address of its own, kept by one
/// thread: slow heads send a request head a byte at a time, slow bodies a
/// POST head and then its body a byte at a time, idle ones connect and say
/// nothing. A member the server closes comes back shortly after, as a phone
/// would retry, so the crowd stays as large as it began.
class crowd {
public:
  struct size {
    int slow_heads = 0;
    int slow_bodies = 0;
    int idle = 0;
  };

  /// Starts connecting to 127.0.0.1:`port` from addresses in 127.`block`/16.
  crowd(int port, size how_many, int block) : port_(port) {
    auto add = [&](conduct kind, int count) {
      for (int i = 0; i < count; ++i)
        members_.push_back({kind, loopback(block, static_cast<int>(members_.size()))});
    };
    add(conduct::slow_head, how_many.slow_heads);
    add(conduct::slow_body, how_many.slow_bodies);
    add(conduct::idle, how_many.idle);
    auto start = clock_type::now();
    auto count = static_cast<long>(members_.size());
    for (long i = 0; i < count; ++i)
      members_[static_cast<size_t>(i)].next = start + milliseconds{ramp.count() * i / count};
    thread_ = std::thread{[this] { run(); }};
  }

  ~crowd() {
    stop_ = true;
    thread_.join();
    for (auto& m : members_)
      if (m.fd >= 0)
        ::close(m.fd);
  }

  crowd(const crowd&) = delete;
  crowd& operator=(const crowd&) = delete;

  /// Whether, within `timeout`, every member has connected and every
  /// trickling one has sent a byte of its trickle.
  bool wait_until_present(milliseconds timeout = 10s) {
    return wait_until(timeout, [](const member& m) { return m.present; });
  }

  /// Whether, within `timeout`, the server has ended every member's
  /// connection at least once.
  bool wait_until_each_was_closed(milliseconds timeout) {
    return wait_until(timeout, [](const member& m) { return m.closed_by_server > 0; });
  }

  /// How long each connection of `kind` that the server ended had lived,
  /// from our connect to its close.
  std::vector<clock_type::duration> lifetimes(conduct kind) const {
    std::lock_guard<std::mutex> lock{mutex_};
    std::vector<clock_type::duration> of_kind;
    for (const auto& [k, lived] : lifetimes_)
      if (k == kind)
        of_kind.push_back(lived);
    return of_kind;
  }

  /// Members, present, connected now, and ended by the server at least
  /// once, for failure messages.
  std::string describe() const {
    std::lock_guard<std::mutex> lock{mutex_};
    auto count = [&](auto pred) { return std::count_if(members_.begin(), members_.end(), pred); };
    std::ostringstream text;
    text << "crowd of " << members_.size() << ": "
         << count([](const member& m) { return m.present; }) << " present, "
         << count([](const member& m) { return m.fd >= 0 && !m.connecting; }) << " connected, "
         << count([](const member& m) { return m.closed_by_server > 0; })
         << " closed by the server at least once";
    return text.str();
  }

private:
  struct member {
    conduct kind;
    std::string source;
    int fd = -1;
    bool connecting = false;
    /// Bytes of the script sent on this connection.
    size_t sent = 0;
    clock_type::time_point connected_at{};
    /// The next byte while connected, the next connect while not.
    clock_type::time_point next{};
    bool present = false;
    int closed_by_server = 0;
  };

  template <class Predicate>
  bool wait_until(milliseconds timeout, Predicate pred) {
    std::unique_lock<std::mutex> lock{mutex_};
    return changed_.wait_for(lock, timeout, [&] {
      return std::all_of(members_.begin(), members_.end(), pred);
    });
  }

  void run() {
    std::vector<pollfd> waits;
    std::vector<member*> waiting;
    while (!stop_) {
      {
        std::lock_guard<std::mutex> lock{mutex_};
        auto now = clock_type::now();
        waits.clear();
        waiting.clear();
        for (auto& m : members_) {
          if (m.fd < 0 && now >= m.next)
            start_connect(m, now);
          else if (m.fd >= 0 && !m.connecting && now >= m.next && !trickle(m, now))
            ended_by_server(m, now);
          if (m.fd >= 0) {
            waits.push_back({m.fd, static_cast<short>(m.connecting ? POLLOUT : POLLIN), 0});
            waiting.push_back(&m);
          }
        }
      }
      ::poll(waits.data(), waits.size(), 10);
      std::lock_guard<std::mutex> lock{mutex_};
      auto now = clock_type::now();
      for (size_t i = 0; i < waits.size(); ++i) {
        auto& m = *waiting[i];
        if (waits[i].revents == 0)
          continue;
        if (m.connecting)
          finish_connect(m, now);
        else if (!drained(m))
          ended_by_server(m, now);
      }
      changed_.notify_all();
    }
  }

  void start_connect(member& m, clock_type::time_point now) {
    m.fd = socket_from(m.source, SOCK_NONBLOCK);
    if (m.fd >= 0 && (connect_to(m.fd, port_) == 0 || errno == EINPROGRESS)) {
      m.connecting = true;
      m.sent = 0;
      return;
    }
    give_up(m, now);
  }

  void finish_connect(member& m, clock_type::time_point now) {
    int error = 0;
    socklen_t length = sizeof(error);
    ::getsockopt(m.fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0)
      return give_up(m, now);
    m.connecting = false;
    m.connected_at = now;
    m.next = now;
    m.present = m.present || m.kind == conduct::idle;
  }

  /// Sends what is due of the script; false when the server has ended the
  /// connection.
  bool trickle(member& m, clock_type::time_point now) {
    const auto& s = script_of(m.kind);
    if (s.text.empty())
      return true;
    auto count = m.sent < s.at_once ? s.at_once - m.sent : 1;
    auto n = ::send(m.fd, s.text.data() + m.sent, count, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0)
      return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    m.sent = (m.sent + static_cast<size_t>(n)) % s.text.size();
    m.present = m.present || m.sent > s.at_once;
    m.next = now + byte_interval;
    return true;
  }

  /// Reads and drops what the server sent (a 408, say); false once it has
  /// ended the connection.
  static bool drained(member& m) {
    char chunk[4096];
    for (;;) {
      auto n = ::recv(m.fd, chunk, sizeof(chunk), MSG_DONTWAIT);
      if (n > 0)
        continue;
      return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
    }
  }

  void ended_by_server(member& m, clock_type::time_point now) {
    ++m.closed_by_server;
    lifetimes_.emplace_back(m.kind, now - m.connected_at);
    give_up(m, now);
  }

  static void give_up(member& m, clock_type::time_point now) {
    if (m.fd >= 0)
      ::close(m.fd);
    m.fd = -1;
    m.connecting = false;
    m.next = now + comeback;
  }

  int port_;
  std::vector<member> members_;
  std::vector<std::pair<conduct, clock_type::duration>> lifetimes_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

/// Ordinary clients beside the crowd, each request a new connection from an
/// address of its own: a health check, a guarded read and a durable write
/// (a new user), in turn.
class bystanders {
public:
  bystanders(int port, const std::string& token, int block) : port_(port), block_(block) {
    requests_ = {
      {"GET /healthz", "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 200},
      {"GET /api/concerts/available_dates",
       "GET /api/concerts/available_dates HTTP/1.1\r\nHost: x\r\nX-Queue-Token: " + token
         + "\r\n\r\n",
       200},
      {"POST /api/users",
       "POST /api/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
       "Content-Length: 2\r\n\r\n{}",
       201},
    };
  }

  /// Sends the next request and expects its answer within live_bound;
  /// false when none came within patience.
  bool next() {
    const auto& r = requests_[static_cast<size_t>(sent_) % requests_.size()];
    auto source = loopback(block_, sent_++);
    auto start = clock_type::now();
    auto answer = raw_exchange(port_, r.text, source, patience);
    auto took = clock_type::now() - start;
    if (!answer) {
      ADD_FAILURE() << r.name << " from " << source << " got no answer within " << ms(patience)
                    << " ms (request " << sent_ << ")";
      return false;
    }
    EXPECT_EQ(answer->status, r.status) << r.name << ": " << answer->body;
    EXPECT_LT(took, live_bound) << r.name << " from " << source << " took " << ms(took) << " ms";
    return true;
  }

  int sent() const {
    return sent_;
  }

private:
  struct request {
    std::string name;
    std::string text;
    int status;
  };

  int port_;
  int block_;
  int sent_ = 0;
  std::vector<request> requests_;
};

/// Connections that each send `request` and never read a byte, with a
/// receive window so small that nearly all of each answer has to wait on
/// the server's side, as on a phone that stopped reading.
class non_readers {
public:
  non_readers(int port, int count, const std::string& request, int block) {
    for (int i = 0; i < count; ++i) {
      auto fd = socket_from(loopback(block, i));
      int window = 4096;
      bool sent = fd >= 0
                  && ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &window, sizeof(window)) == 0
                  && connect_to(fd, port) == 0
                  && ::send(fd, request.data(), request.size(), MSG_NOSIGNAL)
                       == static_cast<ssize_t>(request.size());
      EXPECT_TRUE(sent) << "non-reader " << i << " could not send its request";
      if (fd >= 0)
        fds_.push_back(fd);
    }
  }

  ~non_readers() {
    for (auto fd : fds_)
      ::close(fd);
  }

  non_readers(const non_readers&) = delete;
  non_readers& operator=(const non_readers&) = delete;

  /// How many of them have the start of an answer waiting, unread, once
  /// all have or `timeout` passes.
  int answered_within(milliseconds timeout) const {
    auto deadline = clock_type::now() + timeout;
    std::vector<int> silent = fds_;
    while (!silent.empty()) {
      auto left = ms(deadline - clock_type::now());
      if (left <= 0)
        break;
      std::vector<pollfd> waits;
      for (auto fd : silent)
        waits.push_back({fd, POLLIN, 0});
      ::poll(waits.data(), waits.size(), static_cast<int>(left));
      silent.clear();
      for (const auto& w : waits)
        if (w.revents == 0)
          silent.push_back(w.fd);
    }
    return static_cast<int>(fds_.size() - silent.size());
  }

private:
  std::vector<int> fds_;
};

constexpr crowd::size a_crowd{64, 64, 200};
constexpr int crowd_members = a_crowd.slow_heads + a_crowd.slow_bodies + a_crowd.idle;

} // namespace

TEST(http_crowd, slow_heads_slow_bodies_and_idle_connections_leave_everyone_else_served) {
  ASSERT_TRUE(allow_open_files(crowd_members + 512)) << "the hard open-file limit is too low";
  constexpr int request_timeout_ms = 2000;
  test_database db;
  server_process server{db.url(), fast_queue({{"CONCERT_REQUEST_TIMEOUT_MS",
                                               std::to_string(request_timeout_ms)},
                                              {"CONCERT_IDLE_TIMEOUT_MS", "1000"}})};
  booking flow{server};
  auto token = flow.admitted_token(flow.new_user());
  // Twenty times the 16 threads of a thread-per-connection edge.
  crowd slow{server.port(), a_crowd, 1};
  ASSERT_TRUE(slow.wait_until_present()) << slow.describe();

  // Served while the crowd trickles, until the server has cut every member
  // off at its deadline once and it has come back: beside a crowd that
  // stays, not after it left.
  bystanders others{server.port(), token, 2};
  auto deadline = clock_type::now() + milliseconds{request_timeout_ms} + 2s;
  while (!slow.wait_until_each_was_closed(100ms) && clock_type::now() < deadline)
    ASSERT_TRUE(others.next()) << slow.describe();
  EXPECT_TRUE(slow.wait_until_each_was_closed(0ms))
    << "every member is cut off at its request deadline or idle limit, crowd or not; "
    << slow.describe();
  while (others.sent() < 9)
    ASSERT_TRUE(others.next()) << slow.describe();
}

TEST(http_crowd, sigterm_under_a_trickling_crowd_exits_0_within_the_request_deadline_and_a_second) {
  ASSERT_TRUE(allow_open_files(crowd_members + 512)) << "the hard open-file limit is too low";
  constexpr int request_timeout_ms = 2000;
  test_database db;
  // The idle limit stays at its 5 s default, past the bound below: idle
  // members must be let go by the stop, not by their limit.
  server_process server{db.url(), fast_queue({{"CONCERT_REQUEST_TIMEOUT_MS",
                                               std::to_string(request_timeout_ms)}})};
  crowd slow{server.port(), a_crowd, 3};
  ASSERT_TRUE(slow.wait_until_present()) << slow.describe();

  auto start = clock_type::now();
  auto code = server.stop(SIGTERM);
  auto took = clock_type::now() - start;
  EXPECT_EQ(code, 0) << "137 is the SIGKILL the test sends after 15 s\n" << server.output();
  EXPECT_LE(took, milliseconds{request_timeout_ms} + 1s) << "exited after " << ms(took) << " ms";
}

TEST(http_crowd, two_requests_in_one_segment_get_two_answers_in_order_at_once) {
  test_database db;
  server_process server{db.url()};
  std::string user = R"({"name": "pip"})";
  raw_connection connection{server.port()};
  auto start = clock_type::now();
  // One send of a few hundred bytes on loopback is one segment. A durable
  // write first and a health check behind it: an edge that answered what
  // is ready first would answer the health check first.
  ASSERT_TRUE(connection.send("POST /api/users HTTP/1.1\r\nHost: x\r\nContent-Type: "
                              "application/json\r\nContent-Length: "
                              + std::to_string(user.size()) + "\r\n\r\n" + user
                              + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto first = connection.next_answer(patience);
  ASSERT_TRUE(first) << "no first answer";
  EXPECT_EQ(first->status, 201) << first->body;
  auto second = connection.next_answer(patience);
  ASSERT_TRUE(second) << "one answer, then nothing for the second request";
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(second->body, R"({"status":"ok"})");
  auto took = clock_type::now() - start;
  EXPECT_LT(took, live_bound) << "the second answer came after " << ms(took)
                              << " ms; an edge that lost the second request until the "
                                 "connection's next read stalls an idle limit";
  connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  auto third = connection.next_answer(patience);
  ASSERT_TRUE(third) << "the connection serves on";
  EXPECT_EQ(third->status, 200);
}

TEST(http_crowd, clients_that_never_read_a_big_answer_cost_nobody_else_time) {
  constexpr int stuck_count = 40;
  test_database db;
  server_process server{db.url(), fast_queue()};
  booking flow{server};
  flow.new_concert("2026-12-24", 10000, 10000);
  auto token = flow.admitted_token(flow.new_user());
  auto seats = "GET /api/concerts/2026-12-24/seats HTTP/1.1\r\nHost: x\r\nX-Queue-Token: " + token
               + "\r\n\r\n";
  auto whole = raw_exchange(server.port(), seats, loopback(6, 0), patience);
  ASSERT_TRUE(whole);
  ASSERT_EQ(whole->status, 200) << whole->body.substr(0, 300);
  // An answer the kernel's buffers could hold whole would block nobody.
  ASSERT_GT(whole->body.size(), 400'000u);

  non_readers stuck{server.port(), stuck_count, seats, 5};
  EXPECT_EQ(stuck.answered_within(patience), stuck_count)
    << "each answer has begun, so each waits on its reader, not for a turn";

  bystanders others{server.port(), token, 7};
  while (others.sent() < 9)
    ASSERT_TRUE(others.next());
  auto again = raw_exchange(server.port(), seats, loopback(6, 1), patience);
  ASSERT_TRUE(again) << "a reading client still gets the seat list";
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(again->body.size(), whole->body.size());
}

TEST(http_crowd, idle_connections_close_at_the_idle_limit_while_new_clients_are_served) {
  ASSERT_TRUE(allow_open_files(crowd_members + 512)) << "the hard open-file limit is too low";
  constexpr auto idle_limit = 1000ms;
  test_database db;
  // The request deadline stays at its 10 s default: a connection that never
  // began a request is idle, and goes at the idle limit.
  server_process server{db.url(), fast_queue({{"CONCERT_IDLE_TIMEOUT_MS",
                                               std::to_string(idle_limit.count())}})};
  booking flow{server};
  auto token = flow.admitted_token(flow.new_user());
  crowd idle{server.port(), {0, 0, a_crowd.idle}, 4};
  ASSERT_TRUE(idle.wait_until_present()) << idle.describe();

  bystanders others{server.port(), token, 8};
  auto deadline = clock_type::now() + idle_limit + 2s;
  while (!idle.wait_until_each_was_closed(100ms) && clock_type::now() < deadline)
    ASSERT_TRUE(others.next()) << idle.describe();
  EXPECT_TRUE(idle.wait_until_each_was_closed(0ms))
    << "still open " << ms(idle_limit + 2s) << " ms after all connected; " << idle.describe();
  auto lived = idle.lifetimes(conduct::idle);
  ASSERT_FALSE(lived.empty());
  auto [shortest, longest] = std::minmax_element(lived.begin(), lived.end());
  EXPECT_GE(*shortest, idle_limit * 9 / 10) << "closed after " << ms(*shortest) << " ms";
  EXPECT_LE(*longest, idle_limit + 1s) << "closed after " << ms(*longest) << " ms";
  while (others.sent() < 9)
    ASSERT_TRUE(others.next()) << idle.describe();
}
