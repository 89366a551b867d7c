// `skinrd run --ensemble`: members stepped together in one Simulation give each member the
// run it would get alone (to the last bit where their stops and steps are the same, within
// the time-step error where another member's events add stops), every member's ledger
// balances, its outputs are its own, and members that cannot share a grid and a time loop are
// refused by name. The ensemble file: the sweep's combinations, names and errors.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "host/delivery/microneedle_patch.hpp"
#include "host/error.hpp"
#include "host/output/run_directory.hpp"
#include "host/run/ensemble.hpp"
#include "host/run/runner.hpp"
#include "host/scenario/ensemble.hpp"

namespace {

namespace fs = std::filesystem;
using namespace skinrd;
const std::string kSource = SKINRD_SOURCE_DIR;
const fs::path kOut = fs::path(SKINRD_TEST_OUTPUT_DIR) / "ensemble_runs";

// The shipped route scenarios at a coarse grid, 2 h, fixed 2 min steps.
std::vector<std::string> small(const std::string& dt = "2 min") {
  // Regular outputs only: the records are indexed by time below.
  return {"run.duration=\"2 h\"", "run.output_interval=\"30 min\"", "run.dt=\"" + dt + "\"",
          "output.dense_after_events=false",
          "tissue.dx=\"100 um\"", "tissue.layers.papillary_dermis.dz=\"25 um\"",
          "tissue.layers.reticular_dermis.dz=\"100 um\"", "tissue.layers.hypodermis.dz=\"250 um\""};
}

const scenario::Library& library() {
  static const scenario::Library lib = scenario::load_library(kSource + "/scenarios/library");
  return lib;
}

fs::path write_file(const std::string& name, const std::string& text) {
  fs::create_directories(kOut);
  const fs::path path = kOut / name;
  std::ofstream(path) << text;
  return path;
}

scenario::EnsembleSpec spec_of(const std::string& name, const std::string& text) {
  return scenario::load_ensemble(write_file(name, text).string(), "");
}

run::RunOptions options_for(const std::string& dir) {
  run::RunOptions options;
  options.out_dir = (kOut / dir).string();
  options.force = true;
  fs::remove_all(options.out_dir);
  return options;
}

struct Ran {
  scenario::EnsembleSpec spec;
  std::vector<scenario::Scenario> members;
  run::EnsembleReport report;
};

Ran run_ensemble_file(const std::string& name, const std::string& text,
                      const std::vector<std::string>& overrides) {
  Ran ran;
  ran.spec = spec_of(name + ".toml", text);
  ran.members = scenario::load_members(ran.spec, overrides, library());
  std::ostringstream progress;
  ran.report = run::run_ensemble(ran.spec, ran.members, options_for(name), progress);
  return ran;
}

std::vector<std::vector<run::OutputRecord>> run_alone(const scenario::Scenario& s,
                                                      const std::string& dir) {
  std::ostringstream progress;
  return run::run_scenario(s, options_for(dir), progress).records;
}

// Every amount of the ledger, by layer and by tally.
std::vector<double> amounts(const run::OutputRecord& r) {
  const SpeciesLedger& g = r.ledger;
  std::vector<double> all = {g.dosed, g.removed, g.entered_top, g.added_by_source, g.degraded,
                             g.cleared, g.lost_bottom, g.bound_net, g.internalised};
  for (const auto* layer : {&g.free_by_layer, &g.bound_by_layer, &g.internalised_by_layer})
    all.insert(all.end(), layer->begin(), layer->end());
  return all;
}

// The largest difference of any amount at any output time, relative to the dose.
double max_difference(const std::vector<std::vector<run::OutputRecord>>& a,
                      const std::vector<std::vector<run::OutputRecord>>& b) {
  EXPECT_EQ(a.size(), b.size());
  double worst = 0;
  for (std::size_t s = 0; s < a.size(); ++s) {
    EXPECT_EQ(a[s].size(), b[s].size());
    const double dose = b[s].back().ledger.inputs();
    for (std::size_t t = 0; t < std::min(a[s].size(), b[s].size()); ++t) {
      EXPECT_EQ(a[s][t].time_s, b[s][t].time_s);
      const auto x = amounts(a[s][t]), y = amounts(b[s][t]);
      for (std::size_t n = 0; n < x.size(); ++n) worst = std::max(worst, std::abs(x[n] - y[n]) / dose);
    }
  }
  return worst;
}

const std::string kIntradermal = "scenario = \"" + kSource + "/scenarios/compare_routes/intradermal.toml\"\n";

TEST(Ensemble, MembersGetTheRunTheyWouldGetAlone) {
  // Coefficients and doses differ; every stop and step is the same, so the runs are the same
  // to the last bit.
  const Ran ran = run_ensemble_file("same_stops", kIntradermal + R"(
[[member]]
name = "reference"
[[member]]
name = "more_vegf"
set = { "intradermal.0.concentration" = "30 ug/mL" }
[[member]]
name = "slow_exosomes"
set = { "species.exosome.papillary_dermis.diffusion" = "0.2 um^2/s", "species.exosome.reticular_dermis.diffusion" = "0.2 um^2/s" }
)", small());
  ASSERT_EQ(ran.report.records.size(), 3u);
  for (std::size_t m = 0; m < ran.members.size(); ++m) {
    const auto alone = run_alone(ran.members[m], "alone_" + ran.report.names[m]);
    EXPECT_EQ(max_difference(ran.report.records[m], alone), 0.0) << ran.report.names[m];
    for (const auto& species : ran.report.records[m])
      for (const auto& r : species) EXPECT_LT(r.ledger_residual, 1e-5);
  }
  // The members differ where their inputs do: three times the VEGF, slower exosomes.
  const auto& vegf = ran.report.records;
  EXPECT_NEAR(vegf[1][0].back().ledger.inputs() / vegf[0][0].back().ledger.inputs(), 3.0, 1e-6);
  const auto deepest = [](const run::OutputRecord& r) { return r.penetration_depth_um; };
  EXPECT_LE(deepest(vegf[2][1].back()), deepest(vegf[0][1].back()));
  EXPECT_NE(max_difference({vegf[2][1]}, {vegf[0][1]}), 0.0);
}

TEST(Ensemble, MembersWithTheirOwnScheduleAgreeWithTheirRunsAlone) {
  // An injection 30 min later adds stops (and start-up steps) to the other members' time loop:
  // their steps differ, so they agree within the time-stepping error, which the same member
  // run alone at half the step measures.
  const std::string ensemble = kIntradermal + R"(
[[member]]
name = "now"
[[member]]
name = "later"
set = { "intradermal.0.at" = "30 min", "intradermal.1.at" = "45 min" }
)";
  const Ran ran = run_ensemble_file("own_schedule", ensemble, small("2 min"));
  const Ran fine = run_ensemble_file("own_schedule_fine", ensemble, small("1 min"));
  for (std::size_t m = 0; m < ran.members.size(); ++m) {
    const auto alone = run_alone(ran.members[m], "alone_schedule_" + ran.report.names[m]);
    const auto alone_fine = run_alone(fine.members[m], "alone_schedule_fine_" + ran.report.names[m]);
    const double step_error = max_difference(alone, alone_fine);
    const double difference = max_difference(ran.report.records[m], alone);
    EXPECT_GT(step_error, 0.0);
    EXPECT_LT(difference, 2 * step_error) << ran.report.names[m] << ": step error " << step_error;
    std::cout << ran.report.names[m] << ": ensemble vs alone " << difference
              << " of the dose; alone at dt vs dt/2 " << step_error << "\n";
  }
  // Nothing of the later member's dose is there before its injection.
  const auto& later = ran.report.records[1];
  EXPECT_EQ(later[0][0].ledger.inputs(), 0.0);  // t = 0
  EXPECT_EQ(later[1][1].ledger.inputs(), 0.0);  // t = 30 min: the exosomes come at 45 min
  EXPECT_GT(later[0][1].ledger.inputs(), 0.0);  // VEGF at 30 min
}

