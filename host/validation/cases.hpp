#pragma once
// The analytic validation cases, shared by `skinrd validate` and the test suite.
#include <string>
#include <vector>

#include "host/backend.hpp"
#include "host/simulation.hpp"

namespace skinrd::validation {

enum class CaseId {
  erfc_column,            // constant surface concentration, 1-D column
  erfc_periodic_3d,       // the same in 3-D with periodic sides
  erfc_graded,            // the same on a graded z grid
  membrane,               // Crank's membrane: Q(t) and lag time
  laminate_two,           // steady flux and profile, 2 layers, partitioned
  laminate_three,         // the same with 3 layers
  gaussian_decay,         // 3-D Gaussian with degradation and clearance
  gaussian_decay_graded,  // the same on a graded z grid
  steady_decay,           // steady penetration with first-order loss
  manufactured_3d,        // heterogeneous, graded, partitioned, with a source
  // Time integration and reactions (host/validation/time_cases.cpp); levels refine dt.
  time_order_adi,         // Gaussian with binding and decay: order in time of ADI
  time_order_lod,         // the same for LOD
  binding_closed_voxel,   // well-mixed binding against an independent RK4 solution
  uptake_closed_voxel,    // Michaelis–Menten uptake against RK4 and its implicit solution
  binding_slowed_spread,  // fast linear binding: spreading with D/(1 + B_max/K_d)
  steady_state_schemes,   // localised source: ADI and LOD steady states against explicit
};

struct CaseInfo {
  CaseId id;
  const char* name;
  const char* what;       // formula and reference, one line
  double tolerance;       // on every error the case reports, from default_level on (double)
  double float_tolerance; // the same with float fields, where rounding allows less
  double min_order;       // observed order required between levels, double only (0: none)
  int default_level;      // resolution level the tolerance starts at
  const char* resolution_unit;  // "um" (grid spacing) or "s" (time step)
};
const std::vector<CaseInfo>& case_catalogue();
const CaseInfo& case_info(CaseId id);

struct Measurement {
  std::string quantity;  // what the error measures, with its norm
  double error;
  bool judged = true;    // false: measured and reported, with no tolerance
};

struct CaseRun {
  double resolution;  // the finest grid spacing [um], or the time step [s]
  std::vector<Measurement> errors;
  // Health at the end of the run: the smallest value of any field (free, bound,
  // internalised) and the largest ledger balance residual over species.
  double min_value = 0;
  double ledger_residual = 0;
};

// How a case is stepped: the analytic cases of the core take the scheme given here, with
// `steps` steps over the case's time span, or steps of dt_limit_multiple × the explicit
// stability limit; neither: the explicit scheme's own step.
struct CaseOptions {
  BackendKind backend = BackendKind::cpu;
  Scheme scheme = Scheme::explicit_euler;
  int steps = 0;
  double dt_limit_multiple = 0;
  double dt_s(double span_s, double explicit_limit_s) const {
    if (steps > 0) return span_s / steps;
    return dt_limit_multiple > 0 ? dt_limit_multiple * explicit_limit_s : 0.0;
  }
};

// Runs one case at a resolution level: each level doubles the cells of every layer (and
// laterally), or halves the time step, so errors of consecutive levels give the observed
// order.
template <class Real>
CaseRun run_case(CaseId id, const CaseOptions& options, int level);

bool is_time_case(CaseId id);
template <class Real>
CaseRun run_time_case(CaseId id, const CaseOptions& options, int level);

}  // namespace skinrd::validation
