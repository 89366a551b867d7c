#pragma once
// What a run will cost besides its fields, estimated from the scenario and the grid's sizes
// before anything is allocated: its steps (from the same step-size logic as the run), its
// outputs on disk and its records in memory. `skinrd check` prints them; the refusals of
// counts that do not fit in a double's steps are shared with `run`.
#include <cstddef>
#include <iosfwd>
#include <string>

#include "host/scenario/scenario.hpp"
#include "host/scenario/units.hpp"
#include "host/sim/problem.hpp"

namespace skinrd::run {

// Times, lengths and numbers for the user (host/scenario/units.hpp: 35 d reads "35.0 d").
using scenario::format_length;
using scenario::format_number;
using scenario::format_time;
// Bytes in MiB, GiB or TiB.
std::string format_bytes(double bytes);

// The most steps a run may take: beyond 2^53 steps t + dt no longer changes t in double.
constexpr double kMaxSteps = 0x1p53;

struct StepEstimate {
  double dt_s = 0;           // the step: fixed, or the controller's cap (dt_max, explicit limit)
  double steps = 0;          // duration / dt_s
  double solves = 0;         // step solves: 3 per step with the controller
  bool controller = false;   // the accuracy controller (steps at least `steps`)
  std::string how;           // where dt_s comes from, for the user
};

// The run's steps as the run chooses them: a fixed run.dt as given (explicit: refused above the
// stability limit), or the controller's at most min(dt_max, 0.9 × the explicit limit) for the
// explicit scheme and dt_max for the implicit ones.
StepEstimate estimate_steps(const scenario::Scenario& scenario, double explicit_dt_limit_s);

// ConfigError (run.dt, or run.duration) when the run would need more than kMaxSteps steps.
void require_countable_steps(const scenario::Scenario& scenario, double explicit_dt_limit_s);

struct OutputSizes {
  std::size_t outputs = 0;     // output times
  double metrics_bytes = 0;    // metrics.csv
  double profiles_bytes = 0;   // profiles.csv
  double vtk_bytes = 0;        // fields_*.vtr, uncompressed (zlib usually makes them smaller)
  double records_bytes = 0;    // the run's in-memory records (one per species and output)
  double disk_bytes() const { return metrics_bytes + profiles_bytes + vtk_bytes; }
};

// From the output count, the species (and which react), the grid's layers and cell layers, and
// the VTK grid's voxels (the downsampled grid's with output.downsample; 0: no VTK output). The
// problem may be a shape (build_problem_shape).
OutputSizes estimate_output_sizes(const scenario::Scenario& scenario, const Problem& problem,
                                  std::size_t vtk_voxels);

// The disk and records lines `skinrd check` prints, with a warning above 1 GiB of either.
void print_output_sizes(const OutputSizes& sizes, std::ostream& out);

}  // namespace skinrd::run
