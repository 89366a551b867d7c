// Output snapshots on the CPU backend (tests/snapshot_check.hpp).
#include "snapshot_check.hpp"

namespace {

TEST(Snapshot, HoldsTheFieldsAndLedgerOfItsTimeInFloat) {
  skinrd::test_support::expect_snapshot_holds_its_time<float>(skinrd::BackendKind::cpu);
}

TEST(Snapshot, HoldsTheFieldsAndLedgerOfItsTimeInDouble) {
  skinrd::test_support::expect_snapshot_holds_its_time<double>(skinrd::BackendKind::cpu);
}

}  // namespace
