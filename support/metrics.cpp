#include "support/metrics.hpp"

#include <cmath>
#include <cstdio>

namespace concert::metrics {

namespace {

constexpr auto relaxed = std::memory_order_relaxed;

std::string number(double value) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", value);
  return buf;
}

void header(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

template <class T>
void sample(std::string& out, const std::string& name, const std::string& labels, T value) {
  out += name;
  if (!labels.empty())
    out += "{" + labels + "}";
  out += ' ';
  out += std::to_string(value);
  out += '\n';
}

std::string label_value(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '\\' || c == '"')
      escaped += '\\';
    if (c == '\n') {
      escaped += "\\n";
      continue;
    }
    escaped += c;
  }
  return escaped;
}

} // namespace

histogram::histogram(std::vector<double> bounds)
  : bounds_(std::move(bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i)
    buckets_[i].store(0, relaxed);
}

void histogram::observe(double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i])
    ++i;
  buckets_[i].fetch_add(1, relaxed);
  count_.fetch_add(1, relaxed);
  sum_micro_.fetch_add(static_cast<uint64_t>(std::llround(std::max(value, 0.0) * 1e6)), relaxed);
}

uint64_t histogram::count_at_most(double bound) const {
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds_.size() && bounds_[i] <= bound; ++i)
    cumulative += buckets_[i].load(relaxed);
  return cumulative;
}

void histogram::write(std::string& out, const std::string& name,
                      const std::string& labels) const {
  auto with = [&](const std::string& le) {
    return labels.empty() ? "le=\"" + le + "\"" : labels + ",le=\"" + le + "\"";
  };
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += buckets_[i].load(relaxed);
    sample(out, name + "_bucket", with(number(bounds_[i])), cumulative);
  }
  cumulative += buckets_[bounds_.size()].load(relaxed);
  sample(out, name + "_bucket", with("+Inf"), cumulative);
  out += name + "_sum" + (labels.empty() ? "" : "{" + labels + "}") + " "
         + number(static_cast<double>(sum_micro_.load(relaxed)) / 1e6) + "\n";
  sample(out, name + "_count", labels, cumulative);
}

std::vector<double> latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

void domain::write(std::string& out) const {
  // A family with one unlabelled sample.
  auto single = [&](const char* name, const char* type, const char* help, auto value) {
    header(out, name, type, help);
    sample(out, name, "", value);
  };
  single("concert_queue_waiting", "gauge", "Queue tokens waiting in line.",
         queue_waiting.load(relaxed));
  single("concert_queue_active", "gauge", "ACTIVE queue tokens.", queue_active.load(relaxed));
  single("concert_queue_admitted_total", "counter", "Queue tokens admitted since start.",
         queue_admitted.load(relaxed));
  header(out, "concert_seats", "gauge", "Seats of every concert by status.");
  sample(out, "concert_seats", "status=\"AVAILABLE\"", seats_available.load(relaxed));
  sample(out, "concert_seats", "status=\"HELD\"", seats_held.load(relaxed));
  sample(out, "concert_seats", "status=\"SOLD\"", seats_sold.load(relaxed));
  single("concert_holds_created_total", "counter", "Holds made.", holds_created.load(relaxed));
  single("concert_holds_expired_total", "counter", "Holds that lapsed unpaid.",
         holds_expired.load(relaxed));
  single("concert_holds_cancelled_total", "counter", "Holds cancelled by their user.",
         holds_cancelled.load(relaxed));
  single("concert_payments_total", "counter", "Payments committed.", payments.load(relaxed));
  single("concert_paid_won_total", "counter", "Amount paid, in won.", paid_amount.load(relaxed));
  single("concert_event_streams", "gauge", "Open queue-position event streams.",
         event_streams.load(relaxed));
  single("concert_events_sent_total", "counter", "Queue-position events written to streams.",
         events_sent.load(relaxed));
  header(out, "concert_db_commit_seconds", "histogram",
         "Time to commit one group of writes to PostgreSQL.");
  commit_seconds.write(out, "concert_db_commit_seconds", "");
  header(out, "concert_db_commit_batch_size", "histogram", "Writes committed in one transaction.");
  commit_batch_size.write(out, "concert_db_commit_batch_size", "");
  single("concert_db_groups_replayed_total", "counter",
         "Groups of writes run again one write at a time, after one of them was refused.",
         commit_groups_replayed.load(relaxed));
  single("concert_wallets_loaded", "gauge", "Wallets in memory; an idle one leaves.",
         wallets_loaded.load(relaxed));
  header(out, "concert_memory_trim_seconds", "histogram",
         "Time to give the memory actors let go back to the operating system (malloc_trim), "
         "once per trim.");
  memory_trim_seconds.write(out, "concert_memory_trim_seconds", "");
}

