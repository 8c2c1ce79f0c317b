// The memory trimmer on CAF's deterministic scheduler: memory let go goes
// back in one trim a moment later, and trims keep their distance.

#include "actors/memory_trimmer.hpp"

#include "support/metrics.hpp"
#include "tests/support/deterministic.hpp"

using namespace concert;
using namespace concert::testing;
using namespace std::chrono_literals;

namespace {

class memory_trimmer_test : public deterministic {
protected:
  memory_trimmer_test() : before(trims()) {}

  static uint64_t trims() {
    return metrics::actors().memory_trim_seconds.count();
  }

  void let_go() {
    self->send(trimmer, atom::trim_v);
    run();
  }

  uint64_t before;
};

} // namespace

TEST_F(memory_trimmer_test, what_is_let_go_together_goes_back_in_one_trim_a_moment_later) {
  let_go();
  let_go();
  EXPECT_EQ(trims(), before) << "not at once";
  advance(trim_settle - 1ms);
  let_go();
  EXPECT_EQ(trims(), before);
  advance(1ms);
  EXPECT_EQ(trims(), before + 1);
  advance(trim_gap * 2);
  EXPECT_EQ(trims(), before + 1) << "nothing let go since";
}

TEST_F(memory_trimmer_test, trims_are_a_gap_apart_however_often_memory_is_let_go) {
  let_go();
  advance(trim_settle);
  ASSERT_EQ(trims(), before + 1);
  let_go();
  advance(trim_gap - 1ms);
  EXPECT_EQ(trims(), before + 1);
  advance(1ms);
  EXPECT_EQ(trims(), before + 2);
}
