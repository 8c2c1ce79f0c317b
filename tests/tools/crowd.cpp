// Keeps a crowd of hostile-but-plausible connections open on the public port
// until it is terminated: the load scripts/bench keeps beside the measured
// one, as a ticket sale's phones on slow networks would.
//
// Half of the crowd sends a browser-like request head one byte a second, a
// quarter sends a POST head and then trickles its body one byte a second,
// the rest connect and say nothing. Each connection comes from its own
// loopback address (FIRST_SOURCE, the next one, ...; all of 127.0.0.0/8 is
// local), so limits per address see a crowd, not one client. When the server
// closes a connection, or a connect fails, it comes back from the same
// address after about a second, as a phone would retry.
//
// Prints "crowd: N open" once every connection is up, or after 10 s with
// what is still connecting; on SIGTERM or SIGINT, what the server closed and
// how many reconnects that took, then exits 0.
//
// Usage: crowd PORT COUNT [FIRST_SOURCE, default 127.1.0.1]

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto byte_interval = 1s;
constexpr auto tick = 50ms;
constexpr auto settle_time = 10s;
// The first connects are spread over this, not sent as one burst of SYNs.
constexpr auto ramp_time = 1s;

enum class kind { slow_head, slow_body, idle };

constexpr const char* kind_names[] = {"slow head", "slow body", "idle"};

enum class phase { waiting, connecting, open };

struct client {
  kind what;
  in_addr source;
  int fd = -1;
  phase state = phase::waiting;
  size_t connects = 0;
  // Bytes of `trickle` already sent; it starts over once all are out.
  size_t sent = 0;
  // The next byte while open; the next connect while waiting.
  clock_type::time_point next;
};

struct counters {
  size_t open = 0;
  size_t closed_by_server[3] = {};
  size_t failed_connects = 0;
  size_t reconnects = 0;
};

volatile std::sig_atomic_t stop_requested = 0;

void request_stop(int) {
  stop_requested = 1;
}

// A head as a phone's browser sends it: long enough that, a byte a second,
// it never completes within a request deadline.
std::string slow_head(int port) {
  return "GET /api/concerts/available_dates HTTP/1.1\r\n"
         "Host: 127.0.0.1:" + std::to_string(port) + "\r\n"
         "User-Agent: Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 "
         "(KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36\r\n"
         "Accept: application/json, text/plain, */*\r\n"
         "Accept-Language: en-GB,en;q=0.9,de;q=0.8\r\n"
         "Accept-Encoding: gzip, deflate, br\r\n"
         "Referer: https://tickets.example/concerts\r\n"
         "Origin: https://tickets.example\r\n"
         "X-Queue-Token: 00000000-0000-4000-8000-000000000000\r\n"
         "Sec-Fetch-Site: same-origin\r\n"
         "Sec-Fetch-Mode: cors\r\n"
         "Sec-Fetch-Dest: empty\r\n"
         "Cache-Control: no-cache\r\n"
         "Pragma: no-cache\r\n"
         "Connection: keep-alive\r\n"
         "\r\n";
}

constexpr size_t slow_body_length = 256;

std::string slow_body_head(int port) {
  return "POST /api/users HTTP/1.1\r\n"
         "Host: 127.0.0.1:" + std::to_string(port) + "\r\n"
         "Content-Type: application/json\r\n"
         "Content-Length: " + std::to_string(slow_body_length) + "\r\n"
         "\r\n";
}

// An empty JSON object padded with whitespace: valid, however far it gets.
std::string slow_body() {
  return "{" + std::string(slow_body_length - 2, ' ') + "}";
}

