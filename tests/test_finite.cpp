// Nothing silently wrong (issue 16, findings 4 and 5): non-finite inputs are refused with the
// user's key and line; what float fields cannot hold (a dose per voxel, D·dt/dx²) is refused at
// load and check; a run whose fields turn non-finite stops with NumericalError naming the species,
// layer and cause; summaries and tables carry NaN instead of dropping it.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "host/compare/tables.hpp"
#include "host/error.hpp"
#include "host/run/finite_check.hpp"
#include "host/run/metrics.hpp"
#include "host/run/problem_builder.hpp"
#include "host/run/record_columns.hpp"
#include "host/run/runner.hpp"
#include "host/scenario/scenario.hpp"
#include "tests/scenario_run.hpp"

namespace {

namespace fs = std::filesystem;
using namespace skinrd;
using namespace skinrd::scenario;

const std::string kSource = SKINRD_SOURCE_DIR;
const std::string kIntradermal = kSource + "/scenarios/intradermal_exosome.toml";
const std::string kTopical = kSource + "/scenarios/compare_routes/topical.toml";
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const Library& library() {
  static const Library loaded = load_library(kSource + "/scenarios/library");
  return loaded;
}

// The intradermal exosome scenario on a coarse grid for 10 min in fixed 60 s ADI steps.
std::vector<std::string> quick(std::vector<std::string> more = {}) {
  std::vector<std::string> overrides = {
      "run.duration=\"10 min\"", "run.output_interval=\"5 min\"", "run.dt=\"60 s\"",
      "tissue.dx=\"50 um\"", "intradermal.0.volume=\"0.002 uL\""};
  overrides.insert(overrides.end(), more.begin(), more.end());
  return overrides;
}
const std::string kHugeD = "species.exosome.papillary_dermis.diffusion=\"1e12 um^2/s\"";

// The line of `text` in a file (1-based), 0 when absent.
int line_of(const std::string& path, const std::string& text) {
  std::ifstream in(path);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n)
    if (line.find(text) != std::string::npos) return n;
  return 0;
}

// A copy of `path` in the temporary directory with one line replaced.
std::string edited_copy(const std::string& path, const std::string& from, const std::string& to,
                        const std::string& name) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  s.replace(at, from.size(), to);
  const fs::path copy = fs::temp_directory_path() / name;
  std::ofstream(copy) << s;
  return copy.string();
}

template <class Load>
ConfigError config_error_of(Load load) {
  try {
    load();
  } catch (const ConfigError& error) {
    return error;
  }
  ADD_FAILURE() << "no ConfigError";
  return ConfigError("", "");
}

// Finding 5: `aspect = inf` put a whole bleb into the top voxel; now refused at load.
TEST(Finite, InfiniteAspectInTheFileIsRefusedWithKeyAndLine) {
  const std::string copy = edited_copy(kIntradermal, "aspect = 0.5", "aspect = inf", "aspect_inf.toml");
  const ConfigError error = config_error_of([&] { load_scenario(copy, {}, library()); });
  EXPECT_EQ(error.key(), "intradermal[0].aspect");
  EXPECT_EQ(error.line(), line_of(copy, "aspect = inf"));
  EXPECT_NE(std::string(error.what()).find("finite"), std::string::npos) << error.what();
}

// Finding 5: `partition = inf` passed check and failed in run with an internal key name.
TEST(Finite, InfinitePartitionIsRefusedAtLoadWithTheUsersKey) {
  const std::string copy = edited_copy(kTopical, "diffusion = \"50 um^2/s\"",
                                       "diffusion = \"50 um^2/s\"\npartition = inf", "partition_inf.toml");
  const ConfigError error = config_error_of([&] { load_scenario(copy, {}, library()); });
  EXPECT_EQ(error.key(), "topical[0].partition");
  EXPECT_EQ(error.line(), line_of(copy, "partition = inf"));
}

TEST(Finite, NonFiniteOverridesAreRefused) {
  for (const std::string value : {"inf", "-inf", "nan", "\"inf\""}) {
    const ConfigError error = config_error_of(
        [&] { load_scenario(kIntradermal, {"intradermal.0.aspect=" + value}, library()); });
    EXPECT_EQ(error.key(), "intradermal[0].aspect") << value;
  }
  // A finite number whose conversion to internal units overflows is refused too.
  const ConfigError error = config_error_of(
      [&] { load_scenario(kTopical, {"topical.0.diffusion=\"1e308 cm^2/s\""}, library()); });
  EXPECT_EQ(error.key(), "topical[0].diffusion");
}

