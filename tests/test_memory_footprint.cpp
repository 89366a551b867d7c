// Memory footprint: Simulation::memory_footprint is what a Simulation allocates (counted by
// DeviceBufferBytes), for every scheme, with and without reactions, sources and the step
// controller, and for a scenario run end to end; a run that does not fit is refused with
// needed and available memory in GiB.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "host/device_buffer.hpp"
#include "host/error.hpp"
#include "host/run/memory_budget.hpp"
#include "host/run/problem_builder.hpp"
#include "host/run/runner.hpp"

namespace {

namespace fs = std::filesystem;
using namespace skinrd;
const std::string kSource = SKINRD_SOURCE_DIR;
constexpr BackendKind kCpu = BackendKind::cpu;

// Two layers, 6 × 5 × 7 voxels; species 0 binds in the lower layer when `reacting`.
Problem small_problem(bool reacting) {
  MaterialTable table({"upper", "lower"}, {"a", "b"});
  for (int s = 0; s < 2; ++s) {
    table.at(0, s) = {10, 1, 1e-3, 0};
    table.at(1, s) = {20, 0.5, 0, 1e-3};
  }
  if (reacting) {
    table.at(1, 0).binding_on_per_conc_s = 1e-2;
    table.at(1, 0).unbinding_per_s = 1e-3;
    table.at(1, 0).binding_capacity = 5;
  }
  Boundaries bc{true, kernels::TopBoundary::fixed_concentration, {1.0, 0.5},
                kernels::BottomBoundary::perfect_sink};
  return {make_grid(6, 5, 2.0, {{"upper", 6, 2, 0}, {"lower", 8, 2, 1}}), table, bc};
}

template <class Real>
void expect_footprint_is_allocated(Scheme scheme, bool reacting) {
  const Problem problem = small_problem(reacting);
  const std::size_t before = DeviceBufferBytes::live(kCpu);
  Simulation<Real> sim(problem, kCpu, scheme);
  const MemoryFootprint f = Simulation<Real>::memory_footprint(problem, kCpu, scheme);
  EXPECT_EQ(DeviceBufferBytes::live(kCpu) - before, f.total());
  EXPECT_EQ(f.stored(), (reacting ? 4 : 2) * problem.grid.voxel_count() * sizeof(Real));
  EXPECT_EQ(f.species[0].bound > 0, reacting);
  EXPECT_EQ(f.species[1].bound, 0u);

  // Sources: two for species 0 (summed into one shared array when stepping), one for b.
  const std::vector<Real> q(problem.grid.voxel_count(), Real(1));
  sim.add_source(0, q, [](double t) { return t; });
  sim.add_source(0, q, [](double t) { return 2 * t; });
  sim.add_source(1, q, [](double t) { return t; });
  FootprintOptions options;
  options.sources_per_species = {2, 1};
  sim.step(0.5 * sim.explicit_dt_limit_s());
  EXPECT_EQ(DeviceBufferBytes::live(kCpu) - before,
            Simulation<Real>::memory_footprint(problem, kCpu, scheme, options).total());

  // The step controller's saved states exist only while it runs: its peak.
  options.step_controller = true;
  DeviceBufferBytes::reset_peak(kCpu);
  AdaptiveOptions adaptive;
  sim.advance_adaptive(sim.time_s() + 3 * sim.explicit_dt_limit_s(), adaptive);
  const MemoryFootprint full = Simulation<Real>::memory_footprint(problem, kCpu, scheme, options);
  EXPECT_EQ(DeviceBufferBytes::peak(kCpu) - before, full.total());

  // The lean controller keeps one species' start and full step at a time (batches of 1).
  options.lean_step_controller = adaptive.lean_memory = true;
  DeviceBufferBytes::reset_peak(kCpu);
  sim.advance_adaptive(sim.time_s() + 3 * sim.explicit_dt_limit_s(), adaptive);
  const MemoryFootprint lean = Simulation<Real>::memory_footprint(problem, kCpu, scheme, options);
  EXPECT_EQ(DeviceBufferBytes::peak(kCpu) - before, lean.total());
  const std::size_t field = problem.grid.voxel_count() * sizeof(Real);
  EXPECT_EQ(lean.controller, (reacting ? 4 : 2) * field + lean.tallies);
  EXPECT_LT(lean.controller, full.controller);
}

TEST(MemoryFootprint, IsWhatASimulationAllocates) {
  for (Scheme scheme : {Scheme::explicit_euler, Scheme::adi, Scheme::lod})
    for (bool reacting : {false, true}) {
      SCOPED_TRACE(std::string(to_string(scheme)) + (reacting ? " reacting" : ""));
      expect_footprint_is_allocated<float>(scheme, reacting);
      expect_footprint_is_allocated<double>(scheme, reacting);
    }
}

// Batches of species (SimulationOptions::species_per_batch): each species of a batch has its own
// next field, ADI work and combined source; all species in one batch, and batches of 1.
template <class Real>
void expect_batched_footprint_is_allocated(Scheme scheme, int species_per_batch) {
  const Problem problem = small_problem(true);
  const SimulationOptions batching{species_per_batch};
  const std::size_t before = DeviceBufferBytes::live(kCpu);
  Simulation<Real> sim(problem, kCpu, scheme, batching);
  const MemoryFootprint f = Simulation<Real>::memory_footprint(problem, kCpu, scheme, {}, batching);
  EXPECT_EQ(DeviceBufferBytes::live(kCpu) - before, f.total());
  const std::size_t field = problem.grid.voxel_count() * sizeof(Real);
  const std::size_t per_batch = species_per_batch == 0 ? 2 : species_per_batch;
  // Douglas–Gunn writes the new field over its correction: ADI has work, the others next.
  EXPECT_EQ(f.next, scheme == Scheme::adi ? 0u : per_batch * field);
  EXPECT_EQ(f.work, scheme == Scheme::adi ? per_batch * field : 0u);
  EXPECT_EQ(f.sweep_scratch, 0u);  // the CPU sweeps need none
  EXPECT_EQ(f.channels, 0u);       // the CPU launchers read the host descriptors
  // Both species with two sources each: one combined array per species of a batch.
  const std::vector<Real> q(problem.grid.voxel_count(), Real(1));
  for (int s = 0; s < 2; ++s) {
    sim.add_source(s, q, [](double t) { return t; });
    sim.add_source(s, q, [](double t) { return 3 * t; });
  }
  FootprintOptions options;
  options.sources_per_species = {2, 2};
  sim.step(0.5 * sim.explicit_dt_limit_s());
  const MemoryFootprint with_sources =
      Simulation<Real>::memory_footprint(problem, kCpu, scheme, options, batching);
  EXPECT_EQ(DeviceBufferBytes::live(kCpu) - before, with_sources.total());
  EXPECT_EQ(with_sources.combined_source, per_batch * field);

  // The lean step controller at its peak: one batch's start and full step.
  options.step_controller = options.lean_step_controller = true;
  AdaptiveOptions adaptive;
  adaptive.lean_memory = true;
  DeviceBufferBytes::reset_peak(kCpu);
  sim.advance_adaptive(sim.time_s() + 3 * sim.explicit_dt_limit_s(), adaptive);
  EXPECT_EQ(DeviceBufferBytes::peak(kCpu) - before,
            Simulation<Real>::memory_footprint(problem, kCpu, scheme, options, batching).total());
}

TEST(MemoryFootprint, BatchedSimulationAllocatesItsFootprint) {
  for (Scheme scheme : {Scheme::explicit_euler, Scheme::adi, Scheme::lod})
    for (int per_batch : {0, 1, 2}) {
      SCOPED_TRACE(std::string(to_string(scheme)) + ", " + std::to_string(per_batch) + " per batch");
      expect_batched_footprint_is_allocated<float>(scheme, per_batch);
      expect_batched_footprint_is_allocated<double>(scheme, per_batch);
    }
}

// small_problem's tissue with lines of `nx` cells along x (one row, one cell per layer).
Problem long_line_problem(bool reacting, int nx) {
  Problem problem = small_problem(reacting);
  problem.grid = make_grid(nx, 1, 2.0, {{"upper", 2, 1, 0}, {"lower", 2, 1, 1}});
  return problem;
}

// On CUDA each species of a batch has its own work field and sweep scratch, and each batch its
// descriptors; lines longer than kMaxLocalSweepLine need 3 values/voxel of sweep scratch.
TEST(MemoryFootprint, CudaBatchesScaleScratchAndHoldDescriptors) {
  const Problem problem = small_problem(true);
  const auto one = Simulation<float>::memory_footprint(problem, BackendKind::cuda, Scheme::adi);
  const auto all = Simulation<float>::memory_footprint(problem, BackendKind::cuda, Scheme::adi,
                                                       {}, SimulationOptions{0});
  const std::size_t small_field = problem.grid.voxel_count() * sizeof(float);
  EXPECT_EQ(one.sweep_scratch, small_field);  // the x sweep's transposed copy
  EXPECT_EQ(all.sweep_scratch, 2 * small_field);
  EXPECT_EQ(all.next + all.work, 2 * (one.next + one.work));
  // The ADI target: at most 8 B/voxel of scratch for a batch of one species (float).
  EXPECT_LE(one.scratch(), 8 * one.voxels);
  // Species a reacts: with batches of 1, a react and a diffuse descriptor for a, a diffuse one
  // for b, in channel_descriptor_copies(2 batches) copies; in one batch the same three, in
  // channel_descriptor_copies(1) copies.
  constexpr std::size_t channel = sizeof(kernels::Channel<float>);
  EXPECT_EQ(one.channels, Simulation<float>::channel_descriptor_copies(2) * 3 * channel);
  EXPECT_EQ(all.channels, Simulation<float>::channel_descriptor_copies(1) * 3 * channel);

  const Problem long_lines = long_line_problem(true, kernels::cuda::kMaxLocalSweepLine + 1);
  const auto long_one =
      Simulation<float>::memory_footprint(long_lines, BackendKind::cuda, Scheme::adi);
  const auto long_all = Simulation<float>::memory_footprint(long_lines, BackendKind::cuda,
                                                            Scheme::adi, {}, SimulationOptions{0});
  const std::size_t field = long_lines.grid.voxel_count() * sizeof(float);
  EXPECT_EQ(long_one.sweep_scratch, 3 * field);
  EXPECT_EQ(long_all.sweep_scratch, 2 * 3 * field);
}

TEST(MemoryFootprint, ReleasedWithTheSimulation) {
  const std::size_t before = DeviceBufferBytes::live(kCpu);
  { Simulation<float> sim(small_problem(true), kCpu, Scheme::adi); }
  EXPECT_EQ(DeviceBufferBytes::live(kCpu), before);
}

// CUDA's sweeps keep a transposed copy of the field for x (1 value/voxel) and of the material
// ids (1 B/voxel); lines over kMaxLocalSweepLine cells also need cp and q in device memory
// (3 values/voxel in all). The CPU sweeps need neither.
TEST(MemoryFootprint, CudaSweepScratchIsOneValuePerVoxelOrThreeForLongLines) {
  for (int nx : {kernels::cuda::kMaxLocalSweepLine, kernels::cuda::kMaxLocalSweepLine + 1}) {
    const Problem problem = long_line_problem(false, nx);
    const auto cpu = Simulation<float>::memory_footprint(problem, kCpu, Scheme::adi);
    const auto cuda = Simulation<float>::memory_footprint(problem, BackendKind::cuda, Scheme::adi);
    EXPECT_EQ(cpu.sweep_scratch, 0u);
    const bool long_lines = nx > kernels::cuda::kMaxLocalSweepLine;
    // Plus the channel descriptors of each batch (a few kB, not per voxel) and, for local
    // scratch, the driver's reservation of it for every thread the GPU holds.
    EXPECT_EQ(cuda.total() - cuda.channels - cuda.sweep_local - cpu.total(),
              problem.grid.voxel_count() * (1 + (long_lines ? 3 : 1) * sizeof(float)))
        << nx << " cells";
    EXPECT_EQ(cuda.sweep_local, long_lines ? 0u
                                           : (2 * kernels::cuda::kMaxLocalSweepLine * sizeof(float) + 512) *
                                                 2048 * Simulation<float>::kAssumedSmCount)
        << nx << " cells";
    EXPECT_EQ(cpu.sweep_local, 0u);
  }
}

// The implicit-scheme target (GPU-performance issue): an ADI run on the CPU holds 4 B/voxel
// per stored float field plus at most 8 B/voxel of scratch, whatever the species count.
TEST(MemoryFootprint, AdiScratchOnTheCpuIsAtMostEightBytesPerVoxel) {
  for (bool reacting : {false, true}) {
    const Problem problem = small_problem(reacting);
    const auto f = Simulation<float>::memory_footprint(problem, kCpu, Scheme::adi);
    EXPECT_LE(f.scratch(), 8 * f.voxels) << (reacting ? "reacting" : "not reacting");
    // Two species; with reactions species a also stores bound and internalised.
    EXPECT_EQ(f.stored(), 4 * (reacting ? 4 : 2) * f.voxels);
  }
}

scenario::Scenario load(const std::string& name, const std::vector<std::string>& overrides) {
  static const auto library = scenario::load_library(kSource + "/scenarios/library");
  return scenario::load_scenario(kSource + "/tests/scenarios/" + name, overrides, library);
}

// A scenario's footprint (its infusion's source array included) is the peak of its run.
TEST(MemoryFootprint, ScenarioRunPeaksAtItsFootprint) {
  for (bool controller : {false, true}) {
    SCOPED_TRACE(controller ? "step controller" : "fixed dt");
    scenario::Scenario s = load("bleb_and_infusion.toml", {"run.duration=\"15 min\""});
    if (controller) {
      s.run.dt_s = 0;
      s.run.adaptive.dt_max_s = 120;
    }
    const MemoryFootprint expected =
        run::scenario_footprint(s, run::build_problem(s), kCpu);
    ASSERT_EQ(expected.sources(), expected.voxels * sizeof(double));  // one infused bleb
    run::RunOptions options;
    options.out_dir = (fs::temp_directory_path() / "skinrd_footprint_run").string();
    options.force = true;
    std::ostringstream progress;
    const std::size_t before = DeviceBufferBytes::live(kCpu);
    DeviceBufferBytes::reset_peak(kCpu);
    run::run_scenario(s, options, progress);
    EXPECT_EQ(DeviceBufferBytes::peak(kCpu) - before, expected.total());
  }
}

TEST(MemoryFootprint, RunThatDoesNotFitIsRefused) {
  const Problem problem = small_problem(true);
  const MemoryFootprint f = Simulation<float>::memory_footprint(problem, kCpu, Scheme::adi);
  EXPECT_NO_THROW(run::require_fits(f, kCpu, f.total()));
  EXPECT_NO_THROW(run::require_fits(f, kCpu, 0));  // unknown: not refused
  try {
    run::require_fits(f, BackendKind::cuda, f.total() - 1);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "tissue.dx");
    const std::string what = e.what();
    EXPECT_NE(what.find("GiB of device memory but only"), std::string::npos) << what;
    EXPECT_NE(what.find("coarser grid"), std::string::npos) << what;
  }
}

TEST(MemoryFootprint, CpuAvailableMemoryIsRead) {
  if (!fs::exists("/proc/meminfo")) GTEST_SKIP() << "no /proc/meminfo";
  EXPECT_GT(run::available_memory_bytes(kCpu), 0u);
}

TEST(MemoryFootprint, CheckPrintsTheBreakdown) {
  const scenario::Scenario s = load("bleb_and_infusion.toml", {});
  std::ostringstream out;
  run::check_scenario(s, out);
  const std::string text = out.str();
  for (const char* part : {"bytes/voxel", "stored fields", "scratch", "sources",
                           "step controller", "materials"})
    EXPECT_NE(text.find(part), std::string::npos) << part << " in\n" << text;
}

}  // namespace
