// Fluid spaces in the tissue: the pores a needle leaves close completely at their closure time
// without a jump; a needle's length sets how deep its pores reach and so how much reaches the
// dermis; an injected bleb is free solution whose fluid resorbs with its half-life while the
// solute stays in the tissue.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <sstream>

#include "host/delivery/fluid_spaces.hpp"
#include "host/delivery/microneedle_patch.hpp"
#include "host/run/problem_builder.hpp"
#include "host/run/runner.hpp"
#include "tests/scenario_run.hpp"
#include "host/tissue_materials.hpp"

namespace {

namespace fs = std::filesystem;
using namespace skinrd;
const std::string kSource = SKINRD_SOURCE_DIR;

const scenario::Library& library() {
  static const auto loaded = scenario::load_library(kSource + "/scenarios/library");
  return loaded;
}

scenario::Scenario load(const std::string& path, const std::vector<std::string>& overrides = {}) {
  return scenario::load_scenario(kSource + "/" + path, overrides, library());
}

run::RunReport run(const scenario::Scenario& s, const std::string& out) {
  return test_support::run_in_temp(s, out);
}

// Open fraction: 1 when the needles leave, first-order-like, half open at 0.33 T, closed at T
// and after, continuous on the way (no step larger than the slope allows).
TEST(FluidSpaces, PoresCloseCompletelyAtTheirClosureTimeWithoutAJump) {
  const double closure_s = 7200;
  EXPECT_DOUBLE_EQ(delivery::pore_open_fraction(0, closure_s), 1);
  EXPECT_DOUBLE_EQ(delivery::pore_open_fraction(closure_s, closure_s), 0);
  EXPECT_DOUBLE_EQ(delivery::pore_open_fraction(10 * closure_s, closure_s), 0);
  // (e^{-1.5 t/T} - e^{-1.5}) / (1 - e^{-1.5}) = 1/2 at t/T = -ln((1 + e^{-1.5})/2)/1.5.
  const double half_s = -std::log((1 + std::exp(-1.5)) / 2) / 1.5 * closure_s;
  EXPECT_NEAR(delivery::pore_open_fraction(half_s, closure_s), 0.5, 1e-12);
  EXPECT_NEAR(half_s / closure_s, 0.328, 1e-3);
  double previous = 1;
  for (int n = 1; n <= 1000; ++n) {
    const double open = delivery::pore_open_fraction(closure_s * n / 1000, closure_s);
    EXPECT_LT(open, previous);
    EXPECT_LT(previous - open, 2.0e-3);  // |slope| ≤ 1.5/(1 − e^{-1.5}) / T = 1.93/T
    previous = open;
  }
}

// Pore coefficients: the fill's D when open, the intact layer's once closed, in every layer.
TEST(FluidSpaces, ClosedPoresAndResorbedBlebsAreTheIntactLayer) {
  const auto s = load("scenarios/topical_serum_after_microneedling.toml");
  const MaterialTable base = run::build_materials(s);
  const TissueMaterials materials = s.tissue.materials();
  delivery::SkinState skin;
  skin.pore_closure_s = 7200;
  skin.pore_elapsed_s = 0;
  skin.bleb_fluid_fraction = 1;
  const MaterialTable open = delivery::materials_with_fluid_spaces(s, base, skin);
  skin.pore_elapsed_s = 7200;
  skin.bleb_fluid_fraction = 0;
  const MaterialTable closed = delivery::materials_with_fluid_spaces(s, base, skin);
  const double water_d = s.species[0].diffusion_water_um2_per_s;
  for (int n = 0; n < materials.layer_count(); ++n) {
    const auto& layer = base.at(materials.layer(n), 0);
    EXPECT_DOUBLE_EQ(open.at(materials.pore(n), 0).diffusion_um2_per_s, water_d);
    EXPECT_DOUBLE_EQ(open.at(materials.bleb(n), 0).diffusion_um2_per_s, water_d);
    EXPECT_DOUBLE_EQ(open.at(materials.bleb(n), 0).binding_capacity, 0);
    EXPECT_DOUBLE_EQ(closed.at(materials.pore(n), 0).diffusion_um2_per_s, layer.diffusion_um2_per_s);
    EXPECT_DOUBLE_EQ(closed.at(materials.bleb(n), 0).diffusion_um2_per_s, layer.diffusion_um2_per_s);
    EXPECT_DOUBLE_EQ(closed.at(materials.bleb(n), 0).binding_capacity, layer.binding_capacity);
  }
}

// Dissolving needles of 250, 500 and 1000 um (the route comparison's patch, at its 50 um
// lateral cells): the longer the needle, the deeper it goes (0.77 × length) and the more of
// its payload reaches the deep (reticular) dermis, strictly. The whole dermis's share is not
// monotone (measured 0.070, 0.080, 0.076 ng at 1 h: the 770 um track releases past the
// papillary dermis), and solid needles followed by a serum differ by under 1 % in the dermis at
// 2 h: the stratum corneum's opening sets what enters, not the pore's depth.)
TEST(FluidSpaces, LongerNeedlesDeliverMoreToTheDermis) {
  auto amount = [](const run::OutputRecord& r, std::initializer_list<const char*> names) {
    double sum = 0;
    for (const auto& layer : r.layers)
      for (const char* name : names)
        if (layer.name == name) sum += layer.free + layer.bound + layer.internalised;
    return sum;
  };
  std::vector<double> dermis, deep;
  for (const char* length : {"250 um", "500 um", "1000 um"}) {
    const std::string set = std::string("=\"") + length + "\"";
    const auto s = load("scenarios/compare_routes/microneedle.toml",
                        {"run.duration=\"1 h\"", "run.dt=\"2 min\"", "run.precision=\"double\"",
                         "microneedle.0.length" + set, "microneedle.1.length" + set});
    const auto report = run(s, std::string("skinrd_test_needle_length_") + length);
    const auto& last = report.records.at(0).back();  // VEGF
    for (const auto& r : report.records.at(0)) EXPECT_LE(r.ledger.balance_residual(), 1e-9) << length;
    dermis.push_back(amount(last, {"papillary_dermis", "reticular_dermis"}));
    deep.push_back(amount(last, {"reticular_dermis", "hypodermis"}));
    std::cout << length << " needles: VEGF in the dermis at 1 h " << dermis.back() * 1e-12
              << " ng, below the papillary dermis " << deep.back() * 1e-12 << " ng\n";
  }
  for (int n = 0; n < 2; ++n) EXPECT_GT(deep[n + 1], deep[n] * 1.05);
  EXPECT_GT(dermis[1], dermis[0] * 1.05);
}

// The bleb's fluid (0.01 uL, as voxelised) resorbs with its half-life, recorded at each
// half-life; the solute stays in the tissue as the fluid goes: the ledger balances throughout.
TEST(FluidSpaces, BlebFluidResorbsWithItsHalfLifeWhileTheSoluteStays) {
  const auto s = load("tests/scenarios/bleb_fluid.toml");
  const auto report = run(s, "skinrd_test_bleb_fluid");
  const auto& records = report.records.at(0);
  ASSERT_EQ(records.size(), 5u);  // 0, 18, 36, 54, 72 min
  const double first = records.front().bleb_fluid_uL;
  EXPECT_NEAR(first / 0.01, 1.0, 0.15);  // the ellipsoid as voxelised
  for (std::size_t n = 1; n < records.size(); ++n) {
    const double expected = first * std::pow(0.5, static_cast<double>(n));
    EXPECT_NEAR(records[n].bleb_fluid_uL / expected, 1.0, 0.01) << records[n].time_s;
  }
  for (const auto& r : records) EXPECT_LE(r.ledger.balance_residual(), 1e-12) << r.time_s;
  // While it is fluid the solute spreads as in water: further than from a bleb that is tissue
  // at once.
  const auto tissue_at_once = run(load("tests/scenarios/bleb_fluid.toml",
                                       {"intradermal.0.resorption_half_life=\"1 s\"", "run.duration=\"18 min\""}),
                                  "skinrd_test_bleb_tissue");
  EXPECT_GT(records[1].penetration_depth_um, tissue_at_once.records.at(0)[1].penetration_depth_um);
}

}  // namespace

