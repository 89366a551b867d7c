// Scenario files: every shipped scenario loads; every file of the bad-input catalogue
// (tests/scenarios/bad, its expectation on its first line) fails with a ConfigError naming
// the key and the line; --set overrides.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "host/delivery/microneedle_patch.hpp"
#include "host/delivery/topical_film.hpp"
#include "host/error.hpp"
#include "host/scenario/scenario.hpp"

namespace {

namespace fs = std::filesystem;
using namespace skinrd;
using namespace skinrd::scenario;

const std::string kSource = SKINRD_SOURCE_DIR;

const Library& library() {
  static const Library loaded = load_library(kSource + "/scenarios/library");
  return loaded;
}

TEST(Scenarios, EveryShippedScenarioLoads) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(kSource + "/scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    EXPECT_NO_THROW(load_scenario(entry.path().string(), {}, library())) << entry.path();
    ++count;
  }
  EXPECT_GE(count, 2);
}

struct Expectation {
  std::string key, message;
  int line = 0;
};

Expectation expectation_of(const fs::path& file) {
  std::ifstream in(file);
  std::string header;
  std::getline(in, header);
  const std::regex pattern(R"re(# expect: key "([^"]*)" line (\d+) message "([^"]*)")re");
  std::smatch m;
  if (!std::regex_match(header, m, pattern)) ADD_FAILURE() << file << ": no expectation line";
  return {m[1], m[3], std::stoi(m[2])};
}

TEST(Scenarios, BadFilesNameTheKeyAndTheLine) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(kSource + "/tests/scenarios/bad")) {
    const Expectation expected = expectation_of(entry.path());
    try {
      load_scenario(entry.path().string(), {}, library());
      ADD_FAILURE() << entry.path().filename() << ": loaded without an error";
    } catch (const ConfigError& e) {
      const std::string what = e.what();
      EXPECT_NE(e.key().find(expected.key), std::string::npos)
          << entry.path().filename() << ": " << what;
      EXPECT_NE(what.find(expected.message), std::string::npos)
          << entry.path().filename() << ": " << what;
      if (expected.line > 0) {
        EXPECT_EQ(e.line(), expected.line) << entry.path().filename() << ": " << what;
        EXPECT_NE(what.find("line " + std::to_string(expected.line) + ":"), std::string::npos) << what;
      }
    }
    ++count;
  }
  EXPECT_GE(count, 25);
}

TEST(Scenarios, SetOverridesAnyValue) {
  const std::string file = kSource + "/tests/scenarios/valid_topical.toml";
  const Scenario plain = load_scenario(file, {}, library());
  const Scenario changed = load_scenario(
      file, {"run.duration=\"2 h\"", "tissue.layers.viable_epidermis.thickness=\"80 um\""},
      library());
  EXPECT_EQ(plain.run.duration_s, 3600);
  EXPECT_EQ(changed.run.duration_s, 7200);
  EXPECT_EQ(changed.tissue.layers[1].thickness_um, 80);
  EXPECT_THROW(load_scenario(file, {"run.duration=\"2 um\""}, library()), ConfigError);
  EXPECT_THROW(load_scenario(file, {"run.nonsense=1"}, library()), ConfigError);
}

// A film given as volume per area: 2 uL/cm^2 spread evenly is 2e-3 cm = 20 um thick.
TEST(Scenarios, FilmThicknessFromVolumePerArea) {
  const Scenario s = load_scenario(kSource + "/tests/scenarios/valid_topical.toml", {}, library());
  EXPECT_DOUBLE_EQ(s.deliveries.get<delivery::TopicalFilms>().doses.at(0).thickness_um, 20);
  EXPECT_DOUBLE_EQ(s.deliveries.get<delivery::TopicalFilms>().doses.at(0).concentration, 100);
}

}  // namespace

namespace {

// Occlusion sets the microneedle channels' time to full closure: 2 h open (Gupta 2011), 60 h
// occluded (PMC8259462: 58–63 h; parameters.md §5).
TEST(Scenarios, OcclusionSetsTheChannelClosureTime) {
  const auto open = load_scenario(kSource + "/scenarios/coated_microneedle_egf.toml", {}, library());
  EXPECT_DOUBLE_EQ(open.deliveries.get<delivery::MicroneedlePatches>().patches.at(0).closure_s, 7200);
  const auto occluded = load_scenario(kSource + "/scenarios/dissolving_microneedle_vegf.toml", {}, library());
  EXPECT_DOUBLE_EQ(occluded.deliveries.get<delivery::MicroneedlePatches>().patches.at(0).closure_s, 216000);
  // A patch without its own closure setting, followed by an occluded serum: 60 h.
  const auto serum = load_scenario(kSource + "/tests/scenarios/needles_then_serum.toml", {}, library());
  EXPECT_DOUBLE_EQ(serum.deliveries.get<delivery::MicroneedlePatches>().patches.at(0).closure_s, 3600);  // closure_time given
  const auto occluded_serum =
      load_scenario(kSource + "/tests/scenarios/needles_then_occluded_serum.toml", {}, library());
  EXPECT_DOUBLE_EQ(occluded_serum.deliveries.get<delivery::MicroneedlePatches>().patches.at(0).closure_s, 216000);
}

// Coefficient overrides per material reach the species: uptake as k_int with V_max = k_int·K_m.
TEST(Scenarios, CoefficientOverridesPerMaterial) {
  const std::string file = kSource + "/tests/scenarios/valid_topical.toml";
  const auto s = load_scenario(file,
                               {"species.VEGF.papillary_dermis.uptake_rate=\"0.5 1/h\"",
                                "species.VEGF.papillary_dermis.uptake_half_saturation=\"2 ng/mL\"",
                                "species.VEGF.papillary_dermis.unbinding_rate=\"0.01 1/s\""},
                               library());
  const auto& c = s.species.at(0).by_material.at("papillary_dermis");
  EXPECT_DOUBLE_EQ(c.uptake_half_saturation, 2);
  EXPECT_NEAR(c.uptake_max_conc_per_s / c.uptake_half_saturation, 0.5 / 3600, 1e-15);
  EXPECT_DOUBLE_EQ(c.unbinding_per_s, 0.01);
}

}  // namespace

namespace {

// A tissue given as the scenario's own ordered layer list: names key the materials, the target
// layer and the coefficient overrides; each layer starts from the library material it is like.
TEST(Scenarios, LayerListNamesMaterialsOfAnyNumber) {
  const auto s = load_scenario(kSource + "/tests/scenarios/split_thickness_layers.toml", {}, library());
  ASSERT_EQ(s.tissue.layers.size(), 4u);
  EXPECT_EQ(s.tissue.layer_names(),
            (std::vector<std::string>{"stratum_corneum", "viable_epidermis", "dej", "dermis"}));
  EXPECT_EQ(s.run.target_layer, "dej");
  const TissueMaterials materials = s.tissue.materials();
  EXPECT_EQ(materials.count(), 2 + 3 * 4);
  EXPECT_EQ(materials.names().at(materials.pore(2)), "pore_dej");
  EXPECT_EQ(materials.layer_of(materials.bleb(3)), 3);
  const auto& vegf = s.species.at(0);
  const auto& dermis_like = library().species.at("VEGF").by_material.at("reticular_dermis");
  EXPECT_DOUBLE_EQ(vegf.by_material.at("dermis").diffusion_um2_per_s, dermis_like.diffusion_um2_per_s);
  EXPECT_DOUBLE_EQ(vegf.by_material.at("dej").diffusion_um2_per_s, 5);
  EXPECT_EQ(vegf.by_material.count("hypodermis"), 0u);
}

}  // namespace