TEST(Ensemble, ConstantFilmMembersUnderTheStepControllerAgreeWithTheirRunsAlone) {
  // A constant-concentration film (a fixed top shared by the members, each with its own top
  // concentration) and the accuracy controller taking one step for all members: each member
  // agrees with its run alone within the time-stepping error, measured as the run alone at
  // tolerance 1e-3 against 1e-4.
  const std::string ensemble = "scenario = \"" + kSource + "/tests/scenarios/film_through_leaky_sc.toml\"\n" + R"(
[[member]]
name = "base"
[[member]]
name = "richer"
set = { "topical.0.concentration" = "300 ng/mL" }
[[member]]
name = "leakier"
set = { "species.VEGF.stratum_corneum.diffusion" = "2 um^2/s" }
)";
  const std::vector<std::string> adaptive = {"topical.0.constant=true", "run.dt=\"0 s\""};
  std::vector<std::string> finer = adaptive;
  finer.push_back("run.tolerance=1e-4");
  const Ran ran = run_ensemble_file("constant_film", ensemble, adaptive);
  const Ran fine = run_ensemble_file("constant_film_fine", ensemble, finer);
  for (std::size_t m = 0; m < ran.members.size(); ++m) {
    const auto alone = run_alone(ran.members[m], "alone_film_" + ran.report.names[m]);
    const auto alone_fine = run_alone(fine.members[m], "alone_film_fine_" + ran.report.names[m]);
    const double step_error = max_difference(alone, alone_fine);
    const double difference = max_difference(ran.report.records[m], alone);
    std::cout << ran.report.names[m] << ": ensemble vs alone " << difference
              << " of the input; alone at tolerance 1e-3 vs 1e-4 " << step_error << "\n";
    EXPECT_LT(difference, 2 * step_error + 1e-9) << ran.report.names[m];
    const auto& last = ran.report.records[m][0].back();
    EXPECT_GT(last.ledger.entered_top, 0.0);  // through the fixed top
    for (const auto& r : ran.report.records[m][0]) EXPECT_LT(r.ledger_residual, 1e-9);
  }
  // Three times the film concentration puts three times as much in (a linear problem while
  // VEGF's binding sites are far from full).
  const double base = ran.report.records[0][0].back().ledger.entered_top;
  EXPECT_NEAR(ran.report.records[1][0].back().ledger.entered_top / base, 3.0, 0.05);
  EXPECT_GT(ran.report.records[2][0].back().ledger.entered_top, base);
}

