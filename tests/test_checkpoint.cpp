// Checkpoint and resume: a run stopped at a chosen point (mid-chunk, before an event, right
// after a rejected step, in an ensemble) and resumed from its checkpoint gives, to the last bit,
// what the uninterrupted run gives: every ledger amount at every output, and the same bytes in
// metrics.csv, profiles.csv and every .vtr. A checkpoint of another scenario is refused.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "host/error.hpp"
#include "host/output/vtk_writer.hpp"
#include "host/run/checkpoint.hpp"
#include "host/run/runner.hpp"
#include "host/scenario/ensemble.hpp"
#include "host/scenario/library.hpp"
#include "host/scenario/scenario.hpp"

namespace {

namespace fs = std::filesystem;
using namespace skinrd;
const std::string kSource = SKINRD_SOURCE_DIR;
const fs::path kOut = fs::path(SKINRD_TEST_OUTPUT_DIR) / "checkpoint_runs";

const scenario::Library& library() {
  static const scenario::Library lib = scenario::load_library(kSource + "/scenarios/library");
  return lib;
}

// A shipped route at a coarse grid, `duration` long, with hourly outputs.
std::vector<std::string> coarse(const std::string& duration, const std::string& dt = "") {
  std::vector<std::string> o = {"run.duration=\"" + duration + "\"", "run.output_interval=\"30 min\"",
                                "tissue.dx=\"100 um\"", "tissue.layers.papillary_dermis.dz=\"25 um\"",
                                "tissue.layers.reticular_dermis.dz=\"100 um\"",
                                "tissue.layers.hypodermis.dz=\"250 um\""};
  if (!dt.empty()) o.push_back("run.dt=\"" + dt + "\"");
  return o;
}

scenario::Scenario route(const std::string& name, const std::vector<std::string>& overrides) {
  return scenario::load_scenario(kSource + "/scenarios/compare_routes/" + name + ".toml", overrides,
                                 library());
}

run::RunOptions options_for(const std::string& dir) {
  run::RunOptions options;
  options.out_dir = (kOut / dir).string();
  options.force = true;
  options.checkpoint_interval_s = 0;  // only where a test stops it
  fs::remove_all(options.out_dir);
  fs::create_directories(kOut);
  return options;
}

std::string bytes_of(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every double of every record, compared bit for bit.
void expect_identical(const std::vector<std::vector<run::OutputRecord>>& a,
                      const std::vector<std::vector<run::OutputRecord>>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t s = 0; s < a.size(); ++s) {
    ASSERT_EQ(a[s].size(), b[s].size());
    for (std::size_t t = 0; t < a[s].size(); ++t) {
      const SpeciesLedger &x = a[s][t].ledger, &y = b[s][t].ledger;
      const std::vector<double> xs = {x.dosed, x.removed, x.entered_top, x.added_by_source, x.degraded,
                                      x.cleared, x.lost_bottom, x.bound_net, x.internalised,
                                      a[s][t].time_s, a[s][t].penetration_depth_um};
      const std::vector<double> ys = {y.dosed, y.removed, y.entered_top, y.added_by_source, y.degraded,
                                      y.cleared, y.lost_bottom, y.bound_net, y.internalised,
                                      b[s][t].time_s, b[s][t].penetration_depth_um};
      EXPECT_EQ(0, std::memcmp(xs.data(), ys.data(), xs.size() * sizeof(double))) << "species " << s << " output " << t;
      EXPECT_EQ(x.free_by_layer, y.free_by_layer);
      EXPECT_EQ(x.bound_by_layer, y.bound_by_layer);
      EXPECT_EQ(x.internalised_by_layer, y.internalised_by_layer);
    }
  }
}

void expect_same_files(const fs::path& a, const fs::path& b) {
  int compared = 0;
  for (const auto& entry : fs::directory_iterator(a)) {
    const std::string name = entry.path().filename().string();
    const bool output = name == "metrics.csv" || name == "profiles.csv" || name == "fields.pvd" ||
                        entry.path().extension() == ".vtr";
    if (!output) continue;
    ASSERT_TRUE(fs::exists(b / name)) << name;
    EXPECT_TRUE(bytes_of(entry.path()) == bytes_of(b / name)) << name << " differs";
    ++compared;
  }
  EXPECT_GE(compared, 2);
  EXPECT_FALSE(fs::exists(b / run::kCheckpointFile)) << "a finished run keeps no checkpoint";
}

// Runs `s` whole, then stopped where `stop` says and resumed; both must agree to the bit.
void check_resume(const scenario::Scenario& s, const std::string& name,
                  std::function<bool(const run::RunProgress&)> stop) {
  std::ostringstream progress;
  const run::RunReport whole = run::run_scenario(s, options_for(name + "_whole"), progress);

  run::RunOptions stopped = options_for(name + "_resumed");
  stopped.stop_when = stop;
  EXPECT_THROW(run::run_scenario(s, stopped, progress), RunInterrupted);
  ASSERT_TRUE(fs::exists(fs::path(stopped.out_dir) / run::kCheckpointFile));
  const run::CheckpointHeader header = run::read_checkpoint_header(stopped.out_dir);
  EXPECT_GT(header.time_s, 0);
  EXPECT_LT(header.time_s, s.run.duration_s);

  run::RunOptions resumed = stopped;
  resumed.stop_when = nullptr;
  resumed.resume = true;
  const run::RunReport rest = run::run_scenario(s, resumed, progress);
  expect_identical(whole.records, rest.records);
  expect_same_files(kOut / (name + "_whole"), stopped.out_dir);
}

TEST(Checkpoint, ResumeWithTheControllerBeforeTheNeedlesComeOutIsBitIdentical) {
  // The patch comes off at 30 min: the run stops at 20 min, inside a chunk of controller steps.
  const auto s = route("microneedle", coarse("2 h"));
  check_resume(s, "needles", [](const run::RunProgress& p) { return p.time_s >= 20 * 60; });
}

TEST(Checkpoint, ResumeRightAfterARejectedStepIsBitIdentical) {
  const auto s = route("microneedle", coarse("2 h"));
  check_resume(s, "rejected", [](const run::RunProgress& p) { return p.rejected_steps > 0; });
}

TEST(Checkpoint, ResumeWithAFixedStepIsBitIdentical) {
  const auto s = route("topical", coarse("3 h", "2 min"));
  check_resume(s, "fixed_dt", [](const run::RunProgress& p) { return p.steps >= 37; });
}

TEST(Checkpoint, EnsembleResumesBitIdentical) {
  fs::create_directories(kOut);
  const fs::path file = kOut / "ensemble.toml";
  std::ofstream(file) << "scenario = \"" << kSource << "/scenarios/compare_routes/intradermal.toml\"\n"
                      << "[[member]]\nname = \"reference\"\n[[member]]\nname = \"more_vegf\"\n"
                         "set = { \"intradermal.0.concentration\" = \"30 ug/mL\" }\n";
  const auto spec = scenario::load_ensemble(file.string(), "");
  const auto members = scenario::load_members(spec, coarse("2 h", "2 min"), library());
  std::ostringstream progress;
  const auto whole = run::run_ensemble(spec, members, options_for("ensemble_whole"), progress);
  run::RunOptions stopped = options_for("ensemble_resumed");
  stopped.stop_when = [](const run::RunProgress& p) { return p.time_s >= 50 * 60; };
  EXPECT_THROW(run::run_ensemble(spec, members, stopped, progress), RunInterrupted);
  run::RunOptions resumed = stopped;
  resumed.stop_when = nullptr;
  resumed.resume = true;
  const auto rest = run::run_ensemble(spec, members, resumed, progress);
  ASSERT_EQ(rest.records.size(), 2u);
  for (std::size_t m = 0; m < 2; ++m) {
    expect_identical(whole.records[m], rest.records[m]);
    expect_same_files(kOut / "ensemble_whole" / whole.names[m], fs::path(stopped.out_dir) / rest.names[m]);
  }
}

TEST(Checkpoint, AnotherScenarioOrADamagedFileIsRefusedWithTheReason) {
  const auto s = route("topical", coarse("2 h", "2 min"));
  run::RunOptions stopped = options_for("refused");
  stopped.stop_when = [](const run::RunProgress& p) { return p.time_s >= 40 * 60; };
  std::ostringstream progress;
  EXPECT_THROW(run::run_scenario(s, stopped, progress), RunInterrupted);

  run::RunOptions resumed = stopped;
  resumed.stop_when = nullptr;
  resumed.resume = true;
  auto changed_options = coarse("2 h", "2 min");
  changed_options.push_back("tissue.dx=\"50 um\"");
  const auto changed = route("topical", changed_options);
  try {
    run::run_scenario(changed, resumed, progress);
    FAIL() << "a changed scenario resumed";
  } catch (const IoError& error) {
    EXPECT_NE(std::string(error.what()).find("is not the one the checkpoint ran"), std::string::npos)
        << error.what();
  }
  // The refusal leaves the run resumable; a damaged checkpoint is refused as such.
  const fs::path checkpoint = fs::path(stopped.out_dir) / run::kCheckpointFile;
  std::string bytes = bytes_of(checkpoint);
  std::ofstream(checkpoint, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  try {
    run::run_scenario(s, resumed, progress);
    FAIL() << "a truncated checkpoint resumed";
  } catch (const IoError& error) {
    EXPECT_NE(std::string(error.what()).find("truncated or damaged"), std::string::npos) << error.what();
  }
  std::ofstream(checkpoint, std::ios::binary) << "not a checkpoint at all";
  EXPECT_THROW(run::read_checkpoint_header(stopped.out_dir), IoError);
}

}  // namespace

namespace {

// Progress comes between steps, not only between chunks (issue 16, finding 11): with a step of
// 0.01 s a chunk of a 2 h run is 3600 steps, stopped here after 300, and lines still come, with dt.
TEST(Progress, LinesComeWithinAChunkWithTheCurrentStep) {
  const auto s = route("topical", coarse("2 h", "0.01 s"));
  run::RunOptions options = options_for("progress");
  options.progress_interval_s = 0;  // every step
  options.stop_when = [](const run::RunProgress& p) { return p.steps >= 300; };
  std::ostringstream progress;
  EXPECT_THROW(run::run_scenario(s, options, progress), RunInterrupted);
  const std::string text = progress.str();
  std::size_t lines = 0;
  for (std::size_t at = text.find("t = "); at != std::string::npos; at = text.find("t = ", at + 1)) ++lines;
  EXPECT_GE(lines, 100u) << text.substr(0, 2000);
  EXPECT_NE(text.find("dt 10.0 ms"), std::string::npos) << text.substr(0, 2000);
}

}  // namespace
