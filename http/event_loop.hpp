#pragma once

#include <array>
#include <future>
#include <unordered_set>

#include <boost/asio/io_context.hpp>

namespace concert::http {

class connection;

/// One Asio loop and the connections it carries. Only its own thread
/// touches `open`; the edge keeps the loop until its thread has ended, and
/// the connections still queued in it go with it.
class event_loop {
public:
  std::unordered_set<connection*> open;
  bool stopping = false;
  /// Kept once the loop is stopping and its last connection has closed.
  std::promise<void> drained;

  /// A connection has left `open`: keeps `drained` when it was the last.
  void closed_one() {
    if (stopping && open.empty() && !drained_told_) {
      drained_told_ = true;
      drained.set_value();
    }
  }

  /// Where a connection reads what has come; only this loop's thread
  /// uses it, one read at a time.
  std::array<char, 16 * 1024> scratch{};

private:
  bool drained_told_ = false;

public:
  /// Declared last, so destroyed first: the connections its pending
  /// handlers hold still find `open`.
  boost::asio::io_context context{1};
};

} // namespace concert::http