// Finding 4: D = 1e12 um^2/s in float went NaN from the second output on and exited 0. Now
// `check` and `run` refuse it, naming the species and the layer; double runs.
TEST(Finite, HugeDiffusionInFloatIsRefusedByCheckAndRun) {
  const Scenario s = load_scenario(kIntradermal, quick({kHugeD}), library());
  std::ostringstream out;
  try {
    run::check_scenario(s, out, "cpu");
    FAIL() << "check called it valid:\n" << out.str();
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.key(), "run.precision");
    const std::string what = error.what();
    EXPECT_NE(what.find("exosome"), std::string::npos) << what;
    EXPECT_NE(what.find("papillary_dermis"), std::string::npos) << what;
    EXPECT_NE(what.find("D*dt/dx^2"), std::string::npos) << what;
  }
  EXPECT_THROW(test_support::run_in_temp(s, "skinrd_finite_huge_d"), ConfigError);
  const Scenario in_double =
      load_scenario(kIntradermal, quick({kHugeD, "run.precision=\"double\""}), library());
  EXPECT_TRUE(run::float_limit_problems(in_double, run::build_problem(in_double)).empty());
}

// Finding 4: a dose of 1e38 per mL in float overflowed the fields; refused, and runs in double.
TEST(Finite, DoseBeyondFloatIsRefusedAndRunsInDouble) {
  const std::string dose = "intradermal.0.concentration=\"1e38 particles/mL\"";
  const Scenario s = load_scenario(kIntradermal, quick({dose}), library());
  const auto problems = run::float_limit_problems(s, run::build_problem(s));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("dose"), std::string::npos) << problems[0];
  std::ostringstream out;
  EXPECT_THROW(run::check_scenario(s, out, "cpu"), ConfigError);
  const Scenario in_double = load_scenario(kIntradermal, quick({dose, "run.precision=\"double\""}), library());
  const auto report = test_support::run_in_temp(in_double, "skinrd_finite_dose_double");
  const auto& last = report.records.at(0).back();
  EXPECT_TRUE(std::isfinite(last.ledger.stored())) << last.ledger.stored();
  EXPECT_LT(last.ledger_residual, 1e-6);
  // The shipped scenarios' doses and steps are far inside float's limits.
  const Scenario shipped = load_scenario(kIntradermal, {}, library());
  EXPECT_TRUE(run::float_limit_problems(shipped, run::build_problem(shipped)).empty());
}

// The detector itself: float fields stepped with D·dt/dz² ~ 6e11 turn NaN; require_finite
// names the species, the layer and the cause.
TEST(Finite, NonFiniteFieldsStopWithNumericalErrorNamingSpeciesLayerAndCause) {
  const Scenario s = load_scenario(kIntradermal, quick({kHugeD}), library());
  Simulation<float> sim(run::build_problem(s), BackendKind::cpu, Scheme::adi);
  const Grid& grid = sim.problem().grid;
  std::vector<float> c(grid.voxel_count(), 0.0f);
  const int k = grid.layers.at(2).k_begin + 3;  // papillary dermis
  c[grid.index(grid.nx / 2, grid.ny / 2, k)] = 1e10f;
  sim.set_concentration(0, c);
  EXPECT_NO_THROW(run::require_finite(sim, s.run));
  sim.advance_to(600, 60);
  try {
    run::require_finite(sim, s.run);
    FAIL() << "the fields stayed finite; the test needs a case that is not";
  } catch (const NumericalError& error) {
    const std::string what = error.what();
    EXPECT_NE(what.find("exosome"), std::string::npos) << what;
    EXPECT_NE(what.find("papillary_dermis"), std::string::npos) << what;
    EXPECT_NE(what.find("t = 600 s"), std::string::npos) << what;
    EXPECT_NE(what.find("D*dt/dx^2 is 6e+11 in papillary_dermis"), std::string::npos) << what;
  }
}

