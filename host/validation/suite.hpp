#pragma once
// Runs every analytic case at three resolutions and judges it: the error against the
// case's tolerance and, where required, the observed order of convergence.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "host/backend.hpp"
#include "host/validation/cases.hpp"

namespace skinrd::validation {

enum class Precision { single, double_ };

struct ValidationRow {
  std::string case_name, quantity;
  int level = 0;
  double resolution = 0;            // grid spacing or time step
  std::string resolution_unit;      // "um" or "s"
  double error = 0;
  double tolerance = 0;              // 0 where the level is only a reference for the order
  std::optional<double> order;       // log2(error at level−1 / error here)
  double min_order = 0;
  bool pass = true;
  double seconds = 0;
};

// on_row is called as each row is finished, so a long suite shows progress.
// options.scheme and options.steps apply to the analytic cases of the core; the
// time-integration cases choose their own schemes and steps. With an implicit scheme the
// core cases are held to 10 × their tolerance (ADI) or 2 % (LOD), and their spatial
// orders are not judged (the time error of a fixed step count does not shrink with h).
std::vector<ValidationRow> run_suite(const CaseOptions& options, Precision precision,
                                     const std::vector<CaseId>& cases,
                                     const std::function<void(const ValidationRow&)>& on_row);

}  // namespace skinrd::validation
