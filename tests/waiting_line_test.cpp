#include "actors/waiting_line.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>

using concert::waiting_line;

TEST(waiting_line, positions_count_from_one_in_arrival_order) {
  waiting_line line;
  auto a = line.push("a");
  auto b = line.push("b");
  auto c = line.push("c");
  EXPECT_EQ(line.position(a), 1);
  EXPECT_EQ(line.position(b), 2);
  EXPECT_EQ(line.position(c), 3);
  EXPECT_EQ(line.front(), "a");
  EXPECT_EQ(line.size(), 3u);
}

TEST(waiting_line, leaving_the_front_moves_everyone_up) {
  waiting_line line;
  line.push("a");
  auto b = line.push("b");
  line.pop_front();
  EXPECT_EQ(line.front(), "b");
  EXPECT_EQ(line.position(b), 1);
}

TEST(waiting_line, leaving_from_the_middle_moves_up_only_those_behind) {
  waiting_line line;
  auto a = line.push("a");
  auto b = line.push("b");
  auto c = line.push("c");
  line.remove(b);
  EXPECT_EQ(line.position(a), 1);
  EXPECT_EQ(line.position(c), 2);
  EXPECT_EQ(line.size(), 2u);
  line.remove(b);
  EXPECT_EQ(line.size(), 2u) << "leaving twice changes nothing";
  line.pop_front();
  EXPECT_EQ(line.front(), "c");
  line.pop_front();
  EXPECT_TRUE(line.empty());
}

TEST(waiting_line, agrees_with_counting_by_hand_under_random_changes) {
  waiting_line line;
  std::set<int64_t> waiting;
  std::mt19937 random{42};
  for (int step = 0; step < 5000; ++step) {
    auto choice = random() % 3;
    if (choice < 2 || waiting.empty()) {
      waiting.insert(line.push("t" + std::to_string(step)));
    } else if (choice == 2 && random() % 2 == 0) {
      line.pop_front();
      waiting.erase(waiting.begin());
    } else {
      auto i = waiting.begin();
      std::advance(i, static_cast<long>(random() % waiting.size()));
      line.remove(*i);
      waiting.erase(i);
    }
    ASSERT_EQ(line.size(), waiting.size());
    int64_t expected = 0;
    for (auto number : waiting)
      ASSERT_EQ(line.position(number), ++expected) << "step " << step;
  }
}

TEST(waiting_line, a_drained_line_starts_afresh) {
  waiting_line line;
  for (int i = 0; i < 1000; ++i)
    line.push("t" + std::to_string(i));
  while (!line.empty())
    line.pop_front();
  // Had it kept what it held, the next token would be number 1001.
  EXPECT_EQ(line.push("late"), 1);
  EXPECT_EQ(line.front(), "late");
  EXPECT_EQ(line.position(1), 1);
}
