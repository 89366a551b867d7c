#pragma once
// `skinrd bench`: each kernel of a step timed on one backend on a layered test grid, with
// throughput (voxel-updates/s) and effective memory bandwidth (bytes the kernel must move /
// time), and on CUDA the fraction of the device's peak bandwidth.
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "host/simulation.hpp"

namespace skinrd::bench {

struct BenchOptions {
  std::string backend = "auto";  // auto, cpu or cuda
  int nx = 128, ny = 128, nz = 128;
  int species = 1;
  // > 1: also an ADI step of this many copies of the species (D 1 % apart) batched in one
  // Simulation against the same stepped one species per batch, with the speed-up.
  int members = 1;
  bool double_precision = false;
  int repeat = 5;  // timed calls per kernel (after one warm-up call); the median is reported
  std::string csv_path;  // also write the rows as CSV when set
};

// "NXxNYxNZ" or "N" (a cube) into options; ConfigError naming --size otherwise.
void parse_size(std::string_view text, BenchOptions& options);

// The test grid (as bench/bench_step's): nz cells in z over stratum corneum (1 µm cells,
// nz/8), epidermis (2 µm, nz/4) and dermis (5 µm, the rest), dx = 5 µm, diffusion with
// degradation and clearance but no binding or uptake; fixed-concentration top, perfect-sink
// bottom, periodic sides. Needs nz >= 3.
Problem layered_test_problem(int nx, int ny, int nz, int species);

struct KernelRow {
  std::string kernel;
  double ms_per_call = 0;       // median over the repeats
  double voxel_updates_per_s = 0;
  double bytes_per_voxel = 0;   // per species: the traffic counted (see `traffic`)
  double gb_per_s = 0;          // bytes counted / time, 1e9 bytes
  double fraction_of_peak = 0;  // of the device's peak bandwidth; 0 when unknown (CPU)
  std::string traffic;          // what was counted
};

// Prints a header (device, backend, precision, grid, species, date, git revision, how bytes
// are counted) and a Markdown table row per kernel as it finishes; writes the CSV when asked.
std::vector<KernelRow> run_kernel_bench(const BenchOptions& options, std::ostream& out);

}  // namespace skinrd::bench
