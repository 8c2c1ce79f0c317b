#include "http/worker_pool.hpp"

namespace concert::http {

worker_pool::worker_pool(size_t threads, size_t max_queued) : max_queued_(max_queued) {
  workers_.reserve(threads);
  for (size_t i = 0; i < threads; ++i)
    workers_.emplace_back([this] { work(); });
}

worker_pool::~worker_pool() {
  shutdown();
}

void worker_pool::enqueue(std::function<void()> task) {
  std::unique_lock<std::mutex> lock{mutex_};
  has_room_.wait(lock, [this] { return tasks_.size() < max_queued_ || stopping_; });
  tasks_.push_back(std::move(task));
  has_work_.notify_one();
}

void worker_pool::shutdown() {
  {
    std::lock_guard<std::mutex> lock{mutex_};
    if (stopping_ && workers_.empty())
      return;
    stopping_ = true;
  }
  has_work_.notify_all();
  has_room_.notify_all();
  for (auto& worker : workers_)
    worker.join();
  workers_.clear();
}

void worker_pool::work() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock{mutex_};
      has_work_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty())
        return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    has_room_.notify_one();
    task();
  }
}

} // namespace concert::http
