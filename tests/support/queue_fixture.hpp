#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "actors/queue.hpp"
#include "tests/support/deterministic.hpp"

namespace concert::testing {

/// A queue actor on the deterministic scheduler, ticking every `tick`.
class queue_fixture : public deterministic {
protected:
  static constexpr std::chrono::milliseconds tick{1000};
  static constexpr std::chrono::milliseconds ttl{600'000};

  void start(int64_t batch, int64_t max_active) {
    queue = sys.spawn(concert::queue, queue_settings{batch, tick, max_active, ttl}, store,
                      published, trimmer);
    own(queue);
    ASSERT_TRUE(ask<int32_t>(queue, atom::recover_v));
  }

  token_view issue(int64_t user) {
    auto t = ask<token_view>(queue, atom::create_v, user);
    EXPECT_TRUE(t) << caf::to_string(t.error());
    return t ? *t : token_view{};
  }

  token_view get(const token_view& t) {
    return *ask<token_view>(queue, atom::get_v, t.token);
  }

  std::vector<std::string> statuses(const std::vector<token_view>& tokens) {
    std::vector<std::string> result;
    for (const auto& t : tokens)
      result.push_back(get(t).status);
    return result;
  }

  queue_actor queue;
};

} // namespace concert::testing
