// Analytic validation at the default resolution, in float and double fields (CPU backend).
// The cases themselves (set-up, exact solution, error norm) live in host/validation/cases.cpp
// and are the same ones `skinrd validate` runs. Tolerances are the for double; float
// gets what its rounding (~6e-8 per operation, over thousands of steps) allows.
#include <gtest/gtest.h>

#include "host/validation/cases.hpp"

namespace {

using namespace skinrd;
using namespace skinrd::validation;

template <class Real>
double tol(double for_double, double for_float) {
  return std::is_same_v<Real, double> ? for_double : for_float;
}

template <class Real>
CaseRun run_default(CaseId id) {
  return run_case<Real>(id, CaseOptions{}, case_info(id).default_level);
}

template <class Real>
class Analytic : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(Analytic, Precisions);

// 1. c(z,t) = c0·erfc(z/(2√(D t))), D = 100 um²/s, t = 100 s (Crank 1975, eq. 2.45).
//    max|c − exact| ≤ 1e-3·c0 as a 1-D column, in 3-D with periodic sides, and on a graded grid.
TYPED_TEST(Analytic, ErfcSemiInfinite) {
  for (CaseId id : {CaseId::erfc_column, CaseId::erfc_periodic_3d, CaseId::erfc_graded}) {
    const CaseRun run = run_default<TypeParam>(id);
    EXPECT_LE(run.errors[0].error, 1e-3) << case_info(id).name;
  }
}

// 2. Membrane h = 100 um, D = 10 um²/s, K = 2 between K·c0 and a sink (Crank 1975, eq. 4.24a):
//    Q(t) within 1 % for t ≥ t_lag; lag from a line fitted over 4–8 lags within 1 % of h²/(6D).
TYPED_TEST(Analytic, MembraneLagTime) {
  const CaseRun run = run_default<TypeParam>(CaseId::membrane);
  EXPECT_LE(run.errors[0].error, 1e-2) << run.errors[0].quantity;
  EXPECT_LE(run.errors[1].error, 1e-2) << run.errors[1].quantity;
}

// 3. Laminates with 2 cells per layer: steady flux J = c0/Σ hᵢ/(Kᵢ Dᵢ) to 1e-5 relative and
//    cell values on the exact piecewise-linear profile (a wrong face average fails this).
TYPED_TEST(Analytic, LaminateSteadyFluxAndProfile) {
  for (CaseId id : {CaseId::laminate_two, CaseId::laminate_three}) {
    const CaseRun run = run_default<TypeParam>(id);
    EXPECT_LE(run.errors[0].error, tol<TypeParam>(1e-5, 1e-4)) << case_info(id).name;
    EXPECT_LE(run.errors[1].error, tol<TypeParam>(1e-5, 1e-5)) << case_info(id).name;
  }
}

// 4. Gaussian (σ 20 → 26 um, D = 100 um²/s) with degradation 0.5/s and clearance 0.3/s:
//    c = A(σ0/σ)³exp(−r²/2σ²)exp(−k t) summed over periodic/mirror images; relative L2 ≤ 1e-3.
TYPED_TEST(Analytic, GaussianWithDecay) {
  for (CaseId id : {CaseId::gaussian_decay, CaseId::gaussian_decay_graded}) {
    const CaseRun run = run_default<TypeParam>(id);
    EXPECT_LE(run.errors[0].error, 1e-3) << case_info(id).name;
  }
}

// 5. Steady penetration with loss k = 0.01/s, D = 100 um²/s (L = 100 um) in 10 L of tissue:
//    c = K c0 cosh((H−z)/L)/cosh(H/L) ≈ K c0 exp(−z/L); pointwise relative error ≤ 1e-3 for z ≤ 5L.
TYPED_TEST(Analytic, SteadyPenetrationWithDecay) {
  const CaseRun run = run_default<TypeParam>(CaseId::steady_decay);
  EXPECT_LE(run.errors[0].error, 1e-3);
}

// 7. Manufactured u = exp(−a t)·g(x,y)·Z(z) on 3 partitioned layers with graded z and a
//    matching source (derivation in cases.cpp); relative L2 ≤ 1e-2 at the default grid.
TYPED_TEST(Analytic, ManufacturedHeterogeneous3d) {
  const CaseRun run = run_default<TypeParam>(CaseId::manufactured_3d);
  EXPECT_LE(run.errors[0].error, 1e-2);
}

}  // namespace
