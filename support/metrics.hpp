#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

/// Lock-free counters, gauges and histograms, written as Prometheus text
/// format 0.0.4. Recording is a few relaxed atomic adds: no lock, no
/// allocation.
namespace concert::metrics {

class histogram {
public:
  /// `bounds` are the upper bounds of the buckets, ascending; +Inf is added.
  explicit histogram(std::vector<double> bounds);

  void observe(double value);

  /// Appends the `_bucket`, `_sum` and `_count` lines of `name` with
  /// `labels` (`a="b",c="d"` or empty).
  void write(std::string& out, const std::string& name, const std::string& labels) const;

  uint64_t count() const {
    return count_.load(std::memory_order_relaxed);
  }

  /// Observations of at most `bound`, which must be one of the bounds.
  uint64_t count_at_most(double bound) const;

private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<uint64_t> count_{0};
  /// The sum in millionths, so it can be an integer atomic.
  std::atomic<uint64_t> sum_micro_{0};
};

/// Latency buckets in seconds.
std::vector<double> latency_buckets();

/// What the actors report; one instance for the process.
struct domain {
  std::atomic<int64_t> queue_waiting{0};
  std::atomic<int64_t> queue_active{0};
  std::atomic<uint64_t> queue_admitted{0};
  std::atomic<int64_t> seats_available{0};
  std::atomic<int64_t> seats_held{0};
  std::atomic<int64_t> seats_sold{0};
  std::atomic<uint64_t> holds_created{0};
  std::atomic<uint64_t> holds_expired{0};
  std::atomic<uint64_t> holds_cancelled{0};
  std::atomic<uint64_t> payments{0};
  std::atomic<uint64_t> paid_amount{0};
  std::atomic<int64_t> event_streams{0};
  std::atomic<uint64_t> events_sent{0};
  histogram commit_seconds{latency_buckets()};
  histogram commit_batch_size{{1, 2, 4, 8, 16, 32, 64, 128, 256, 512}};
  std::atomic<uint64_t> commit_groups_replayed{0};
  std::atomic<int64_t> wallets_loaded{0};
  histogram memory_trim_seconds{latency_buckets()};

  /// Appends every series above.
  void write(std::string& out) const;
};

domain& actors();

/// The mailbox depth histogram of one kind of actor, by the kind's name
/// ("queue", "store", ...); every kind shares one for names it does not
/// know. Meant to be looked up once and kept.
histogram& mailbox_depth(const std::string& kind);

/// HTTP requests of one listener, by route and status. Routes are fixed at
/// start, so every counter exists before the first request.
class http_requests {
public:
  /// The statuses counted one by one; anything else counts as "other".
  static constexpr std::array<int, 17> statuses = {200, 201, 204, 400, 401, 402, 403, 404, 405,
                                                   409, 410, 413, 422, 429, 500, 503, 0};

  /// `routes` are (method, route name) pairs; one more slot counts
  /// requests that matched no route.
  http_requests(std::string listener, std::vector<std::pair<std::string, std::string>> routes);

  /// `route` is an index into the routes given, or -1 for none.
  void record(int route, int status, double seconds);

  /// Appends the request counters' samples (no header).
  void write_counts(std::string& out) const;

  /// Appends the latency histograms' samples of routes that saw requests.
  void write_latency(std::string& out) const;

private:
  struct per_route {
    std::array<std::atomic<uint64_t>, statuses.size()> by_status{};
    histogram latency{latency_buckets()};
  };

  std::string labels_of(size_t route) const;

  std::string listener_;
  std::vector<std::pair<std::string, std::string>> routes_;
  std::unique_ptr<per_route[]> counts_;
};

/// The whole /metrics page: the listeners' HTTP series, then the actors'.
std::string render(const std::vector<const http_requests*>& listeners);

} // namespace concert::metrics