bool allow_open_files(rlim_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
    return false;
  if (limit.rlim_cur >= wanted)
    return true;
  limit.rlim_cur = wanted;
  if (limit.rlim_max < wanted)
    limit.rlim_max = wanted;  // only root may raise the hard limit
  return setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

class crowd {
public:
  crowd(int port, size_t count, in_addr first_source)
    : port_{port},
      head_{slow_head(port)},
      body_head_{slow_body_head(port)},
      body_{slow_body()},
      epoll_{epoll_create1(EPOLL_CLOEXEC)} {
    auto first = ntohl(first_source.s_addr);
    auto start = clock_type::now();
    clients_.resize(count);
    for (size_t i = 0; i < count; ++i) {
      auto& c = clients_[i];
      c.what = i % 4 < 2 ? kind::slow_head : i % 4 == 2 ? kind::slow_body : kind::idle;
      c.source.s_addr = htonl(first + static_cast<uint32_t>(i));
      c.next = start + std::chrono::milliseconds{ramp_time} * i / count;
    }
  }

  crowd(const crowd&) = delete;
  crowd& operator=(const crowd&) = delete;

  ~crowd() {
    for (auto& c : clients_)
      if (c.fd >= 0)
        close(c.fd);
    close(epoll_);
  }

  bool ok() const {
    return epoll_ >= 0;
  }

  void run() {
    auto started = clock_type::now();
    bool reported = false;
    std::vector<epoll_event> events(clients_.size() + 1);
    while (!stop_requested) {
      auto n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()),
                          static_cast<int>(std::chrono::milliseconds{tick}.count()));
      if (n < 0 && errno != EINTR) {
        std::perror("crowd: epoll_wait");
        return;
      }
      for (int i = 0; i < n; ++i)
        on_event(clients_[events[i].data.u64], events[i].events);
      auto now = clock_type::now();
      for (auto& c : clients_)
        if (c.state != phase::connecting && c.next <= now)
          on_due(c, now);
      if (!reported && (counts_.open == clients_.size() || now - started >= settle_time)) {
        report_open();
        reported = true;
      }
    }
    report_end();
  }

