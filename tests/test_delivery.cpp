// Delivery: every dose is accounted for (what enters the film and the tissue equals the
// dose, to rounding), wipe-off removes the film's content, intact stratum corneum lets
// nothing through, a finite well-stirred film empties as Crank's solution says, and a run's
// outputs are complete and repeatable.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "host/delivery/topical_film.hpp"
#include "host/run/runner.hpp"
#include "host/simulation.hpp"

namespace {

namespace fs = std::filesystem;
using namespace skinrd;
const std::string kSource = SKINRD_SOURCE_DIR;

run::RunReport run_file(const std::string& name, const std::string& out,
                        std::vector<std::string> overrides = {}) {
  const auto library = scenario::load_library(kSource + "/scenarios/library");
  const auto s = scenario::load_scenario(kSource + "/tests/scenarios/" + name, overrides, library);
  run::RunOptions options;
  options.out_dir = (fs::temp_directory_path() / out).string();
  options.force = true;
  std::ostringstream progress;
  return run::run_scenario(s, options, progress);
}

constexpr double kAmount = 1e-12;  // internal amount (ng/mL · um^3) → ng

// Film: 100 ng/mL in a 20 um film over 50 × 50 um: 100 × 20 × 2500 um^3 = 5e6 → 5e-6 ng.
TEST(Delivery, FilmDoseIsAccountedForAndWipedOff) {
  const auto report = run_file("film_through_leaky_sc.toml", "skinrd_test_film");
  const auto& records = report.records.at(0);
  EXPECT_NEAR(records.front().ledger.dosed * kAmount, 5e-6, 1e-18);
  for (const auto& r : records) EXPECT_LE(r.ledger.balance_residual(), 1e-12) << r.time_s;
  // Some crossed the (leaky) stratum corneum before the 2 h wipe-off; the rest left with it.
  const auto& last = records.back();
  EXPECT_GT(last.ledger.removed, 0.0);
  EXPECT_GT(last.layers.at(2).free + last.layers.at(2).bound, 0.0);  // viable epidermis
  for (const auto& r : records)
    if (r.time_s > 2 * 3600) EXPECT_EQ(r.layers.at(0).free, 0.0) << "film after wipe-off";
}

// Occlusion off: the solvent evaporates (15 um/h from a 20 um film, down to a 10 % residue),
// its content stays, so the fluid-phase concentration driving the film's content into the
// skin rises and more crosses the stratum corneum (made slightly permeable, D = 0.05 um²/s,
// so that the crossing is barrier-limited) than under occlusion. Occlusion on
// with a hydration factor of 3 triples the stratum corneum's D: more crosses again.
TEST(Delivery, OcclusionChangesEvaporationAndHydration) {
  const auto library = scenario::load_library(kSource + "/scenarios/library");
  auto base = scenario::load_scenario(kSource + "/tests/scenarios/film_through_leaky_sc.toml",
                                      {"run.duration=\"2 h\"",
                                       "species.VEGF.stratum_corneum.diffusion=\"0.05 um^2/s\""},
                                      library);
  auto below_sc = [](const run::RunReport& report) {
    const auto& r = report.records.at(0).back();
    double amount = r.ledger.degraded + r.ledger.cleared + r.ledger.lost_bottom;
    for (std::size_t l = 2; l < r.layers.size(); ++l)
      amount += r.layers[l].free + r.layers[l].bound + r.layers[l].internalised;
    EXPECT_LE(r.ledger.balance_residual(), 1e-12);
    return amount;
  };
  auto run_with = [&](bool occluded, double evaporation_um_per_s, double hydration, const char* out) {
    auto s = base;
    s.deliveries.get<delivery::TopicalFilms>().doses.at(0).occluded = occluded;
    s.deliveries.get<delivery::TopicalFilms>().doses.at(0).evaporation_um_per_s = evaporation_um_per_s;
    s.deliveries.get<delivery::TopicalFilms>().doses.at(0).hydration_factor = hydration;
    run::RunOptions options;
    options.out_dir = (fs::temp_directory_path() / out).string();
    options.force = true;
    std::ostringstream progress;
    return below_sc(run::run_scenario(s, options, progress));
  };
  const double occluded = run_with(true, 0, 1, "skinrd_test_occluded");
  const double evaporating = run_with(false, 15.0 / 3600, 1, "skinrd_test_evaporating");
  const double hydrated = run_with(true, 0, 3, "skinrd_test_hydrated");
  EXPECT_GT(evaporating, 1.2 * occluded);
  EXPECT_GT(hydrated, 1.2 * occluded);
  RecordProperty("passage_occluded_evaporating_hydrated",
                 std::to_string(occluded) + " " + std::to_string(evaporating) + " " + std::to_string(hydrated));
}

// The film loses content only across its interface with the stratum corneum, so the
// interface flux in the outputs equals −d(film content)/dt (central difference of 1-min
// outputs, at 20 and 60 min; within 2 %).
TEST(Delivery, InterfaceFluxDrainsTheFilm) {
  const auto report = run_file("film_through_leaky_sc.toml", "skinrd_test_flux",
                               {"run.output_interval=\"1 min\"", "run.duration=\"90 min\""});
  const auto& records = report.records.at(0);
  for (int minute : {20, 60}) {
    const auto& before = records.at(minute - 1);
    const auto& now = records.at(minute);
    const auto& after = records.at(minute + 1);
    ASSERT_DOUBLE_EQ(now.time_s, minute * 60.0);
    const double drain = -(after.layers[0].free - before.layers[0].free) / 120.0;
    EXPECT_NEAR(now.interface_flux_per_s.at(0), drain, 0.02 * drain) << minute << " min";
  }
}

// Intact stratum corneum (D = 0): not one molecule below it.
TEST(Delivery, IntactStratumCorneumLetsNothingThrough) {
  const auto report = run_file("film_through_leaky_sc.toml", "skinrd_test_intact",
                               {"species.VEGF.stratum_corneum.diffusion=\"0 um^2/s\""});
  for (const auto& r : report.records.at(0))
    for (std::size_t l = 2; l < r.layers.size(); ++l) {
      EXPECT_EQ(r.layers[l].free, 0.0) << r.layers[l].name;
      EXPECT_EQ(r.layers[l].bound, 0.0) << r.layers[l].name;
    }
}

// Blebs: 0.001 uL × 1e10/mL = 1e4 particles at once; 0.002 uL infused over 10 min from
// t = 10 min adds 2e4 at 2e4/600 s, i.e. 1e4 by t = 15 min.
TEST(Delivery, BlebAndInfusionDoses) {
  const auto report = run_file("bleb_and_infusion.toml", "skinrd_test_bleb");
  for (const auto& r : report.records.at(0)) {
    EXPECT_NEAR(r.ledger.dosed * kAmount, 1e4, 1e-8) << r.time_s;
    const double infused = std::clamp((r.time_s - 600) / 600, 0.0, 1.0) * 2e4;
    EXPECT_NEAR(r.ledger.added_by_source * kAmount, infused, 1e-8 * 2e4) << r.time_s;
    EXPECT_LE(r.ledger.balance_residual(), 1e-12) << r.time_s;
  }
}

// The same scenario twice on the same backend gives identical metrics.
TEST(Delivery, RunsAreRepeatableAndComplete) {
  run_file("bleb_and_infusion.toml", "skinrd_test_repeat_a");
  run_file("bleb_and_infusion.toml", "skinrd_test_repeat_b");
  auto read = [](const std::string& dir) {
    std::ifstream in(fs::temp_directory_path() / dir / "metrics.csv");
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string a = read("skinrd_test_repeat_a"), b = read("skinrd_test_repeat_b");
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  for (const char* file : {"metrics.csv", "summary.json", "scenario.toml", "provenance.json"})
    EXPECT_TRUE(fs::exists(fs::temp_directory_path() / "skinrd_test_repeat_a" / file)) << file;
}

// Crank (1975) §3.3.6: a well-stirred film of thickness h over a semi-infinite medium with
// diffusion D and partition K = K_tissue/K_film holds c/c0 = exp(t/τ) erfc(√(t/τ)),
// τ = (h/K)²/D. Film D = 1e4 um²/s (stirred), h = 20 um, tissue D = 10 um²/s, K = 0.5:
// τ = 160 s; compared at 0.25 to 4 τ, within 1e-3 of c0 (measured: 4e-5 at 0.25 τ).
TEST(Delivery, FiniteFilmEmptiesAsCrank) {
  MaterialTable table({"film", "tissue"}, {"s"});
  table.at(0, 0) = {1e4, 1.0};
  table.at(1, 0) = {10, 0.5};
  Problem problem{make_grid(1, 1, 10, {{"film", 20, 1, 0}, {"tissue", 1200, 1, 1}}), table,
                  {true, kernels::TopBoundary::zero_flux, {}, kernels::BottomBoundary::zero_flux}};
  Simulation<double> sim(std::move(problem), BackendKind::cpu, Scheme::adi);
  std::vector<double> c(sim.problem().grid.voxel_count(), 0.0);
  for (int k = 0; k < 20; ++k) c[k] = 1.0;
  sim.set_concentration(0, c);
  const double tau = std::pow(20 / 0.5, 2) / 10;
  for (double t_over_tau : {0.25, 0.5, 1.0, 2.0, 4.0}) {
    sim.advance_to(t_over_tau * tau, 0.05);
    const auto field = sim.concentration(0);
    double film = 0;
    for (int k = 0; k < 20; ++k) film += field[k] / 20;
    const double exact = std::exp(t_over_tau) * std::erfc(std::sqrt(t_over_tau));
    EXPECT_NEAR(film, exact, 1e-3) << "t/tau = " << t_over_tau;
    RecordProperty("crank_error_at_" + std::to_string(t_over_tau), std::to_string(film - exact));
  }
}

}  // namespace

namespace {

// [species.define.NAME]: a protein from its MW alone gets D in water from Wilkins 1999 +
// Stokes–Einstein, D_SC = k_p·L/K for the scenario's own SC (forearm), binding where its
// table says (viable epidermis too), uptake and intracellular loss only in the hypodermis;
// it runs, the ledger closes, and summary.json lists its estimate-tagged values.
TEST(Delivery, DefinedSpeciesLoadAndRun) {
  const auto library = scenario::load_library(kSource + "/scenarios/library");
  const auto s = scenario::load_scenario(kSource + "/tests/scenarios/defined_species.toml", {}, library);
  ASSERT_EQ(s.species.size(), 2u);
  const scenario::SpeciesEntry& protein = s.species[0];
  const double radius_nm = 0.475 * std::pow(14300.0 / 110, 0.29);
  EXPECT_NEAR(protein.diffusion_water_um2_per_s, 3.29e-6 / radius_nm * 1e8, 0.01 * protein.diffusion_water_um2_per_s);
  EXPECT_EQ(protein.provenance.at("diffusion_water").tag, "D");
  const auto& c = protein.by_material;
  EXPECT_GT(c.at("viable_epidermis").binding_capacity, 0.0);
  EXPECT_EQ(c.at("reticular_dermis").binding_capacity, 0.0);
  EXPECT_EQ(c.at("papillary_dermis").uptake_max_conc_per_s, 0.0);
  EXPECT_GT(c.at("hypodermis").uptake_max_conc_per_s, 0.0);
  EXPECT_NEAR(c.at("hypodermis").internalised_degradation_per_s, 0.3 / 3600, 1e-12);
  double sc_um = 0;
  for (const auto& layer : s.tissue.layers)
    if (layer.like == "stratum_corneum") sc_um += layer.thickness_um;
  ASSERT_TRUE(protein.sc_permeability_cm_per_h);
  EXPECT_NEAR(c.at("stratum_corneum").diffusion_um2_per_s,
              *protein.sc_permeability_cm_per_h * 1e4 / 3600 * sc_um, 1e-9 * c.at("stratum_corneum").diffusion_um2_per_s);
  EXPECT_GT(c.at("stratum_corneum").diffusion_um2_per_s, 0.0);

  run::RunOptions options;
  options.out_dir = (fs::temp_directory_path() / "skinrd_test_defined").string();
  options.force = true;
  std::ostringstream progress;
  const auto report = run::run_scenario(s, options, progress);
  for (const auto& records : report.records)
    for (const auto& r : records) EXPECT_LE(r.ledger.balance_residual(), 1e-4) << r.time_s;
  // The small molecule crosses intact SC into the viable epidermis within the hour.
  EXPECT_GT(report.records.at(1).back().layers.at(2).free, 0.0);
  std::ifstream summary(fs::path(options.out_dir) / "summary.json");
  std::stringstream text;
  text << summary.rdbuf();
  EXPECT_NE(text.str().find("\"estimates\""), std::string::npos);
  EXPECT_NE(text.str().find("\"species\": \"lysozyme_like\""), std::string::npos);
  EXPECT_NE(text.str().find("\"coefficient\": \"degradation\""), std::string::npos);
  EXPECT_NE(text.str().find("\"tag\": \"E\""), std::string::npos);
}

// The derived intact-SC D of a protein is small but not zero, so occlusion's hydration factor
// now acts on it: with the SC limiting the crossing (D_SC ~ 1e-8 um^2/s against the film's 50
// and the tissue's ~40), 3 × the SC's D lets ~3 × as much below it within the hour.
TEST(Delivery, HydrationActsOnTheDerivedIntactBarrier) {
  const auto library = scenario::load_library(kSource + "/scenarios/library");
  const auto base = scenario::load_scenario(kSource + "/tests/scenarios/defined_species.toml", {}, library);
  auto below_sc = [&](double hydration, const char* out) {
    auto s = base;
    for (auto& dose : s.deliveries.get<delivery::TopicalFilms>().doses) {
      dose.occluded = true;
      dose.evaporation_um_per_s = 0;
      dose.hydration_factor = hydration;
    }
    run::RunOptions options;
    options.out_dir = (fs::temp_directory_path() / out).string();
    options.force = true;
    std::ostringstream progress;
    const auto report = run::run_scenario(s, options, progress);
    const auto& r = report.records.at(0).back();  // the protein
    double amount = r.ledger.degraded + r.ledger.cleared + r.ledger.lost_bottom;
    for (std::size_t l = 2; l < r.layers.size(); ++l)
      amount += r.layers[l].free + r.layers[l].bound + r.layers[l].internalised;
    return amount;
  };
  const double plain = below_sc(1, "skinrd_test_hydration_1"), hydrated = below_sc(3, "skinrd_test_hydration_3");
  EXPECT_GT(plain, 0.0);
  EXPECT_NEAR(hydrated / plain, 3.0, 0.15);
}

}  // namespace

namespace {

// A film at 10× its solubility S (90 % solid) passes what a constant-concentration film at S
// passes (zero order, within 1 %) while the solid lasts; once the film is below S (its content
// at S·V at ~2.1 h) the flux falls: over 3–6 h it passes under 5 % of the constant film's.
TEST(Delivery, SaturatedFilmHoldsItsSolubilityUntilTheSolidIsGone) {
  const auto saturated = run_file("saturated_film.toml", "skinrd_test_saturated");
  const auto at_solubility = run_file("saturated_film.toml", "skinrd_test_saturated_constant",
                                      {"topical.0.concentration=\"100 ng/mL\"", "topical.0.constant=true",
                                       "topical.0.solubility=\"0 ng/mL\""});
  const auto& a = saturated.records.at(0);
  const auto& b = at_solubility.records.at(0);
  ASSERT_EQ(a.size(), b.size());
  auto film = [](const run::OutputRecord& r) { return r.layers.front(); };
  auto passed = [&](const run::OutputRecord& r) {
    return r.ledger.dosed + r.ledger.entered_top - film(r).free;
  };
  const double film_volume_um3 = 20.0 * 50 * 50;  // 2 uL/cm^2 = 20 um over 50 × 50 um
  for (std::size_t n = 1; n < a.size(); ++n) {
    EXPECT_LE(a[n].ledger.balance_residual(), 1e-12);
    const double t_h = a[n].time_s / 3600;
    if (t_h <= 1.5) {
      EXPECT_NEAR(passed(a[n]) / passed(b[n]), 1.0, 0.01) << t_h << " h";
      EXPECT_GT(film(a[n]).free / film_volume_um3, 100.0) << t_h << " h: still solid";
    }
    if (t_h >= 3) EXPECT_LT(film(a[n]).free / film_volume_um3, 100.0) << t_h << " h: all dissolved";
  }
  const std::size_t at_3h = 12, last = a.size() - 1;  // outputs every 15 min
  ASSERT_NEAR(a[at_3h].time_s, 3 * 3600, 1e-9);
  EXPECT_LT(passed(a[last]) - passed(a[at_3h]), 0.05 * (passed(b[last]) - passed(b[at_3h])));
  // In float too the ledger closes through the 180 saturation updates (they restart nothing:
  // with a start-up smoothing at each it drifted to 1.6e-4).
  const auto in_float = run_file("saturated_film.toml", "skinrd_test_saturated_float", {"run.precision=\"float\""});
  for (const auto& r : in_float.records.at(0)) EXPECT_LE(r.ledger.balance_residual(), 1e-5) << r.time_s;
}

}  // namespace
