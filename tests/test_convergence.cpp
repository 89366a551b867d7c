// 6./7. Observed order of convergence in space, in double (float rounding hides it).
// Each level doubles the cells of every layer (and laterally); the explicit step follows
// the stability limit, so dt ∝ h² and the time error converges at the same rate.
// order = log2(e(h) / e(h/2)) ≥ 1.8 between the two finest levels.
#include <gtest/gtest.h>

#include <cmath>

#include "host/validation/cases.hpp"

namespace {

using namespace skinrd;
using namespace skinrd::validation;

double observed_order(CaseId id) {
  const int finest = case_info(id).default_level;
  const double coarse = run_case<double>(id, CaseOptions{}, finest - 1).errors[0].error;
  const double fine = run_case<double>(id, CaseOptions{}, finest).errors[0].error;
  return std::log2(coarse / fine);
}

class Convergence : public ::testing::TestWithParam<CaseId> {};

TEST_P(Convergence, SecondOrderInSpace) {
  EXPECT_GE(observed_order(GetParam()), 1.8) << case_info(GetParam()).name;
}

// Case 1 (erfc) and case 4 (Gaussian with decay) on uniform and graded z; case 7 (manufactured).
INSTANTIATE_TEST_SUITE_P(Cases, Convergence,
                         ::testing::Values(CaseId::erfc_column, CaseId::erfc_graded,
                                           CaseId::gaussian_decay, CaseId::gaussian_decay_graded,
                                           CaseId::manufactured_3d),
                         [](const auto& info) { return std::string(case_info(info.param).name); });

}  // namespace
