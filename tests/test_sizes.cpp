// Sizes before memory (issue 16, findings 1, 6, 7 and check's part of 11): counts of cells,
// voxels, output times, ensemble members and steps are made in double against limits before
// anything is allocated, and refused with the keys and numbers; `skinrd check` sizes a run
// from its grid's shape, says "does not fit" with exit status 2 at once, and prints its disk
// use, its records' memory and its estimates with units.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "host/error.hpp"
#include "host/grid.hpp"
#include "host/run/memory_budget.hpp"
#include "host/run/problem_builder.hpp"
#include "host/run/runner.hpp"
#include "host/scenario/ensemble.hpp"
#include "host/scenario/library.hpp"
#include "host/scenario/scenario.hpp"

namespace {

namespace fs = std::filesystem;
using namespace skinrd;
using Clock = std::chrono::steady_clock;
const std::string kSource = SKINRD_SOURCE_DIR;
const std::string kScenario = kSource + "/scenarios/intradermal_exosome.toml";

scenario::Scenario load(const std::vector<std::string>& overrides) {
  static const auto library = scenario::load_library(kSource + "/scenarios/library");
  return scenario::load_scenario(kScenario, overrides, library);
}

// The ConfigError `f` throws: its key and message.
template <class F>
ConfigError config_error(F&& f) {
  try {
    f();
  } catch (const ConfigError& error) {
    return error;
  }
  ADD_FAILURE() << "expected a ConfigError";
  return ConfigError("", "");
}

void expect_contains(const std::string& text, const std::string& part) {
  EXPECT_NE(text.find(part), std::string::npos) << "\"" << part << "\" in\n" << text;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Result {
  int status = -1;
  std::string output;
  double wall_s = 0;
};

Result skinrd(const std::string& arguments) {
  Result result;
  const auto start = Clock::now();
  FILE* pipe = popen((std::string(SKINRD_EXE) + " " + arguments + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe)) result.output += buffer.data();
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.wall_s = seconds_since(start);
  return result;
}

// Finding 1: 2^30 x 2^30 x 95 voxels wrapped a 64-bit count to a small one (a segfault in
// make_grid), and 2^32 + 5 cells across were truncated to an int's 5.
TEST(Sizes, VoxelCountThatWouldWrapIsRefusedNamingDx) {
  const ConfigError e = config_error([] {
    run::build_problem_shape(
        load({"tissue.lateral_size=\"1073741.824 um\"", "tissue.dx=\"1 nm\""}));
  });
  EXPECT_EQ(e.key(), "tissue.dx");
  expect_contains(e.what(), "1.074e+09 x 1.074e+09 x 95");
  expect_contains(e.what(), "voxels, more than the limit");
}

TEST(Sizes, LateralCellCountBeyondAnIntIsRefusedNotTruncated) {
  const ConfigError e = config_error([] {
    run::build_problem(load({"tissue.lateral_size=\"4294967.301 um\"", "tissue.dx=\"1 nm\""}));
  });
  EXPECT_EQ(e.key(), "tissue.lateral_size");
  expect_contains(e.what(), "4.295e+09 cells across");
}

TEST(Sizes, MakeGridRefusesAVoxelCountThatWraps) {
  // 2^30 x 2^30 x 16 = 2^64: 0 in 64-bit unsigned arithmetic.
  const ConfigError e = config_error(
      [] { make_grid(1 << 30, 1 << 30, 1.0, {{"dermis", 16, 1, 0}}); });
  EXPECT_EQ(e.key(), "grid.nx");
  expect_contains(e.what(), "1073741824 x 1073741824 x 16");
}

// Finding 6: the footprint comes from the grid's shape: no voxel is allocated to size a run.
TEST(Sizes, ShapeHasNoVoxelsAndTheSameFootprint) {
  const scenario::Scenario s = load({});
  const Problem shape = run::build_problem_shape(s);
  EXPECT_TRUE(shape.grid.material.empty());
  const Problem full = run::build_problem(s);
  EXPECT_EQ(full.grid.material.size(), full.grid.voxel_count());
  EXPECT_EQ(run::scenario_footprint(s, shape, BackendKind::cpu).total(),
            run::scenario_footprint(s, full, BackendKind::cpu).total());
}

TEST(Sizes, RunTooLargeIsRefusedBeforeItsGridIsAllocated) {
  for (const char* lateral : {"tissue.lateral_size=\"10 m\"", "tissue.lateral_size=\"2 cm\""}) {
    SCOPED_TRACE(lateral);
    // 2 cm at 1 um: 3.8e10 voxels, about 1.2 TB.
    const scenario::Scenario s = load({lateral, "tissue.dx=\"1 um\""});
    const auto start = Clock::now();
    bool lean = false;
    const ConfigError e = config_error(
        [&] { run::build_fitting_problem(s, BackendKind::cpu, &lean); });
    EXPECT_LT(seconds_since(start), 0.5);
    EXPECT_EQ(e.key(), "tissue.dx");
    expect_contains(e.what(), "does not fit");
  }
}

TEST(Sizes, CheckOfARunThatDoesNotFitExitsTwoAtOnce) {
  for (const char* lateral : {"\"10 m\"", "\"2 cm\" --set tissue.dx=\"1 um\""}) {
    SCOPED_TRACE(lateral);
    const Result r = skinrd("check " + kScenario + " --backend cpu --set tissue.lateral_size=" +
                            std::string(lateral));
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_LT(r.wall_s, 1.0);
    expect_contains(r.output, "-- does NOT fit");
    expect_contains(r.output, "skinrd: error: tissue.dx: does not fit: the run needs");
    expect_contains(r.output, "on disk about");
  }
}

// Finding 7: 1e20 output times were listed until memory ran out.
TEST(Sizes, OutputCountAboveTheLimitIsRefused) {
  const auto start = Clock::now();
  const ConfigError e = config_error(
      [] { load({"run.duration=\"1e20 s\"", "run.output_interval=\"1 s\""}); });
  EXPECT_LT(seconds_since(start), 0.5);
  EXPECT_EQ(e.key(), "run.output_interval");
  expect_contains(e.what(), "1e+20 output times");
}

// 6 keys of 40 values: 4.1e9 members were made one by one.
TEST(Sizes, EnsembleMemberCountAboveTheLimitIsRefused) {
  const fs::path file = fs::temp_directory_path() / "skinrd_sizes_sweep.toml";
  {
    std::ofstream out(file);
    out << "scenario = \"" << kScenario << "\"\n[sweep]\n";
    for (int key = 0; key < 6; ++key) {
      out << "\"intradermal.0.key" << key << "\" = [";
      for (int v = 0; v < 40; ++v) out << (v ? ", " : "") << v;
      out << "]\n";
    }
  }
  const auto start = Clock::now();
  const ConfigError e = config_error([&] { scenario::load_ensemble(file.string(), ""); });
  EXPECT_LT(seconds_since(start), 0.5);
  expect_contains(e.key(), "sweep");
  expect_contains(e.what(), "x 40 x 40 x 40 x 40 x 40 x 40 values");
  expect_contains(e.what(), "intradermal.0.key0, intradermal.0.key1");
  expect_contains(e.what(), "4.096e+09 members, more than the limit of 100000");
  fs::remove(file);
}

// Finding 11: a duration of 1e300 s was printed as a 66-digit number without a unit.
TEST(Sizes, StepCountBeyondADoublesResolutionIsRefused) {
  const scenario::Scenario s = load({"run.duration=\"1e300 s\"", "run.output_interval=\"1e299 s\""});
  std::ostringstream out;
  const ConfigError e = config_error([&] { run::check_scenario(s, out, "cpu"); });
  EXPECT_EQ(e.key(), "run.duration");
  expect_contains(e.what(), "more than 2^53");
  const scenario::Scenario fixed = load({"run.duration=\"1e300 s\"",
                                         "run.output_interval=\"1e299 s\"", "run.dt=\"1 s\""});
  EXPECT_EQ(config_error([&] { run::check_scenario(fixed, out, "cpu"); }).key(), "run.dt");
}

TEST(Sizes, CheckGivesEstimatesWithUnitsFromTheRunsStep) {
  const scenario::Scenario s = load({"run.dt=\"10 min\"", "run.duration=\"2 d\""});
  std::ostringstream out;
  run::check_scenario(s, out, "cpu");
  expect_contains(out.str(), "scheme adi: 288 steps of 10.0 min (the fixed run.dt)");
  expect_contains(out.str(), "explicit stability limit 1.23 min");
  expect_contains(out.str(), "estimated run time on 2 CPU cores: ");
  const std::string estimate = out.str().substr(out.str().find("2 CPU cores: ") + 13);
  EXPECT_TRUE(estimate.rfind(" s\n") != std::string::npos ||
              estimate.rfind(" min\n") != std::string::npos)
      << estimate;
}

// A century of hourly outputs: about 10 GB of CSV and a gigabyte of records, and days of running.
TEST(Sizes, CheckWarnsOfALongRunsDiskRecordsAndTime) {
  const scenario::Scenario s =
      load({"run.duration=\"36525 d\"", "run.output_interval=\"1 h\"", "tissue.dx=\"100 um\""});
  std::ostringstream out;
  run::check_scenario(s, out, "cpu");
  const std::string text = out.str();
  // Hourly, and 6 more in the hour after the injection (1, 2, 5, 10, 20, 50 min).
  expect_contains(text, "outputs 876607 times; on disk about");
  expect_contains(text, "warning: the outputs take about");
  expect_contains(text, "warning: the run keeps 876607 records per species in host memory");
  expect_contains(text, "warning: the run may take more than a day on this machine");
}

}  // namespace
