#include "http/connection_takeover.hpp"

#include <cerrno>
#include <cstdlib>

#include <dirent.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace concert::http {

namespace {

int port_of(const sockaddr_storage& address) {
  if (address.ss_family == AF_INET)
    return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
  if (address.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
  return -1;
}

/// The numeric host as cpp-httplib writes it into Request::remote_addr.
std::string host_of(const sockaddr_storage& address, socklen_t length) {
  char host[NI_MAXHOST];
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&address), length, host, sizeof(host),
                  nullptr, 0, NI_NUMERICHOST)
      != 0)
    return {};
  return host;
}

/// Whether `socket` is the TCP connection between these two endpoints. The
/// pair is unique among a process's open connections.
bool is_connection(int socket, const httplib::Request& req) {
  sockaddr_storage local{};
  socklen_t local_length = sizeof(local);
  if (getsockname(socket, reinterpret_cast<sockaddr*>(&local), &local_length) != 0
      || port_of(local) != req.local_port)
    return false;
  sockaddr_storage peer{};
  socklen_t peer_length = sizeof(peer);
  if (getpeername(socket, reinterpret_cast<sockaddr*>(&peer), &peer_length) != 0
      || port_of(peer) != req.remote_port)
    return false;
  return host_of(peer, peer_length) == req.remote_addr
         && host_of(local, local_length) == req.local_addr;
}

/// The descriptor of the connection `req` arrived on, or -1. The handler
/// runs on the worker that owns that descriptor, so it stays open while we
/// look.
int find_connection(const httplib::Request& req) {
  auto* dir = opendir("/proc/self/fd");
  if (dir == nullptr)
    return -1;
  int found = -1;
  while (auto* entry = readdir(dir)) {
    char* end = nullptr;
    auto fd = static_cast<int>(std::strtol(entry->d_name, &end, 10));
    if (end == entry->d_name || *end != '\0' || fd == dirfd(dir))
      continue;
    if (is_connection(fd, req)) {
      found = fd;
      break;
    }
  }
  closedir(dir);
  return found;
}

} // namespace

taken_connection take_connection(const httplib::Request& req) {
  auto fd = find_connection(req);
  if (fd < 0)
    return {};
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    return {};
  auto taken = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  // dup2 swaps what `fd` refers to in one step, under the library's feet.
  if (taken < 0 || dup2(pair[0], fd) < 0) {
    if (taken >= 0)
      close(taken);
    close(pair[0]);
    close(pair[1]);
    return {};
  }
  close(pair[0]);
  return {taken, pair[1]};
}

bool write_all(int socket, const std::string& bytes) {
  size_t written = 0;
  while (written < bytes.size()) {
    auto n = send(socket, bytes.data() + written, bytes.size() - written, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    written += static_cast<size_t>(n);
  }
  return true;
}

} // namespace concert::http