TEST(Ensemble, PatchMembersShareTheNeedlesAndReleaseTheirOwnPayload) {
  const Ran ran = run_ensemble_file(
      "patch", "scenario = \"" + kSource + "/scenarios/compare_routes/microneedle.toml\"\n" + R"(
[[member]]
name = "fast"
[[member]]
name = "slow"
set = { "microneedle.0.dissolution_time" = "40 min", "microneedle.1.payload" = "3e7 particles/needle" }
)", small());
  for (std::size_t m = 0; m < ran.members.size(); ++m) {
    const auto alone = run_alone(ran.members[m], "alone_patch_" + ran.report.names[m]);
    EXPECT_EQ(max_difference(ran.report.records[m], alone), 0.0) << ran.report.names[m];
  }
  // Released while worn (30 min): 1 − e^{−30/10} of the payload, and 1 − e^{−30/40}.
  const double vegf_fast = ran.report.records[0][0].back().ledger.added_by_source;
  const double vegf_slow = ran.report.records[1][0].back().ledger.added_by_source;
  EXPECT_NEAR(vegf_slow / vegf_fast, -std::expm1(-0.75) / -std::expm1(-3.0), 1e-6);
  const double exo_fast = ran.report.records[0][1].back().ledger.added_by_source;
  const double exo_slow = ran.report.records[1][1].back().ledger.added_by_source;
  EXPECT_NEAR(exo_slow / exo_fast, 3.0, 1e-6);
}