// The run itself stops: D = 1e200 um^2/s overflows even double's sweeps. The run throws
// NumericalError (exit 2) after the first chunk; the t = 0 outputs stay, no summary is written.
TEST(Finite, ARunThatTurnsNonFiniteStopsAndKeepsItsOutputs) {
  const Scenario s = load_scenario(
      kIntradermal,
      quick({"species.exosome.papillary_dermis.diffusion=\"1e200 um^2/s\"", "run.precision=\"double\"",
             "output.vtk=false"}),
      library());
  const fs::path dir = fs::temp_directory_path() / "skinrd_finite_stops";
  try {
    test_support::run_in_temp(s, "skinrd_finite_stops");
    FAIL() << "the run finished";
  } catch (const NumericalError& error) {
    const std::string what = error.what();
    EXPECT_NE(what.find("exosome"), std::string::npos) << what;
    EXPECT_NE(what.find("D*dt/dx^2 is 6e+199 in papillary_dermis"), std::string::npos) << what;
  }
  std::ifstream metrics(dir / "metrics.csv");
  std::string header, first, more;
  std::getline(metrics, header);
  std::getline(metrics, first);
  EXPECT_EQ(first.substr(0, 2), "0,") << first;
  EXPECT_FALSE(std::getline(metrics, more)) << more;
  EXPECT_FALSE(fs::exists(dir / "summary.json"));
}

run::OutputRecord record(double t_s, double residual, double mean_concentration) {
  run::OutputRecord r;
  r.time_s = t_s;
  r.ledger.species = "VEGF";
  r.ledger.dosed = 1;
  r.ledger_residual = residual;
  run::LayerRecord layer;
  layer.name = "papillary_dermis";
  layer.free = mean_concentration;
  layer.mean_free_concentration = mean_concentration;
  r.layers = {layer};
  r.ledger.free_by_layer = {layer.free};
  r.ledger.bound_by_layer = {0};
  r.ledger.internalised_by_layer = {0};
  return r;
}

// Finding 4: summary.json said max_ledger_residual 0.0 for NaN ledgers (std::max drops NaN).
TEST(Finite, SummaryOfNaNRecordsIsNaN) {
  const std::vector<run::OutputRecord> records = {record(0, 0, 0), record(3600, kNaN, kNaN),
                                                  record(7200, 1e-9, 0.5)};
  const run::SpeciesSummary sum = run::summarise(records, "papillary_dermis", "ng", "ng/mL");
  EXPECT_TRUE(std::isnan(sum.max_ledger_residual));
  EXPECT_TRUE(std::isnan(sum.layers.at(0).peak_mean_concentration));
  EXPECT_TRUE(std::isnan(sum.layers.at(0).auc_conc_s));
  EXPECT_TRUE(std::isnan(sum.peak_fraction_dermis));
  // Finite records still give finite numbers.
  const run::SpeciesSummary fine =
      run::summarise({record(0, 0, 0), record(3600, 1e-9, 0.5)}, "papillary_dermis", "ng", "ng/mL");
  EXPECT_DOUBLE_EQ(fine.max_ledger_residual, 1e-9);
  EXPECT_DOUBLE_EQ(fine.layers.at(0).peak_mean_concentration, 0.5);
}

// Finding 4: compare printed residual 0 and -nan. Every table and CSV now prints "nan".
TEST(Finite, TablesAndCsvPrintNaNAsNan) {
  std::ostringstream csv;
  csv << run::CsvNumber{-kNaN} << ',' << run::CsvNumber{kNaN} << ',' << run::CsvNumber{0.25};
  EXPECT_EQ(csv.str(), "nan,nan,0.25");

  compare::Comparison comparison;
  comparison.window_s = 7200;
  comparison.labels = {"a"};
  comparison.run_dirs = {"a"};
  comparison.layer_names = {"papillary_dermis"};
  comparison.species = {{"VEGF", "VEGF-A165", "ng", "ng/mL", "papillary_dermis", 1}};
  run::SpeciesSummary sum = run::summarise({record(0, 0, 0), record(3600, -kNaN, -kNaN)},
                                           "papillary_dermis", "ng", "ng/mL");
  comparison.rows = {{"a", "a", "VEGF", sum}};
  std::ostringstream tables;
  compare::print_tables(comparison, tables);
  EXPECT_EQ(tables.str().find("-nan"), std::string::npos) << tables.str();
  EXPECT_NE(tables.str().find("nan"), std::string::npos) << tables.str();
  // The route table's last column is the ledger residual: "nan", not 0.
  const std::string text = tables.str();
  const auto row = text.find("\na ");
  ASSERT_NE(row, std::string::npos) << text;
  const std::string line = text.substr(row + 1, text.find('\n', row + 1) - row - 1);
  EXPECT_EQ(line.substr(line.size() - 3), "nan") << line;
}

}  // namespace
