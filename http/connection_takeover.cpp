#include "http/connection_takeover.hpp"

#include <cerrno>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace concert::http {

taken_connection take_connection(int fd) {
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
