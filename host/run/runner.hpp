#pragma once
// `skinrd run` and `skinrd check`: a scenario stepped through its delivery events, with
// outputs written into a run directory.
#include <iosfwd>
#include <string>

#include "host/backend.hpp"
#include "host/run/metrics.hpp"
#include "host/scenario/scenario.hpp"

namespace skinrd::run {

struct RunOptions {
  std::string out_dir;
  bool force = false;  // write into a non-empty directory
  BackendChoice backend{BackendKind::cpu, "cpu"};
  std::string command_line;
};

// What was recorded at each output time, per species (the rows of metrics.csv).
struct RunReport {
  std::vector<std::vector<OutputRecord>> records;
};

// Runs the scenario; writes metrics.csv, summary.json, scenario.toml (resolved) and
// provenance.json into out_dir. Progress goes to `progress`.
RunReport run_scenario(const scenario::Scenario& scenario, const RunOptions& options,
                       std::ostream& progress);

// Grid size, memory, time steps and an estimate of the run time, without running.
void check_scenario(const scenario::Scenario& scenario, std::ostream& out);

}  // namespace skinrd::run
