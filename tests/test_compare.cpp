// skinrd compare on small finished runs of the shipped route set: every compared value equals
// the one recomputed here, independently, from the runs' own metrics.csv (over the common
// window); runs that cannot be compared are refused with the reason; the figures are valid
// PNGs of the size the scripts promise; report.html embeds everything it shows and renders
// in headless Chromium.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "host/compare/comparison.hpp"
#include "host/compare/figures.hpp"
#include "host/compare/glossary.hpp"
#include "host/compare/headline.hpp"
#include <nlohmann/json.hpp>
#include "host/compare/tables.hpp"
#include "host/run/runner.hpp"

namespace {

namespace fs = std::filesystem;
using namespace skinrd;
const std::string kSource = SKINRD_SOURCE_DIR;
const fs::path kRuns = fs::path(SKINRD_TEST_OUTPUT_DIR) / "compare_runs";
const std::vector<std::string> kRoutes = {"topical", "intradermal", "microneedle"};

// Small versions of the shipped set: 2 h (the microneedle run 3 h, to test the common
// window), fixed 2 min steps, coarse grid.
std::vector<std::string> small_overrides(const std::string& route) {
  return {"run.duration=\"" + std::string(route == "microneedle" ? "3 h" : "2 h") + "\"",
          "run.output_interval=\"30 min\"", "run.dt=\"2 min\"", "tissue.dx=\"100 um\"",
          "tissue.layers.papillary_dermis.dz=\"25 um\"", "tissue.layers.reticular_dermis.dz=\"100 um\"",
          "tissue.layers.hypodermis.dz=\"250 um\""};
}

// The runs are made once per build of this test (each test runs in its own process).
// ctest runs several of these processes at once: one makes the runs while the others wait
// (each run directory admits one run at a time).
void ensure_runs() {
  fs::create_directories(kRuns);
  struct Lock {
    int fd = ::open((kRuns / "making.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    Lock() { ::flock(fd, LOCK_EX); }
    ~Lock() { ::close(fd); }
  } lock;
  const fs::path marker = kRuns / "made_by";
  const std::string stamp = std::to_string(fs::last_write_time("/proc/self/exe").time_since_epoch().count());
  {
    std::ifstream in(marker);
    std::string seen;
    if (in >> seen && seen == stamp) return;
  }
  const auto library = scenario::load_library(kSource + "/scenarios/library");
  for (const auto& route : kRoutes) {
    const auto s = scenario::load_scenario(kSource + "/scenarios/compare_routes/" + route + ".toml",
                                           small_overrides(route), library);
    run::RunOptions options;
    options.out_dir = (kRuns / route).string();
    options.force = true;
    std::ostringstream progress;
    run::run_scenario(s, options, progress);
  }
  std::ofstream(marker) << stamp;
}

std::vector<compare::RunData> load_all() {
  ensure_runs();
  std::vector<compare::RunData> runs;
  for (const auto& route : kRoutes) runs.push_back(compare::load_run((kRuns / route).string()));
  return runs;
}

// A CSV file as rows of column → text.
std::vector<std::map<std::string, std::string>> read_csv(const fs::path& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  std::stringstream h(line);
  for (std::string cell; std::getline(h, cell, ',');) header.push_back(cell);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    std::stringstream r(line);
    std::map<std::string, std::string> row;
    std::size_t c = 0;
    for (std::string cell; std::getline(r, cell, ','); ++c) row[header.at(c)] = cell;
    rows.push_back(row);
  }
  return rows;
}
double num(const std::map<std::string, std::string>& row, const std::string& key) {
  const auto found = row.find(key);
  EXPECT_NE(found, row.end()) << key;
  return found == row.end() ? NAN : std::stod(found->second);
}

// The route metrics of one run and species, from its metrics.csv rows within the window,
// written out from their definitions (README: route metrics).
std::map<std::string, double> expected_from_metrics(const fs::path& run_dir, const std::string& species,
                                                    double window_h, const std::vector<std::string>& layers,
                                                    const std::string& target) {
  std::vector<std::map<std::string, std::string>> rows;
  for (auto& row : read_csv(run_dir / "metrics.csv"))
    if (row["species"] == species && std::stod(row["time_h"]) <= window_h + 1e-9) rows.push_back(row);
  std::map<std::string, double> e;
  auto stored = [&](const auto& row, const std::string& layer) {
    return num(row, layer + "_free") + num(row, layer + "_bound") + num(row, layer + "_internalised");
  };
  double dose = 0, applied = 0, peak_ve = 0, peak_ve_t = 0, peak_dermis = 0, peak_dermis_t = 0, depth = 0, residual = 0;
  double above_h = 0, exposure_h = 0;
  for (std::size_t n = 0; n < rows.size(); ++n) {
    const auto& r = rows[n];
    const double delivered = num(r, "dosed") + num(r, "entered_top") + num(r, "added_by_source");
    dose = std::max(dose, delivered);
    const double inputs = delivered + num(r, "in_device");  // shares are of the applied dose
    applied = std::max(applied, inputs);
    const double t = num(r, "time_h");
    if (inputs > 0 && stored(r, "viable_epidermis") / inputs > peak_ve)
      peak_ve = stored(r, "viable_epidermis") / inputs, peak_ve_t = t;
    const double dermis = stored(r, "papillary_dermis") + stored(r, "reticular_dermis");
    if (inputs > 0 && dermis / inputs > peak_dermis) peak_dermis = dermis / inputs, peak_dermis_t = t;
    depth = std::max(depth, num(r, "penetration_depth_um"));
    residual = std::max(residual, num(r, "ledger_residual"));
    if (n > 0) {
      const double dt = t - num(rows[n - 1], "time_h");
      const double f0 = num(rows[n - 1], target + "_frac_ge_ec"), f1 = num(r, target + "_frac_ge_ec");
      exposure_h += dt * (f0 + f1) / 2;
      if (f0 >= 0.5 && f1 >= 0.5) above_h += dt;
      else if ((f0 >= 0.5) != (f1 >= 0.5)) above_h += dt * std::abs((f0 >= 0.5 ? f0 : f1) - 0.5) / std::abs(f1 - f0);
    }
  }
  for (const auto& layer : layers) {
    double peak = 0, peak_t = 0, auc = 0;
    for (std::size_t n = 0; n < rows.size(); ++n) {
      const double c = num(rows[n], layer + "_mean_conc");
      if (c > peak) peak = c, peak_t = num(rows[n], "time_h");
      if (n > 0)
        auc += (num(rows[n], "time_h") - num(rows[n - 1], "time_h")) * (c + num(rows[n - 1], layer + "_mean_conc")) / 2;
    }
    e[layer + "_peak_mean_conc"] = peak;
    e[layer + "_peak_time_h"] = peak_t;
    e[layer + "_auc_conc_h"] = auc;
  }
  const auto& last = rows.back();
  double internalised = 0;
  for (const auto& layer : layers) internalised += num(last, layer + "_internalised");
  e["dose"] = dose;
  e["peak_fraction_viable_epidermis"] = peak_ve;
  e["peak_fraction_viable_epidermis_time_h"] = peak_ve_t;
  e["peak_fraction_dermis"] = peak_dermis;
  e["peak_fraction_dermis_time_h"] = peak_dermis_t;
  e["time_above_ec_target_h"] = above_h;
  e["exposure_target_h"] = exposure_h;
  e["max_penetration_depth_um"] = depth;
  e["dose_applied"] = applied;
  e["fraction_delivered"] = dose / applied;
  e["fraction_degraded"] = num(last, "degraded") / applied;
  e["fraction_cleared"] = num(last, "cleared") / applied;
  e["fraction_internalised"] = internalised / applied;
  e["fraction_removed"] = num(last, "removed") / applied;
  e["fraction_left_in_device"] = (num(last, "removed") + num(last, "in_device")) / applied;
  e["fraction_lost_bottom"] = num(last, "lost_bottom") / applied;
  e["max_ledger_residual"] = residual;
  e["window_h"] = window_h;
  return e;
}

TEST(Compare, EveryTableValueEqualsTheRecomputationFromMetricsCsv) {
  const auto runs = load_all();
  const compare::Comparison comparison = compare::compare_runs(runs);
  const fs::path out = fs::path(SKINRD_TEST_OUTPUT_DIR) / "compare_out";
  compare::write_tables(comparison, out.string());
  EXPECT_DOUBLE_EQ(comparison.window_s, 2 * 3600.0);  // the microneedle run's 3 h are cut
  EXPECT_TRUE(comparison.window_cut);
  bool said = false;
  for (const auto& note : comparison.notes) said |= note.find("common window") != std::string::npos;
  EXPECT_TRUE(said) << "the cut to the common window is said";

  const auto table = read_csv(out / "compare.csv");
  ASSERT_EQ(table.size(), 6u);  // 3 runs × (VEGF, exosome)
  for (const auto& row : table) {
    const auto& run = runs.at(std::find(kRoutes.begin(), kRoutes.end(), row.at("run")) - kRoutes.begin());
    const compare::RunSpecies* s = run.find(row.at("species"));
    ASSERT_NE(s, nullptr);
    const auto expected = expected_from_metrics(run.dir, s->key, 2.0, run.layer_names, s->target_layer);
    EXPECT_GT(expected.at("dose"), 0.0) << row.at("run") << " " << s->key;
    for (const auto& [column, value] : expected) {
      const double got = num(row, column);
      EXPECT_NEAR(got, value, 1e-9 * std::abs(value) + 1e-300)
          << row.at("run") << " " << s->key << " " << column;
    }
  }
}

// One film and one patch carry both species (entries applied together): each species gets
// its own dose once. Film: 40 ng/cm² and 4e9 particles/cm² over 500 × 500 µm (0.0025 cm²);
// dissolving needles: 0.1 ng and 1e7 particles per needle, released as 1 − exp(−t/10 min)
// while worn (30 min), one needle per 500 µm cell.
TEST(Compare, OneFilmAndOnePatchCarryBothSpecies) {
  const auto runs = load_all();
  const std::map<std::string, double> per_cell = {{"VEGF", 0.1}, {"exosome", 1e7}};
  for (const auto& [key, amount] : per_cell) {
    const auto& film = runs[0].find(key)->records;
    for (const auto& r : film) EXPECT_NEAR(r.ledger.dosed, amount, 1e-6 * amount) << key << " film";
    const auto& patch = runs[2].find(key)->records;
    const double released = amount * -std::expm1(-30.0 / 10.0);
    EXPECT_NEAR(patch.back().ledger.added_by_source, released, 1e-4 * released) << key << " patch";
    EXPECT_EQ(patch.back().ledger.dosed, 0.0) << key << ": the needles hold it, not the field";
  }
}

TEST(Compare, RefusesDifferentTissue) {
  auto runs = load_all();
  runs[1].tissue["tissue.site"] = "'face_cheek'";
  try {
    compare::compare_runs(runs);
    FAIL() << "different sites were compared";
  } catch (const compare::IncomparableRuns& error) {
    EXPECT_NE(std::string(error.what()).find("tissue.site"), std::string::npos) << error.what();
  }
}

TEST(Compare, ResolutionDifferencesAreNotedNotRefused) {
  auto runs = load_all();
  runs[2].tissue["tissue.dx_um"] = "50.0";
  const auto comparison = compare::compare_runs(runs);
  bool noted = false;
  for (const auto& note : comparison.notes) noted |= note.find("tissue.dx_um") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(Compare, RefusesDifferentLayers) {
  auto runs = load_all();
  runs[0].layer_names.pop_back();
  EXPECT_THROW(compare::compare_runs(runs), compare::IncomparableRuns);
}

TEST(Compare, RefusesASpeciesThatMeansSomethingElse) {
  for (const std::string what : {"effective concentration", "target layer", "amount unit"}) {
    auto runs = load_all();
    auto& vegf = runs[1].species.at(0);
    if (what == "effective concentration") vegf.effective_concentration *= 2;
    if (what == "target layer") vegf.target_layer = "viable_epidermis";
    if (what == "amount unit") vegf.amount_unit = "particles";
    try {
      compare::compare_runs(runs);
      FAIL() << what << " differed but the runs were compared";
    } catch (const compare::IncomparableRuns& error) {
      EXPECT_NE(std::string(error.what()).find(what), std::string::npos) << error.what();
    }
  }
}

TEST(Compare, LeavesOutSpeciesNotInEveryRunAndRefusesWhenNoneIsShared) {
  auto runs = load_all();
  runs[0].species.erase(runs[0].species.begin() + 1);  // topical: VEGF only
  const auto comparison = compare::compare_runs(runs);
  ASSERT_EQ(comparison.species.size(), 1u);
  EXPECT_EQ(comparison.species[0].key, "VEGF");
  EXPECT_EQ(comparison.rows.size(), 3u);
  runs[1].species.erase(runs[1].species.begin());  // intradermal: exosome only
  EXPECT_THROW(compare::compare_runs(runs), compare::IncomparableRuns);
}

TEST(Compare, WindowEndsAtTheLastOutputEveryRunShares) {
  auto runs = load_all();
  // Drop the intradermal run's 2 h output: its last output within 2 h is now 1.5 h.
  for (auto& s : runs[1].species) s.records.pop_back();
  const auto comparison = compare::compare_runs(runs);
  EXPECT_DOUBLE_EQ(comparison.window_s, 1.5 * 3600);
  for (const auto& row : comparison.rows)
    for (const auto& layer : row.summary.layers) EXPECT_LE(layer.peak_time_s, 1.5 * 3600);
}

TEST(Compare, LabelsFromDirectoriesWithATrailingSlash) {
  auto runs = load_all();
  runs.resize(2);
  runs[1].scenario_name = runs[0].scenario_name;  // same scenario, say with other --set values
  runs[0].dir += "/";
  runs[1].dir += "/";
  const auto comparison = compare::compare_runs(runs);
  EXPECT_EQ(comparison.labels, (std::vector<std::string>{"topical", "intradermal"}));
}

TEST(Compare, NeedsTwoFinishedRuns) {
  auto runs = load_all();
  runs.resize(1);
  EXPECT_THROW(compare::compare_runs(runs), compare::IncomparableRuns);
  const fs::path empty = fs::path(SKINRD_TEST_OUTPUT_DIR) / "compare_not_a_run";
  fs::create_directories(empty);
  try {
    compare::load_run(empty.string());
    FAIL() << "an empty directory was read as a run";
  } catch (const IoError& error) {
    EXPECT_NE(std::string(error.what()).find("summary.json"), std::string::npos) << error.what();
  }
}

// A dissolving patch releases 1 − exp(−wear/τ) of its payload; the rest leaves with the
// patch. Applied (payload × needles, 0.1 ng and 1e7 particles) = delivered + left in the device,
// to 1e-9 in a double-precision run, and compare's "left in device" column shows that share.
TEST(Compare, MicroneedleAppliedDoseIsDeliveredPlusLeftInTheDevice) {
  const auto library = scenario::load_library(kSource + "/scenarios/library");
  auto overrides = small_overrides("microneedle");
  overrides.push_back("run.duration=\"1 h\"");
  overrides.push_back("run.precision=\"double\"");
  const auto s = scenario::load_scenario(kSource + "/scenarios/compare_routes/microneedle.toml", overrides, library);
  run::RunOptions options;
  options.out_dir = (kRuns / "microneedle_double").string();
  options.force = true;
  std::ostringstream progress;
  run::run_scenario(s, options, progress);
  const auto run = compare::load_run(options.out_dir);
  for (const auto& [key, applied] : std::map<std::string, double>{{"VEGF", 0.1}, {"exosome", 1e7}}) {
    const auto& last = run.find(key)->records.back().ledger;
    EXPECT_NEAR(last.added_by_source + last.in_device, applied, 1e-9 * applied) << key;
    EXPECT_NEAR(last.in_device, applied * std::exp(-3.0), 1e-9 * applied) << key << ": exp(-30 min / 10 min) left";
    EXPECT_LT(last.balance_residual(), 1e-9) << key << ": the tissue's ledger still balances";
  }
  const auto comparison = compare::compare_runs(load_all());
  for (const auto& row : comparison.rows) {
    const double left = row.run_label == "microneedle" ? std::exp(-3.0) : 0.0;
    EXPECT_NEAR(row.summary.fraction_left_in_device, left, 1e-6) << row.run_label << " " << row.species;
    EXPECT_NEAR(row.summary.fraction_delivered, 1 - left, 1e-6) << row.run_label << " " << row.species;
  }
  const fs::path out = fs::path(SKINRD_TEST_OUTPUT_DIR) / "compare_device";
  compare::write_tables(comparison, out.string());
  std::ifstream md(out / "compare.md");
  const std::string text((std::istreambuf_iterator<char>(md)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("left in device [%]"), std::string::npos);
  EXPECT_NE(text.find("| microneedle | 0.1 | 95.02 |"), std::string::npos) << "applied and delivered";
}

nlohmann::json compare_json(const compare::Comparison& comparison, const std::string& name) {
  const fs::path out = fs::path(SKINRD_TEST_OUTPUT_DIR) / name;
  compare::write_tables(comparison, out.string());
  std::ifstream in(out / "compare.json");
  return nlohmann::json::parse(in);
}

// The headline ranks the routes by exposure of the target layer (then time above EC), each
// recomputed here from the runs' metrics.csv; and it comes first in compare.md and on the terminal.
TEST(Compare, HeadlineRanksTheRoutesByTheTargetMetric) {
  const auto runs = load_all();
  const auto comparison = compare::compare_runs(runs);
  for (const auto& s : comparison.species) {
    std::vector<std::pair<double, std::string>> expected;
    for (std::size_t r = 0; r < runs.size(); ++r) {
      const auto e = expected_from_metrics(runs[r].dir, s.key, 2.0, runs[r].layer_names, s.target_layer);
      expected.push_back({e.at("exposure_target_h") + 1e-6 * e.at("time_above_ec_target_h"), kRoutes[r]});
    }
    std::sort(expected.rbegin(), expected.rend());
    const compare::Headline h = compare::headline(comparison, s);
    ASSERT_EQ(h.ranked.size(), 3u);
    for (std::size_t n = 0; n < 3; ++n) EXPECT_EQ(comparison.rows[h.ranked[n]].run_label, expected[n].second) << s.key;
    EXPECT_TRUE(h.sentence.starts_with(s.key + ": " + expected[0].second)) << h.sentence;
  }
  // The two runs of equal duration also agree with their own summary.json.
  std::vector<std::pair<double, std::string>> by_summary;
  for (const std::string route : {"topical", "intradermal"}) {
    std::ifstream in(kRuns / route / "summary.json");
    const auto summary = nlohmann::json::parse(in);
    by_summary.push_back({summary["species"][0]["exposure_target_s"].get<double>(), route});
  }
  EXPECT_GT(by_summary[1].first, by_summary[0].first) << "intradermal above topical for VEGF";
  std::ostringstream terminal;
  compare::print_tables(comparison, terminal);
  EXPECT_TRUE(terminal.str().starts_with("VEGF: intradermal")) << terminal.str().substr(0, 200);
  const auto json = compare_json(comparison, "compare_headline");
  EXPECT_EQ(json["report"]["headline"][0]["table"]["rows"][0][1], "intradermal");
  std::ifstream md(fs::path(SKINRD_TEST_OUTPUT_DIR) / "compare_headline" / "compare.md");
  std::string line;
  for (int n = 0; n < 3; ++n) std::getline(md, line);  // the title, a blank line, then the headline
  EXPECT_EQ(line, "## Headline");
}

// Two runs of one scenario that differ in needle length only: exactly that key differs; 600 and
// 610 um go in to 460 and 468 um, one 25 um dermis cell layer: below the grid's resolution.
TEST(Compare, SettingsThatDifferAndTheResolutionWarning) {
  const auto all = load_all();
  for (const auto& [length, unresolved] : std::map<std::string, bool>{{"610 um", true}, {"1000 um", false}}) {
    std::vector<compare::RunData> runs = {all[2], all[2]};
    runs[1].dir += "_longer";
    runs[1].settings["microneedle.0.length"] = length;
    runs[1].settings["microneedle.1.length"] = length;
    const auto comparison = compare::compare_runs(runs);
    std::vector<std::string> keys;
    for (const auto& d : comparison.differing_settings) keys.push_back(d.key);
    EXPECT_EQ(keys, (std::vector<std::string>{"microneedle.0.length", "microneedle.1.length"}));
    EXPECT_EQ(comparison.differing_settings[0].values, (std::vector<std::string>{"600 um", length}));
    EXPECT_EQ(comparison.unresolved.size(), unresolved ? 2u : 0u) << length;
    for (const auto& w : comparison.unresolved) EXPECT_NE(w.find("same insertion depth"), std::string::npos) << w;
  }
  // The shipped set differs in its delivery entries, never in [run] or [tissue] (but the duration).
  const auto comparison = compare::compare_runs(all);
  for (const auto& d : comparison.differing_settings)
    EXPECT_TRUE(d.key.starts_with("topical.") || d.key.starts_with("intradermal.") ||
                d.key.starts_with("microneedle.") || d.key == "run.duration") << d.key;
  EXPECT_TRUE(comparison.unresolved.empty());
  // As shown: an entry only one run has is one row per kind, with its species.
  const auto shown = compare_json(comparison, "compare_settings_shipped")["report"]["settings"];
  std::map<std::string, std::vector<std::string>> rows;
  for (const auto& row : shown["rows"]) {
    std::vector<std::string> cells = row;
    rows[cells.front()] = {cells.begin() + 1, cells.end()};
  }
  const std::vector<std::string> topical = {"2 entries (VEGF, exosome)", "none", "none"};
  EXPECT_EQ(rows["[[topical]] entries"], topical);
  EXPECT_EQ(rows["[[microneedle]] entries"], (std::vector<std::string>{"none", "none", "2 entries (VEGF, exosome)"}));
  for (const auto& [key, values] : rows) EXPECT_FALSE(key.starts_with("topical.")) << key;
}

// A metric that is 0 for every run is said once, not printed as a column of zeros.
TEST(Compare, ZeroMetricsAreSaidNotPrinted) {
  const auto all = load_all();
  const auto shipped = compare_json(compare::compare_runs(all), "compare_zero_shipped");
  std::vector<std::string> warnings = shipped["report"]["warnings"];
  for (const auto& w : warnings) EXPECT_FALSE(w.starts_with("VEGF:")) << "VEGF reaches EC: " << w;
  bool exosome_said = false;
  for (const auto& w : warnings) exosome_said |= w.starts_with("exosome: time >= EC in target");
  EXPECT_TRUE(exosome_said) << "no run has half the papillary dermis at EC for exosomes";
  // Two topical runs: no route reached EC, nothing left in a device (no wipe-off within 2 h).
  const auto topical = compare_json(compare::compare_runs({all[0], all[0]}), "compare_zero_topical");
  std::string said;
  for (const auto& w : topical["report"]["warnings"]) said += w.get<std::string>() + "\n";
  EXPECT_NE(said.find("VEGF: "), std::string::npos) << said;
  EXPECT_NE(said.find("exposure in target"), std::string::npos) << said;
  EXPECT_NE(said.find("left in device"), std::string::npos) << said;
  for (const auto& section : topical["report"]["sections"])
    for (const auto& table : section["tables"])
      for (const auto& header : table["header"]) {
        EXPECT_NE(header, "exposure in target [h]");
        EXPECT_NE(header, "left in device [%]");
      }
}

// Every column header of every table in the report is defined in its glossary.
TEST(Compare, GlossaryDefinesEveryColumn) {
  const auto comparison = compare::compare_runs(load_all());
  const auto json = compare_json(comparison, "compare_glossary");
  std::set<std::string> terms;
  for (const auto& entry : json["report"]["glossary"]) terms.insert(entry["term"].get<std::string>());
  std::vector<nlohmann::json> tables = {json["report"]["settings"]};
  for (const auto& h : json["report"]["headline"]) tables.push_back(h["table"]);
  for (const auto& section : json["report"]["sections"])
    for (const auto& table : section["tables"]) tables.push_back(table);
  std::size_t headers = 0;
  for (const auto& table : tables)
    for (const auto& header : table["header"]) {
      const std::string text = header.get<std::string>();
      if (std::find(comparison.labels.begin(), comparison.labels.end(), text) != comparison.labels.end()) continue;
      ++headers;
      EXPECT_TRUE(terms.count(compare::glossary_term(text))) << "not in the glossary: " << text;
    }
  EXPECT_GT(headers, 30u);
  // The layer tables: the target layer and the layers that matter, not every layer of every run.
  for (const auto& section : json["report"]["sections"])
    EXPECT_LT(section["tables"][1]["rows"].size(), 15u) << section["species"];
}

// Width and height from a PNG's IHDR chunk, or {0, 0} when it is not a PNG.
std::pair<int, int> png_size(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char head[24] = {};
  in.read(reinterpret_cast<char*>(head), sizeof head);
  const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (!in || !std::equal(signature, signature + 8, head) || std::string(head + 12, head + 16) != "IHDR")
    return {0, 0};
  auto be32 = [&](int at) { return head[at] << 24 | head[at + 1] << 16 | head[at + 2] << 8 | head[at + 3]; };
  return {be32(16), be32(20)};
}

// Each test its own directory: ctest -j runs them at once, and both write the same files.
fs::path figures_dir(const std::string& name) {
  const fs::path out = fs::path(SKINRD_TEST_OUTPUT_DIR) / ("compare_figures_" + name);
  const auto runs = load_all();
  const auto comparison = compare::compare_runs(runs);
  compare::write_tables(comparison, out.string());
  std::ostringstream progress;
  setenv("SKINRD_VIZ_DIR", (kSource + "/viz").c_str(), 1);
  if (!compare::make_figures_and_report(out.string(), {}, progress)) return {};
  return out;
}

TEST(Compare, FiguresAreValidPngsOfTheExpectedSize) {
  if (compare::find_plotting_python().empty()) GTEST_SKIP() << "no Python 3 with matplotlib here";
  const fs::path out = figures_dir("sizes");
  // viz/compare_plots.py: as wide as report.html shows them (11.5 in at 100 dpi); profiles:
  // 2 species rows of 3.3 in + 0.9 in for the legend; compartments: 2 rows per species of
  // 2.2 in + 1.6 in; time above EC: VEGF's panel alone (0.6 x 11.5 in by 3.6 in), as no
  // run brings exosomes to EC in 2 h, which the figure notes say.
  EXPECT_EQ(png_size(out / "profiles.png"), std::make_pair(1150, 750));
  EXPECT_EQ(png_size(out / "compartments.png"), std::make_pair(1150, 1040));
  EXPECT_EQ(png_size(out / "time_above_ec.png"), std::make_pair(690, 360));
  std::ifstream notes(out / "figure_notes.json");
  const std::string text((std::istreambuf_iterator<char>(notes)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("exosome: no run had half of the papillary dermis at or above EC"), std::string::npos)
      << text;
}

TEST(Compare, ReportEmbedsEverythingAndRendersInChromium) {
  if (compare::find_plotting_python().empty()) GTEST_SKIP() << "no Python 3 with matplotlib here";
  const fs::path out = figures_dir("report");
  std::ifstream in(out / "report.html");
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Every reference is a data: URI; nothing is fetched from a file or the network.
  std::size_t images = 0;
  for (const std::string attribute : {"src=", "href=", "url("}) {
    for (std::size_t at = html.find(attribute); at != std::string::npos; at = html.find(attribute, at + 1)) {
      const std::string value = html.substr(at + attribute.size(), 40);
      EXPECT_TRUE(value.starts_with("'data:") || value.starts_with("\"data:")) << value;
      images += value.find("data:image/png;base64,") != std::string::npos;
    }
  }
  EXPECT_EQ(images, 3u);
  // Each embedded image decodes to a PNG of a figure's size (a broken one would show as missing).
  int decoded = 0;
  const std::string marker = "data:image/png;base64,";
  for (std::size_t at = html.find(marker); at != std::string::npos; at = html.find(marker, at + 1)) {
    const std::size_t begin = at + marker.size(), end = html.find_first_of("'\"", begin);
    const fs::path encoded = out / ("embedded_" + std::to_string(decoded) + ".b64");
    const fs::path png = out / ("embedded_" + std::to_string(decoded) + ".png");
    std::ofstream(encoded) << html.substr(begin, end - begin);
    ASSERT_EQ(std::system(("base64 -d " + encoded.string() + " > " + png.string()).c_str()), 0);
    const auto [width, height] = png_size(png);
    EXPECT_GE(width, 600) << png;
    EXPECT_GE(height, 300) << png;
    ++decoded;
  }
  EXPECT_EQ(decoded, 3);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  for (const auto& route : kRoutes)  // each run's rows, not just its directory path
    EXPECT_NE(html.find("<tr><td>" + route + "</td>"), std::string::npos) << route;

  const char* browsers[] = {"chromium", "chromium-browser", "google-chrome"};
  std::string browser;
  for (const char* name : browsers)
    if (std::system(("command -v " + std::string(name) + " >/dev/null 2>&1").c_str()) == 0) browser = name;
  if (browser.empty()) GTEST_SKIP() << "no headless Chromium here (Debian: chromium)";
  const fs::path shot = out / "report_screenshot.png";
  fs::remove(shot);
  const std::string command = browser + " --headless --no-sandbox --disable-gpu --hide-scrollbars "
                              "--window-size=1280,2400 --screenshot=" + shot.string() + " file://" +
                              fs::absolute(out / "report.html").string() + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  EXPECT_EQ(png_size(shot), std::make_pair(1280, 2400));
  EXPECT_GT(fs::file_size(shot), 50000u) << "a blank page compresses to a few kB";
}

}  // namespace
