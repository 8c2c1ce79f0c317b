#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <httplib.h>

namespace concert::http {

/// cpp-httplib's task queue with a cap: when `max_queued` connections wait
/// for a worker, the accepting thread waits too, so overload backs up into
/// the kernel's listen backlog instead of into memory.
class worker_pool final : public httplib::TaskQueue {
public:
  worker_pool(size_t threads, size_t max_queued);
  ~worker_pool() override;

  void enqueue(std::function<void()> task) override;

  /// Runs what is queued, then joins the workers.
  void shutdown() override;

private:
  void work();

  size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable has_work_;
  std::condition_variable has_room_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

} // namespace concert::http
