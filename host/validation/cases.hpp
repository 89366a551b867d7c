#pragma once
// The analytic validation cases, shared by `skinrd validate` and the test suite.
#include <string>
#include <vector>

#include "host/backend.hpp"

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
};

struct CaseInfo {
  CaseId id;
  const char* name;
  const char* what;       // formula and reference, one line
  double tolerance;       // on every error the case reports, from default_level on (double)
  double float_tolerance; // the same with float fields, where rounding allows less
  double min_order;       // observed order required between levels, double only (0: none)
  int default_level;      // resolution level the tolerance starts at
};
const std::vector<CaseInfo>& case_catalogue();
const CaseInfo& case_info(CaseId id);

struct Measurement {
  std::string quantity;  // what the error measures, with its norm
  double error;
};

struct CaseRun {
  double resolution_um;  // the finest spacing of the run
  std::vector<Measurement> errors;
};

// Runs one case at a resolution level: 0 coarse, 1 default, 2 fine; each level doubles
// the cells of every layer (and laterally), so errors of consecutive levels give the
// observed order.
template <class Real>
CaseRun run_case(CaseId id, BackendKind backend, int level);

}  // namespace skinrd::validation