private:
  void report_open() const {
    std::cout << "crowd: " << counts_.open << " open";
    if (counts_.open < clients_.size())
      std::cout << " of " << clients_.size() << ", the rest still connecting or retrying";
    std::cout << std::endl;
  }

  void report_end() const {
    const auto& closed = counts_.closed_by_server;
    std::cout << "crowd: " << counts_.open << " open at the end; the server closed "
              << closed[0] + closed[1] + closed[2] << " (";
    for (int k = 0; k < 3; ++k)
      std::cout << (k ? ", " : "") << kind_names[k] << " " << closed[k];
    std::cout << "), " << counts_.failed_connects << " connects failed; "
              << counts_.reconnects << " reconnects" << std::endl;
  }

  void on_event(client& c, uint32_t events) {
    if (c.state == phase::waiting)
      return;
    if (c.state == phase::connecting) {
      int error = 0;
      socklen_t length = sizeof error;
      getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length);
      if (error != 0) {
        ++counts_.failed_connects;
        drop(c);
        return;
      }
      c.state = phase::open;
      ++counts_.open;
      epoll_event change{};
      change.events = EPOLLIN | EPOLLRDHUP;
      change.data.u64 = index_of(c);
      epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &change);
      start_over(c, clock_type::now());
      return;
    }
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
      drain(c);
  }

  // Answers are read and thrown away; an end or a reset is the server
  // closing the connection.
  void drain(client& c) {
    char buffer[4096];
    for (;;) {
      auto n = recv(c.fd, buffer, sizeof buffer, 0);
      if (n > 0)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;
      if (n < 0 && errno == EINTR)
        continue;
      closed_by_server(c);
      return;
    }
  }

  void on_due(client& c, clock_type::time_point now) {
    if (c.state == phase::waiting) {
      connect_(c, now);
      return;
    }
    if (c.what == kind::idle) {
      c.next = clock_type::time_point::max();
      return;
    }
    const auto& trickle = c.what == kind::slow_head ? head_ : body_;
    if (!send_all(c, trickle.data() + c.sent, 1)) {
      if (c.state == phase::open)
        c.next = now + byte_interval;
      return;
    }
    if (++c.sent == trickle.size())
      start_over(c, now);
    else
      c.next = std::max(c.next + byte_interval, now);
  }

  // The next request on this connection: a slow body's head goes out whole.
  void start_over(client& c, clock_type::time_point now) {
    c.sent = 0;
    c.next = now + byte_interval;
    if (c.what == kind::slow_body)
      send_all(c, body_head_.data(), body_head_.size());
  }

  bool send_all(client& c, const char* data, size_t size) {
    while (size > 0) {
      auto n = send(c.fd, data, size, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return false;  // a server that does not read; the byte waits a second
      if (n <= 0) {
        closed_by_server(c);
        return false;
      }
      data += n;
      size -= static_cast<size_t>(n);
    }
    return true;
  }

  void connect_(client& c, clock_type::time_point now) {
    if (c.connects++ > 0)
      ++counts_.reconnects;
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) {
      std::perror("crowd: socket");
      c.next = now + retry_delay();
      return;
    }
    int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // The port is picked at connect, per source address, so thousands of
    // sources never run out of ephemeral ports.
    setsockopt(c.fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    sockaddr_in source{};
    source.sin_family = AF_INET;
    source.sin_addr = c.source;
    sockaddr_in target{};
    target.sin_family = AF_INET;
    target.sin_port = htons(static_cast<uint16_t>(port_));
    target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(c.fd, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0 ||
        (connect(c.fd, reinterpret_cast<sockaddr*>(&target), sizeof target) != 0 &&
         errno != EINPROGRESS)) {
      ++counts_.failed_connects;
      drop(c);
      return;
    }
    c.state = phase::connecting;
    epoll_event watch{};
    watch.events = EPOLLOUT;
    watch.data.u64 = index_of(c);
    epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &watch);
  }

  void closed_by_server(client& c) {
    ++counts_.closed_by_server[static_cast<int>(c.what)];
    drop(c);
  }

  // Closes the socket; the client comes back after a retry delay.
  void drop(client& c) {
    if (c.state == phase::open)
      --counts_.open;
    close(c.fd);  // also takes it out of the epoll set
    c.fd = -1;
    c.state = phase::waiting;
    c.next = clock_type::now() + retry_delay();
  }

  // About a second, varied so that reconnects do not come in waves.
  clock_type::duration retry_delay() {
    std::uniform_int_distribution<int> millis{500, 1500};
    return std::chrono::milliseconds{millis(random_)};
  }

  size_t index_of(const client& c) const {
    return static_cast<size_t>(&c - clients_.data());
  }

  int port_;
  std::string head_;
  std::string body_head_;
  std::string body_;
  int epoll_;
  std::vector<client> clients_;
  counters counts_;
  std::minstd_rand random_{42};
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::cerr << "usage: crowd PORT COUNT [FIRST_SOURCE, default 127.1.0.1]\n";
    return 2;
  }
  auto port = std::atoi(argv[1]);
  auto count = std::strtoul(argv[2], nullptr, 10);
  in_addr first{};
  if (port <= 0 || port > 65535 || count == 0 ||
      inet_pton(AF_INET, argc == 4 ? argv[3] : "127.1.0.1", &first) != 1 ||
      (ntohl(first.s_addr) >> 24) != 127 ||
      (ntohl(first.s_addr) & 0xffffff) + count > 0xffffff) {
    std::cerr << "crowd: PORT, a positive COUNT, and a FIRST_SOURCE in 127.0.0.0/8 with "
                 "room for COUNT addresses after it\n";
    return 2;
  }
  if (!allow_open_files(count + 64)) {
    std::cerr << "crowd: cannot raise the open-file limit to " << count + 64 << "\n";
    return 1;
  }
  struct sigaction action{};
  action.sa_handler = request_stop;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  crowd people{port, count, first};
  if (!people.ok()) {
    std::perror("crowd: epoll_create1");
    return 1;
  }
  people.run();
}