TEST(Ensemble, EachMemberHasItsOwnRunDirectoryAndTheTableListsThem) {
  const Ran ran = run_ensemble_file("outputs", kIntradermal + R"(
[sweep]
"intradermal.0.concentration" = ["5 ug/mL", "10 ug/mL"]
"intradermal.1.resorption_half_life" = ["10 min", "18 min", "28 min"]
)", small());
  ASSERT_EQ(ran.spec.members.size(), 6u);
  const fs::path dir = kOut / "outputs";
  for (const auto& member : ran.spec.members) {
    for (const char* file : {"metrics.csv", "profiles.csv", "summary.json", "scenario.toml", "provenance.json"})
      EXPECT_TRUE(fs::exists(dir / member.name / file)) << member.name << "/" << file;
    EXPECT_FALSE(fs::exists(dir / member.name / "fields.pvd"));  // vtk = false by default
    std::ifstream in(dir / member.name / "provenance.json");
    const auto provenance = nlohmann::json::parse(in);
    EXPECT_EQ(provenance["member"], member.name);
  }
  std::ifstream csv(dir / "ensemble.csv");
  std::string line;
  int rows = 0;
  std::getline(csv, line);
  EXPECT_EQ(line.rfind("member,species,amount_unit,dose,", 0), 0u);
  while (std::getline(csv, line)) {
    ++rows;
    // Each row's dose is the member's own: summary.json says the same.
    std::stringstream fields(line);
    std::string member, species, unit, dose;
    std::getline(fields, member, ',');
    std::getline(fields, species, ',');
    std::getline(fields, unit, ',');
    std::getline(fields, dose, ',');
    std::ifstream in(dir / member / "summary.json");
    const auto summary = nlohmann::json::parse(in);
    bool found = false;
    for (const auto& s : summary["species"])
      if (s["species"] == species) {
        found = true;
        EXPECT_NEAR(std::stod(dose), s["dose_" + unit].get<double>(), 1e-9 * std::stod(dose));
      }
    EXPECT_TRUE(found) << line;
  }
  EXPECT_EQ(rows, 12);  // 6 members × 2 species
  std::ifstream in(dir / "ensemble.json");
  const auto summary = nlohmann::json::parse(in);
  EXPECT_EQ(summary["members"].size(), 6u);
  EXPECT_EQ(summary["lanes"], 12);
  // One lock and one run.json for the ensemble, listing the member folders, which --force
  // removes with the rest of the run's outputs (issue 16, finding 3).
  EXPECT_EQ(output::run_status(dir.string()), "completed");
  std::ifstream record_in(dir / "run.json");
  EXPECT_EQ(nlohmann::json::parse(record_in)["members"].size(), 6u);
  EXPECT_FALSE(fs::exists(dir / ran.spec.members[0].name / "run.json"));
  output::RunDirectory::create(dir.string(), true, "again").completed();
  for (const auto& member : ran.spec.members) EXPECT_FALSE(fs::exists(dir / member.name)) << member.name;
  EXPECT_FALSE(fs::exists(dir / "ensemble.csv"));
}

TEST(Ensemble, TheSweepIsEveryCombinationFirstKeySlowest) {
  const auto spec = spec_of("sweep.toml", kIntradermal + R"(
[[member]]
name = "a"
set = { "run.dt" = "1 min" }
[[member]]
name = "b"
[sweep]
"z" = [1, 2]
"x.y" = ["p", "q", "r"]
)");
  ASSERT_EQ(spec.members.size(), 12u);
  EXPECT_EQ(spec.members[0].name, "a-0");
  EXPECT_EQ(spec.members[5].name, "a-5");
  EXPECT_EQ(spec.members[6].name, "b-0");
  // In the file's order, not sorted by name: z first (slowest), then x.y.
  EXPECT_EQ(spec.members[0].overrides, (std::vector<std::string>{"run.dt='1 min'", "z=1", "x.y='p'"}));
  EXPECT_EQ(spec.members[4].overrides, (std::vector<std::string>{"run.dt='1 min'", "z=2", "x.y='q'"}));
  EXPECT_EQ(spec.members[11].overrides, (std::vector<std::string>{"z=2", "x.y='r'"}));
}

void expect_config_error(const std::function<void()>& action, const std::vector<std::string>& parts) {
  try {
    action();
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& error) {
    for (const auto& part : parts)
      EXPECT_NE(std::string(error.what()).find(part), std::string::npos)
          << "\"" << part << "\" not in: " << error.what();
  }
}

