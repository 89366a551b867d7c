#pragma once
// `skinrd run` and `skinrd check`: a scenario stepped through its delivery events, with
// outputs written into a run directory.
#include <functional>
#include <iosfwd>
#include <string>

#include "host/backend.hpp"
#include "host/run/checkpoint.hpp"
#include "host/run/metrics.hpp"
#include "host/scenario/ensemble.hpp"
#include "host/scenario/scenario.hpp"

namespace skinrd::run {

// Where a run is, as a stop condition sees it.
struct RunProgress {
  double time_s = 0;
  long long steps = 0, rejected_steps = 0;
};

struct RunOptions {
  std::string out_dir;
  bool force = false;  // replace a previous run's outputs (output::RunDirectory)
  BackendChoice backend{BackendKind::cpu, "cpu"};
  std::string command_line;
  RunInputs inputs;  // what `run --resume` loads again
  // Continue the run in out_dir from its checkpoint (the scenario must be the one it ran).
  bool resume = false;
  // Wall-clock seconds between checkpoints (<= 0: only when stopped by a signal or stop_when).
  double checkpoint_interval_s = 600;
  // Asked at every step: true stops the run there with a checkpoint (RunInterrupted, exit 0);
  // `run --stop-after` and the tests' way to interrupt a run at a chosen point.
  std::function<bool(const RunProgress&)> stop_when;
  // Seconds of wall time between progress lines when stderr is not a terminal.
  double progress_interval_s = 5;
};

// What was recorded at each output time, per species (the rows of metrics.csv).
struct RunReport {
  std::vector<std::vector<OutputRecord>> records;
};

// Runs the scenario; writes metrics.csv, summary.json, scenario.toml (resolved) and
// provenance.json into out_dir. Progress goes to `progress`.
RunReport run_scenario(const scenario::Scenario& scenario, const RunOptions& options,
                       std::ostream& progress);

struct EnsembleReport {
  std::vector<std::string> names;                             // per member
  std::vector<std::vector<std::vector<OutputRecord>>> records;  // [member][species]
};

// Runs the members together in one Simulation (each member's species are lanes of it):
// out_dir/NAME/ holds each member's run directory as run_scenario writes it (VTK only with
// the ensemble's vtk = true), out_dir/ensemble.json what each member is and the run's cost,
// out_dir/ensemble.csv each member's route metrics. ConfigError when the members cannot share
// a grid and a time loop (check_members_compatible) or do not fit in memory.
EnsembleReport run_ensemble(const scenario::EnsembleSpec& spec,
                            const std::vector<scenario::Scenario>& members,
                            const RunOptions& options, std::ostream& progress);

// The ensemble's members and what they change, that they can share a grid and a time loop,
// and the memory of the run (all lanes, batched as `run --ensemble` would).
void check_ensemble(const scenario::EnsembleSpec& spec,
                    const std::vector<scenario::Scenario>& members, std::ostream& out,
                    const std::string& backend = "auto");

// Grid size, memory, time steps and an estimate of the run time, without running. The memory
// is `backend`'s ("auto": what `skinrd run` would pick); "cuda" without a device still gives
// CUDA's footprint, with the free memory unknown, so a GPU run can be planned anywhere.
void check_scenario(const scenario::Scenario& scenario, std::ostream& out,
                    const std::string& backend = "auto");

}  // namespace skinrd::run
