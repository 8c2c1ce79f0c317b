// The slot the edge reads snapshots from: readers on other threads see only
// whole published values, never one older than a value they saw before,
// and keep what they read after it is replaced.

#include "support/snapshot_slot.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

using concert::snapshot_slot;

TEST(snapshot_slot, is_empty_until_the_first_publication) {
  snapshot_slot<int> slot;
  EXPECT_EQ(slot.latest(), nullptr);
  slot.publish(std::make_shared<int>(7));
  ASSERT_NE(slot.latest(), nullptr);
  EXPECT_EQ(*slot.latest(), 7);
}

TEST(snapshot_slot, a_reader_keeps_its_value_after_the_next_publication) {
  snapshot_slot<std::vector<int>> slot;
  slot.publish(std::make_shared<std::vector<int>>(1000, 1));
  auto kept = slot.latest();
  slot.publish(std::make_shared<std::vector<int>>(1000, 2));
  EXPECT_EQ(kept->at(999), 1);
  EXPECT_EQ(slot.latest()->at(999), 2);
}

// Under AddressSanitizer (scripts/test --sanitize) this is also the check
// that no replaced value is freed while a reader may still use it.
TEST(snapshot_slot, readers_on_other_threads_never_go_back_in_time) {
  struct value {
    int64_t version;
    std::vector<int64_t> copies;
  };
  snapshot_slot<value> slot;
  constexpr int64_t publications = 20'000;
  slot.publish(std::make_shared<value>(value{0, std::vector<int64_t>(16, 0)}));
  std::atomic<bool> done{false};
  std::atomic<int64_t> torn{0};
  std::atomic<int64_t> backwards{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r)
    readers.emplace_back([&] {
      int64_t last = 0;
      while (!done.load()) {
        auto v = slot.latest();
        for (auto copy : v->copies)
          if (copy != v->version)
            ++torn;
        if (v->version < last)
          ++backwards;
        last = v->version;
      }
    });
  for (int64_t i = 1; i <= publications; ++i)
    slot.publish(std::make_shared<value>(value{i, std::vector<int64_t>(16, i)}));
  done = true;
  for (auto& reader : readers)
    reader.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(backwards.load(), 0);
  EXPECT_EQ(slot.latest()->version, publications);
}