TEST(Ensemble, BadFilesAreRefusedWithTheKeyAndLine) {
  expect_config_error([] { spec_of("no_scenario.toml", "[[member]]\nname = \"a\"\n"); },
                      {"scenario", "is required"});
  expect_config_error([] { spec_of("bad_name.toml", kIntradermal + "[[member]]\nname = \"a/b\"\n"); },
                      {"line 3", "member[0].name", "output folder"});
  expect_config_error([] { spec_of("twice.toml", kIntradermal + "[[member]]\nname = \"a\"\n[[member]]\nname = \"a\"\n"); },
                      {"two members are named \"a\""});
  expect_config_error([] { spec_of("unknown.toml", kIntradermal + "members = 3\n"); },
                      {"members", "unknown key"});
  expect_config_error([] { spec_of("sweep_value.toml", kIntradermal + "[sweep]\n\"run.dt\" = \"1 min\"\n"); },
                      {"line 3", "sweep.run.dt", "a list of values"});
  // A member's bad override names the member and the key.
  const auto spec = spec_of("bad_override.toml", kIntradermal + R"(
[[member]]
name = "typo"
set = { "intradermal.5.depth" = "1 mm" }
)");
  expect_config_error([&] { scenario::load_members(spec, {}, library()); },
                      {"member \"typo\"", "\"intradermal\" has 2 entries", "not an entry 5"});
  const auto negative = spec_of("negative.toml", kIntradermal + R"(
[[member]]
name = "negative"
set = { "intradermal.0.volume" = "-1 uL" }
)");
  expect_config_error([&] { scenario::load_members(negative, {}, library()); },
                      {"member \"negative\"", "intradermal[0].volume"});
}

TEST(Ensemble, MembersThatCannotShareAGridOrTimeLoopAreRefused) {
  auto refused = [](const std::string& scenario_file, const std::string& set,
                    const std::vector<std::string>& parts) {
    const auto spec = spec_of("refused.toml", "scenario = \"" + kSource + scenario_file + "\"\n" +
                                                  "[[member]]\nname = \"first\"\n[[member]]\nname = \"other\"\nset = { " +
                                                  set + " }\n");
    const auto members = scenario::load_members(spec, small(), library());
    expect_config_error(
        [&] {
          std::ostringstream progress;
          run::run_ensemble(spec, members, options_for("refused"), progress);
        },
        parts);
  };
  refused("/scenarios/compare_routes/intradermal.toml", "\"tissue.dx\" = \"50 um\"",
          {"member \"other\"", "the grid", "member \"first\""});
  refused("/scenarios/compare_routes/intradermal.toml", "\"run.duration\" = \"3 h\"",
          {"member \"other\"", "[run]"});
  refused("/scenarios/compare_routes/microneedle.toml",
          "\"microneedle.0.wear\" = \"10 min\", \"microneedle.1.wear\" = \"10 min\"",
          {"member \"other\"", "microneedle[0]"});
  // Closure only sets a member's own coefficients: members may differ in it.
  const auto closure = spec_of("closure.toml", "scenario = \"" + kSource +
                                                   "/scenarios/compare_routes/microneedle.toml\"\n" +
                                                   "[[member]]\nname = \"a\"\n[[member]]\nname = \"b\"\n"
                                                   "set = { \"microneedle.0.closure_time\" = \"2 h\", \"microneedle.1.closure_time\" = \"2 h\" }\n");
  const auto closure_members = scenario::load_members(closure, small(), library());
  ASSERT_NE(closure_members[0].deliveries.get<delivery::MicroneedlePatches>().patches[0].closure_s,
            closure_members[1].deliveries.get<delivery::MicroneedlePatches>().patches[0].closure_s);
  EXPECT_NO_THROW(run::check_members_compatible(closure_members, {"a", "b"}));
  refused("/scenarios/compare_routes/intradermal.toml", "\"species.use\" = [\"exosome\", \"VEGF\"]",
          {"member \"other\"", "[species] use"});  // A bleb makes its voxels bleb material, which the members share: not at another depth.
  refused("/scenarios/compare_routes/intradermal.toml", "\"intradermal.1.depth\" = \"500 um\"",
          {"member \"other\"", "intradermal[1]", "bleb"});
}

}  // namespace