namespace {

// `check` warns where a needle, its pores, a bleb or a layer spans fewer than about 2 cells.
TEST(FluidSpaces, UnderResolvedNeedlesBlebsAndLayersAreWarnedOf) {
  auto warnings = [](const std::string& file, const std::vector<std::string>& overrides) {
    const auto s = load(file, overrides);
    return run::resolution_warnings(s, run::build_problem(s).grid);
  };
  EXPECT_TRUE(warnings("scenarios/topical_serum_after_microneedling.toml", {}).empty());
  EXPECT_TRUE(warnings("scenarios/intradermal_exosome.toml", {}).empty());
  const auto narrow = warnings("scenarios/topical_serum_after_microneedling.toml",
                               {"microneedle.0.base_width=\"60 um\"",
                                "tissue.layers.stratum_corneum.dz=\"20 um\""});
  ASSERT_EQ(narrow.size(), 2u);
  EXPECT_NE(narrow[0].find("stratum_corneum"), std::string::npos) << narrow[0];
  EXPECT_NE(narrow[1].find("microneedle[0]"), std::string::npos) << narrow[1];
  const auto small_bleb = warnings("scenarios/intradermal_exosome.toml", {"intradermal.0.volume=\"0.00001 uL\""});
  ASSERT_EQ(small_bleb.size(), 1u);
  EXPECT_NE(small_bleb[0].find("intradermal[0]"), std::string::npos) << small_bleb[0];
}

}  // namespace
