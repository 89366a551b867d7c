// What `skinrd check`, `run` and `species` print for the user (issue 17, CLI polish): numbers
// with units and 3 significant figures, the schedule of deliveries and the output plan, no
// developer words, citations that resolve in the reference list shipped with the library, and
// outputs dense after each event so that fast kinetics are not drawn as ramps.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "host/run/ensemble.hpp"
#include "host/run/runner.hpp"
#include "host/run/size_estimates.hpp"
#include "host/scenario/ensemble.hpp"
#include "host/scenario/library.hpp"
#include "host/scenario/scenario.hpp"

namespace {

namespace fs = std::filesystem;
using namespace skinrd;
const std::string kSource = SKINRD_SOURCE_DIR;

const scenario::Library& library() {
  static const scenario::Library lib = scenario::load_library(kSource + "/scenarios/library");
  return lib;
}

scenario::Scenario load(const std::string& name, const std::vector<std::string>& overrides = {}) {
  return scenario::load_scenario(kSource + "/scenarios/" + name, overrides, library());
}

// The scenario files shipped: scenarios/*.toml and the route set.
std::vector<std::string> shipped_scenarios() {
  std::vector<std::string> names;
  for (const std::string& dir : {std::string(""), std::string("compare_routes/")})
    for (const auto& file : fs::directory_iterator(kSource + "/scenarios/" + dir))
      if (file.path().extension() == ".toml") names.push_back(dir + file.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string check_output(const scenario::Scenario& s) {
  std::ostringstream out;
  run::check_scenario(s, out, "cpu");
  return out.str();
}

TEST(Format, TimesInTheLargestUnitTheyFillWithThreeSignificantFigures) {
  EXPECT_EQ(run::format_time(35 * 86400.0), "35.0 d");  // the progress line read "840.00 h"
  EXPECT_EQ(run::format_time(1.5 * 3600), "1.50 h");
  EXPECT_EQ(run::format_time(108000), "1.25 d");        // not "108000.000000 s"
  EXPECT_EQ(run::format_time(600), "10.0 min");
  EXPECT_EQ(run::format_time(74), "1.23 min");
  EXPECT_EQ(run::format_time(42), "42.0 s");
  EXPECT_EQ(run::format_time(0.0528), "52.8 ms");
  EXPECT_EQ(run::format_time(0), "0 s");
  EXPECT_EQ(run::format_time(3 * 365.25 * 86400), "3.00 years");
  EXPECT_EQ(run::format_time(59.996), "1.00 min");      // rounds up into the next unit's size
}

TEST(Format, LengthsAndNumbers) {
  EXPECT_EQ(run::format_length(500), "500 um");         // not "500.000000 um"
  EXPECT_EQ(run::format_length(20.5), "20.5 um");
  EXPECT_EQ(run::format_length(1727.5), "1.73 mm");
  EXPECT_EQ(run::format_length(0.1), "100 nm");
  EXPECT_EQ(run::format_number(0.0012345), "0.00123");
  EXPECT_EQ(run::format_number(1e10), "1e+10");
  EXPECT_EQ(run::format_number(1.0), "1");
}

TEST(Check, ListsTheScheduleWithEachEventsTimeKindAndWhatItDoes) {
  const std::string text = check_output(load("dissolving_microneedle_vegf.toml"));
  EXPECT_NE(text.find("schedule over 1.00 d:"), std::string::npos) << text;
  EXPECT_TRUE(std::regex_search(text, std::regex(
      R"(\n  0 s +\[microneedle\] patch on: dissolving needles 600 um long, 500 um apart, worn 30.0 min; VEGF [0-9.e+-]+ ng per needle, dissolving in 10.0 min\n)")))
      << text;
  EXPECT_TRUE(std::regex_search(text, std::regex(R"(\n  30.0 min +\[microneedle\] patch off: needles withdrawn)")))
      << text;
  EXPECT_TRUE(std::regex_search(text, std::regex(R"(needle pores closing: followed in \d+ updates from)"))) << text;
  EXPECT_TRUE(std::regex_search(text, std::regex(R"(output plan: \d+ times, every 1.00 h, and \d+ more close after the events)")))
      << text;
}

TEST(Check, SpeaksNoDeveloperWordsForAnyShippedScenario) {
  // Words of the code and its issues, internal key names, and std::to_string's six decimals.
  const std::regex forbidden(R"(issue|\blean\b|\blanes?\b|materials\.vehicle|std::|kernel|\d\.\d{6}\b|DESIGN)");
  for (const std::string& name : shipped_scenarios()) {
    const std::string text = check_output(load(name));
    std::smatch match;
    EXPECT_FALSE(std::regex_search(text, match, forbidden)) << name << ": \"" << match.str() << "\" in\n" << text;
  }
}

TEST(References, EveryCitationInTheShippedTomlResolvesInTheListShippedWithTheLibrary) {
  const auto& references = library().references;
  ASSERT_GT(references.size(), 10u);
  EXPECT_NE(references.at("hindered_diffusion").works.front().find("Wei"), std::string::npos);
  std::size_t citations = 0;
  for (const auto& file : fs::recursive_directory_iterator(kSource + "/scenarios")) {
    if (file.path().extension() != ".toml") continue;
    std::ifstream in(file.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // No section sign of a parameter file outside the repository.
    if (file.path().filename() != "references.toml")
      EXPECT_EQ(text.find("\xC2\xA7"), std::string::npos) << file.path() << " cites a section sign";
    for (const std::string& key : scenario::cited_references(text)) {
      ++citations;
      EXPECT_TRUE(references.count(key)) << file.path() << " cites [ref:" << key << "]";
    }
  }
  EXPECT_GT(citations, 20u);
}

TEST(References, AnUnknownCitationIsRefusedWhenTheLibraryIsLoaded) {
  const fs::path dir = fs::temp_directory_path() / "skinrd_test_cli_text_library";
  fs::remove_all(dir);
  fs::copy(kSource + "/scenarios/library", dir);
  std::ifstream in(dir / "barrier.toml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  text.replace(text.find("[ref:sc_thickness]"), 18, "[ref:nowhere]");
  std::ofstream(dir / "barrier.toml") << text;
  try {
    scenario::load_library(dir.string());
    ADD_FAILURE() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("[ref:nowhere]"), std::string::npos) << error.what();
  }
  fs::remove_all(dir);
}

// The outputs in (from_s, to_s].
std::size_t outputs_between(const scenario::Scenario& s, double from_s, double to_s) {
  return std::count_if(s.run.output_times_s.begin(), s.run.output_times_s.end(),
                       [&](double t) { return t > from_s && t <= to_s; });
}

TEST(OutputPlan, DenseRightAfterEachEvent) {
  // Hourly outputs; the needles come out at 30 min.
  const scenario::Scenario dense = load("dissolving_microneedle_vegf.toml");
  EXPECT_GE(outputs_between(dense, 1800, 1800 + 600), 3u);  // 31, 32 and 35 min (and 40)
  EXPECT_GE(outputs_between(dense, 0, 600), 3u);            // the 10-min dissolution
  EXPECT_TRUE(std::is_sorted(dense.run.output_times_s.begin(), dense.run.output_times_s.end()));
  EXPECT_EQ(dense.run.output_times_s.back(), dense.run.duration_s);
  // Off, the regular outputs alone; the spacing is the user's.
  const auto regular = load("dissolving_microneedle_vegf.toml", {"output.dense_after_events=false"});
  EXPECT_EQ(regular.run.output_times_s.size(), 25u);
  EXPECT_EQ(outputs_between(regular, 1800, 2400), 0u);
  const auto coarse = load("dissolving_microneedle_vegf.toml", {"output.dense_first='5 min'"});
  EXPECT_EQ(outputs_between(coarse, 1800, 1800 + 240), 0u);
  EXPECT_EQ(outputs_between(coarse, 1800, 1800 + 300), 1u);
}

TEST(OutputPlan, EnsembleMembersWithTheirOwnEventsShareOutputTimes) {
  const fs::path file = fs::temp_directory_path() / "skinrd_test_cli_text_ensemble.toml";
  std::ofstream(file) << "scenario = \"" << kSource << "/scenarios/intradermal_exosome.toml\"\n"
                      << "[[member]]\nname = \"now\"\n"
                      << "[[member]]\nname = \"later\"\nset = { \"intradermal.0.at\" = \"2.5 h\" }\n";
  const auto spec = scenario::load_ensemble(file.string(), "");
  const auto members = scenario::load_members(spec, {}, library());
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].run.output_times_s, members[1].run.output_times_s);
  EXPECT_GE(outputs_between(members[0], 2.5 * 3600, 2.5 * 3600 + 600), 3u);  // the other's event
  EXPECT_NO_THROW(run::check_members_compatible(members, {"now", "later"}));
  fs::remove(file);
}

}  // namespace