domain& actors() {
  static domain instance;
  return instance;
}

namespace {

struct mailbox_kind {
  mailbox_kind(const char* kind) : name(kind) {}
  const char* name;
  histogram depth{{0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096}};
};

/// Every kind of actor, fixed, so recording needs no lock; the last one
/// takes any other.
std::array<mailbox_kind, 9>& mailbox_kinds() {
  static std::array<mailbox_kind, 9> kinds = {"queue",          "store",         "catalog",
                                              "seat_manager",   "wallet",        "user_directory",
                                              "event_streams",  "memory_trimmer", "other"};
  return kinds;
}

void write_mailbox_depths(std::string& out) {
  header(out, "concert_actor_mailbox_depth", "histogram",
         "Messages waiting in an actor's mailbox when a thread picks the actor up, "
         "by kind of actor; the sum counts the messages found waiting.");
  for (const auto& kind : mailbox_kinds())
    kind.depth.write(out, "concert_actor_mailbox_depth",
                     std::string{"actor=\""} + kind.name + "\"");
}

} // namespace

histogram& mailbox_depth(const std::string& kind) {
  auto& kinds = mailbox_kinds();
  for (auto& k : kinds)
    if (kind == k.name)
      return k.depth;
  return kinds.back().depth;
}

http_requests::http_requests(std::string listener,
                             std::vector<std::pair<std::string, std::string>> routes)
  : listener_(std::move(listener)),
    routes_(std::move(routes)),
    counts_(new per_route[routes_.size() + 1]) {
  routes_.emplace_back("", "unmatched");
}

void http_requests::record(int route, int status, double seconds) {
  auto& r = counts_[route < 0 ? routes_.size() - 1 : static_cast<size_t>(route)];
  size_t slot = statuses.size() - 1;
  for (size_t i = 0; i + 1 < statuses.size(); ++i)
    if (statuses[i] == status)
      slot = i;
  r.by_status[slot].fetch_add(1, relaxed);
  r.latency.observe(seconds);
}

std::string http_requests::labels_of(size_t route) const {
  return "listener=\"" + listener_ + "\",method=\"" + label_value(routes_[route].first)
         + "\",route=\"" + label_value(routes_[route].second) + "\"";
}

void http_requests::write_counts(std::string& out) const {
  for (size_t i = 0; i < routes_.size(); ++i) {
    for (size_t s = 0; s < statuses.size(); ++s) {
      auto n = counts_[i].by_status[s].load(relaxed);
      if (n > 0)
        sample(out, "concert_http_requests_total",
               labels_of(i) + ",status=\""
                 + (statuses[s] == 0 ? "other" : std::to_string(statuses[s])) + "\"",
               n);
    }
  }
}

void http_requests::write_latency(std::string& out) const {
  for (size_t i = 0; i < routes_.size(); ++i)
    if (counts_[i].latency.count() > 0)
      counts_[i].latency.write(out, "concert_http_request_duration_seconds", labels_of(i));
}

std::string render(const std::vector<const http_requests*>& listeners) {
  std::string out;
  header(out, "concert_http_requests_total", "counter", "HTTP requests by route and status.");
  for (const auto* l : listeners)
    l->write_counts(out);
  header(out, "concert_http_request_duration_seconds", "histogram",
         "Time from reading a request to writing its answer, by route.");
  for (const auto* l : listeners)
    l->write_latency(out);
  actors().write(out);
  write_mailbox_depths(out);
  return out;
}

} // namespace concert::metrics
