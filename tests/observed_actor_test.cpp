// The mailbox depth an actor notes each time a thread picks it up, on the
// deterministic scheduler, where the test decides when actors run.

#include "support/metrics.hpp"
#include "tests/support/queue_fixture.hpp"

using namespace concert;
using namespace concert::testing;

namespace {

using observed_actor_test = queue_fixture;

} // namespace

TEST_F(observed_actor_test, an_actor_picked_up_with_five_messages_waiting_notes_five) {
  start(1, 100);
  auto& depth = metrics::mailbox_depth("queue");
  auto up_to_four = depth.count_at_most(4);
  auto up_to_eight = depth.count_at_most(8);
  for (int i = 0; i < 5; ++i)
    self->send(queue, atom::get_v, atom::status_v);
  run();
  EXPECT_EQ(depth.count_at_most(8) - up_to_eight - (depth.count_at_most(4) - up_to_four), 1u)
    << "one pick-up found between five and eight messages";
}

TEST(mailbox_depth, each_kind_has_its_own_histogram_and_unknown_kinds_share_one) {
  EXPECT_NE(&metrics::mailbox_depth("queue"), &metrics::mailbox_depth("store"));
  EXPECT_EQ(&metrics::mailbox_depth("queue"), &metrics::mailbox_depth("queue"));
  EXPECT_EQ(&metrics::mailbox_depth("no such actor"), &metrics::mailbox_depth("other"));
}
