#include "host/run/size_estimates.hpp"

#include <algorithm>
#include <cstdio>
#include <ostream>

#include "host/error.hpp"
#include "host/run/metrics.hpp"
#include "host/run/record_columns.hpp"

namespace skinrd::run {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
// A metrics.csv cell at setprecision(10), and a profiles.csv row (11 cells, a species key and a
// layer name among them): measured on a 20001-output run of intradermal_exosome (7.95 MB of
// metrics, 146.7 MB of profiles).
constexpr double kCsvCellBytes = 8;
constexpr double kProfileRowBytes = 78;
// A heap block's bookkeeping, per vector or long string a record holds.
constexpr double kAllocationBytes = 16;
// The same run's resident memory grew 3.5 kB per record, 2.7 times the record's contents
// (the vectors' doubling capacity, the allocator's blocks).
constexpr double kRecordGrowth = 2.7;

std::string formatted(const char* format, double value, const char* unit) {
  char text[48];
  std::snprintf(text, sizeof text, format, value, unit);
  return text;
}

}  // namespace

std::string format_bytes(double bytes) {
  if (bytes >= 1024 * kGiB) return formatted("%.2f %s", bytes / (1024 * kGiB), "TiB");
  if (bytes >= kGiB) return formatted("%.2f %s", bytes / kGiB, "GiB");
  return formatted("%.1f %s", bytes / (1024.0 * 1024.0), "MiB");
}

StepEstimate estimate_steps(const scenario::Scenario& scenario, double explicit_dt_limit_s) {
  const scenario::RunSettings& run = scenario.run;
  const bool explicit_scheme = run.scheme == Scheme::explicit_euler;
  StepEstimate e;
  e.controller = run.dt_s <= 0;
  if (!e.controller) {
    e.dt_s = run.dt_s;
    e.how = "the fixed run.dt";
  } else if (explicit_scheme && 0.9 * explicit_dt_limit_s < run.adaptive.dt_max_s) {
    e.dt_s = 0.9 * explicit_dt_limit_s;
    e.how = "the controller's cap, 0.9 x the explicit stability limit";
  } else {
    e.dt_s = run.adaptive.dt_max_s;
    e.how = "the controller's cap, run.dt_max";
  }
  e.steps = run.duration_s / e.dt_s;
  e.solves = (e.controller ? 3 : 1) * e.steps;
  return e;
}

void require_countable_steps(const scenario::Scenario& scenario, double explicit_dt_limit_s) {
  const StepEstimate e = estimate_steps(scenario, explicit_dt_limit_s);
  if (!(e.steps > kMaxSteps)) return;
  char message[320];
  std::snprintf(message, sizeof message,
                "run.duration %.4g s in steps of %.4g s (%s) is %.3g steps, more than 2^53 "
                "(%.3g): t + dt would no longer change t in double precision",
                scenario.run.duration_s, e.dt_s, e.how.c_str(), e.steps, kMaxSteps);
  throw ConfigError(e.controller ? "run.duration" : "run.dt", message);
}

OutputSizes estimate_output_sizes(const scenario::Scenario& scenario, const Problem& problem,
                                  std::size_t vtk_voxels) {
  const Grid& grid = problem.grid;
  OutputSizes sizes;
  sizes.outputs = scenario.run.output_times_s.size();
  const double rows = double(sizes.outputs) * scenario.species.size();  // one per species and time
  const double columns = static_cast<double>(metrics_columns(grid.layers).size());
  sizes.metrics_bytes = rows * columns * kCsvCellBytes;
  sizes.profiles_bytes = rows * grid.nz * kProfileRowBytes;
  // Free per species, bound and internalised for the reacting ones, float32; the uint8 layer ids.
  double arrays = 0;
  for (int s = 0; s < problem.materials.species_count(); ++s)
    arrays += problem.materials.species_reacts(s) ? 3 : 1;
  sizes.vtk_bytes = double(sizes.outputs) * double(vtk_voxels) * (4 * arrays + 1);
  // A record: its struct, a LayerRecord and the ledger's three amounts and name per layer, the
  // interface fluxes, and a heap block for each of its vectors and names.
  const double layers = static_cast<double>(grid.layers.size());
  const double record = sizeof(OutputRecord) +
                        layers * (sizeof(LayerRecord) + 4 * sizeof(double) + sizeof(std::string)) +
                        (2 * layers + 5) * kAllocationBytes;
  sizes.records_bytes = rows * record * kRecordGrowth;
  return sizes;
}

void print_output_sizes(const OutputSizes& sizes, std::ostream& out) {
  out << "outputs " << sizes.outputs << " times; on disk about " << format_bytes(sizes.disk_bytes())
      << " (metrics.csv " << format_bytes(sizes.metrics_bytes) << ", profiles.csv "
      << format_bytes(sizes.profiles_bytes) << ", VTK "
      << (sizes.vtk_bytes > 0 ? format_bytes(sizes.vtk_bytes) + " uncompressed, zlib makes it less"
                              : std::string("none"))
      << "); the run's records in host memory about " << format_bytes(sizes.records_bytes) << "\n";
  if (sizes.disk_bytes() > kGiB)
    out << "warning: the outputs take about " << format_bytes(sizes.disk_bytes())
        << " of disk: a longer run.output_interval (or output.downsample, output.vtk = false) "
           "makes them smaller\n";
  if (sizes.records_bytes > kGiB)
    out << "warning: the run keeps " << sizes.outputs << " records per species in host memory, "
        << "about " << format_bytes(sizes.records_bytes)
        << " by the end: a longer run.output_interval needs less\n";
}

}  // namespace skinrd::run
