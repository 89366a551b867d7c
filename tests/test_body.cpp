// The body behind the skin and the receptor under it (host/body/): the systemic compartment
// against the one-compartment Bateman solution, a unit cell scaled by the treated area against
// a 2 × 2 block of unit cells, a finite well-stirred receptor against the quasi-steady membrane
// solution (Crank), and the Robin bottom's steady flux against series conductances.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>

#include "host/body/body_coupling.hpp"
#include "host/run/runner.hpp"
#include "host/simulation.hpp"
#include "host/validation/case_support.hpp"

namespace {

namespace fs = std::filesystem;
using namespace skinrd;
using validation::support::MaterialLayer;
using validation::support::make_problem;

// A scenario with only what BodyCoupling reads: one species, its PK, the bottom.
scenario::Scenario body_scenario(scenario::BottomKind bottom, double v_L_per_kg, double half_life_s) {
  scenario::Scenario s;
  s.tissue.bottom_kind = bottom;
  scenario::SpeciesEntry species;
  species.key = "solute";
  species.volume_of_distribution_L_per_kg = v_L_per_kg;
  species.elimination_half_life_s = half_life_s;
  s.species.push_back(species);
  return s;
}

// Steps of the simulation in chunks, coupling the body after each (as the runner does).
template <class Real>
void advance_coupled(Simulation<Real>& sim, body::BodyCoupling& body, double t_end_s,
                     double chunk_s, double dt_s) {
  while (sim.time_s() < t_end_s - 1e-9) {
    sim.advance_to(std::min(t_end_s, sim.time_s() + chunk_s), dt_s);
    body.advance(sim.time_s(), {sim.ledger(0)});
    const auto bottom = body.bottom_values();
    if (!bottom.empty()) sim.set_bottom_concentration(bottom);
  }
}

// (a) A depot in the tissue cleared first-order (ka) into a one-compartment body (k, V): the
// plasma follows Bateman, C = F·ka/(V(ka − k))·(e^{−kt} − e^{−ka t}). The explicit step's
// exponential integrator makes the depot exact; the pool's constant-rate steps err by
// O((ka·Δt)²), 1e-8 at Δt = 1 s.
TEST(Body, SystemicCompartmentFollowsBateman) {
  const double ka = 1.0 / 3600, half_life_s = 1800, k = std::numbers::ln2 / half_life_s;
  const double v_L_per_kg = 0.1, mass_kg = 70;
  const double dx = 10, c0 = 1000;  // one 10 um voxel: dose F = c0 · 1000 um^3
  Simulation<double> sim(
      make_problem(1, 1, dx, {{{"depot", dx, dx}, {0, 1, 0, ka}}},
                   Boundaries{true, kernels::TopBoundary::zero_flux, {0.0},
                              kernels::BottomBoundary::zero_flux}),
      BackendKind::cpu, Scheme::explicit_euler);
  sim.set_concentration(0, std::vector<double>(1, c0));
  auto s = body_scenario(scenario::BottomKind::zero_flux, v_L_per_kg, half_life_s);
  body::BodyCoupling body(s, dx * dx);
  const double dose = c0 * dx * dx * dx, volume = v_L_per_kg * mass_kg * body::kUm3PerLitre;
  double worst = 0, cmax = 0;
  for (int hour = 1; hour <= 8; ++hour) {
    advance_coupled(sim, body, 3600.0 * hour, 1.0, 1.0);
    const double exact = body::bateman_concentration(dose, ka, k, volume, 3600.0 * hour);
    worst = std::max(worst, std::abs(body.record(0).plasma_concentration - exact) / exact);
  }
  EXPECT_LT(worst, 1e-6);
  // C_max at t_max = ln(ka/k)/(ka − k); the record's peak is taken at the coupling times.
  const double t_max = std::log(ka / k) / (ka - k);
  cmax = body::bateman_concentration(dose, ka, k, volume, t_max);
  const body::BodyRecord r = body.record(0);
  EXPECT_NEAR(r.plasma_peak_concentration, cmax, 1e-6 * cmax);
  EXPECT_NEAR(r.plasma_peak_time_s, t_max, 1.0);
  // Everything cleared is in plasma or eliminated.
  EXPECT_LT(r.residual, 1e-12);
  EXPECT_NEAR(r.systemic_amount + r.eliminated, sim.ledger(0).cleared, 1e-12 * dose);
  // AUC: ∫C dt = ∫ Bateman = F/(V k)·(1 − ...) at 8 h, by the closed form.
  const double t = 8 * 3600.0;
  const double auc = dose * ka / (volume * (ka - k)) *
                     ((1 - std::exp(-k * t)) / k - (1 - std::exp(-ka * t)) / ka);
  EXPECT_NEAR(r.plasma_auc_conc_s, auc, 1e-6 * auc);
}

// A constant input (zero-order infusion R) is integrated exactly at any step:
// C = R/(kV)·(1 − e^{−kt}).
TEST(Body, PoolIsExactForConstantInput) {
  body::WellStirredPool pool{2.0, 1e-3};
  const double rate = 3.0;
  for (int n = 1; n <= 10; ++n) pool.step(rate * 500, 500, 500.0 * n);
  const double exact = rate / (1e-3 * 2.0) * (1 - std::exp(-1e-3 * 5000));
  EXPECT_NEAR(pool.concentration(), exact, 1e-13 * exact);
  EXPECT_NEAR(pool.amount + pool.removed, rate * 5000, 1e-12 * rate * 5000);
}

// (d) A slab (L, D, K) between a fixed top u0 and a Robin bottom h with u_b beyond it: the
// steady flux is (u0 − u_b)/(L/(D·K) + 1/h), the half cells and the contact in series.
TEST(Body, RobinBottomSteadyFluxIsSeriesConductance) {
  const double L = 100, D = 50, K = 2, h = 0.4, u0 = 3, u_b = 1, dx = 10;
  for (Scheme scheme : {Scheme::adi, Scheme::explicit_euler}) {
    SpeciesCoefficients slab{D, K, 0, 0};
    slab.bottom_resistance_s_per_um = 1 / h;
    Boundaries bc = validation::support::fixed_top(u0, kernels::BottomBoundary::perfect_sink);
    bc.bottom_concentration = {u_b};
    Simulation<double> sim(make_problem(1, 1, dx, {{{"slab", L, 10}, slab}}, bc),
                           BackendKind::cpu, scheme);
    const double relax_s = 20 * L * L / D;
    const double dt = scheme == Scheme::adi ? 2.0 : 0;
    sim.advance_to(relax_s, dt);
    const double before = sim.ledger(0).lost_bottom;
    sim.advance_to(relax_s + 100, dt);
    const double flux = (sim.ledger(0).lost_bottom - before) / (100 * dx * dx);
    const double exact = (u0 - u_b) / (L / (D * K) + 1 / h);
    EXPECT_NEAR(flux, exact, 1e-6 * exact) << to_string(scheme);
    EXPECT_LT(sim.ledger(0).balance_residual(), 1e-10) << to_string(scheme);
  }
  // The body's contact: h = K·√(D·k) of the medium below.
  SpeciesCoefficients hypodermis{46.9, 1, 0, 2e-5};
  EXPECT_DOUBLE_EQ(body::body_contact_resistance_s_per_um(hypodermis),
                   1 / std::sqrt(46.9 * 2e-5));
}

// A sink's bottom (R = 0, u_b = 0) is unchanged by the generalisation: bit for bit the half cell.
TEST(Body, SinkIsTheZeroResistanceContact) {
  Boundaries bc = validation::support::fixed_top(1, kernels::BottomBoundary::perfect_sink);
  const auto run = [&](bool with_values) {
    Boundaries b = bc;
    if (with_values) b.bottom_concentration = {0.0};
    Simulation<double> sim(make_problem(1, 1, 10, {{{"slab", 50, 5}, {20, 1.5, 0, 0}}}, b),
                           BackendKind::cpu, Scheme::adi);
    sim.advance_to(300, 3);
    return sim.ledger(0).lost_bottom;
  };
  EXPECT_EQ(run(false), run(true));
}

// (c) A membrane (L, D, K) between a constant donor C_d and a well-stirred receptor of volume
// V per area A: with the membrane's capacity K·L ≪ V/A the receptor follows the quasi-steady
// solution C_r = C_d·(1 − e^{−(t − t_lag)·P·A/V}), P = D·K/L, t_lag = L²/(6D) (Crank §4.3).
TEST(Body, FiniteReceptorFollowsCrank) {
  const double L = 20, D = 100, K = 1, c_d = 1, dx = 10;
  const double volume_per_area_um = 20000;  // 2 mL/cm^2
  auto s = body_scenario(scenario::BottomKind::receptor, 0, 0);
  s.receptor.volume_per_area_uL_per_cm2 = volume_per_area_um / scenario::kFilmUmPerUL_per_cm2;
  Boundaries bc = validation::support::fixed_top(c_d, kernels::BottomBoundary::perfect_sink);
  bc.bottom_concentration = {0.0};
  Simulation<double> sim(make_problem(1, 1, dx, {{{"membrane", L, 2}, {D, K, 0, 0}}}, bc),
                         BackendKind::cpu, Scheme::adi);
  body::BodyCoupling body(s, dx * dx);
  const double tau_s = volume_per_area_um * L / (D * K), lag_s = L * L / (6 * D);
  double worst = 0;
  for (double t : {0.5 * tau_s, tau_s, 2 * tau_s}) {
    advance_coupled(sim, body, t, 5.0, 1.0);
    const double exact = c_d * (1 - std::exp(-(t - lag_s) / tau_s));
    worst = std::max(worst, std::abs(body.record(0).receptor_concentration - exact) / exact);
  }
  EXPECT_LT(worst, 0.01);
  const body::BodyRecord r = body.record(0);
  EXPECT_NEAR(r.receptor_amount + r.collected, sim.ledger(0).lost_bottom,
              1e-12 * sim.ledger(0).lost_bottom);
}

// A flow-through receptor (flow Q per area) reaches C_r = C_d·P/(P + Q/A); its washout is
// collected, and what crossed the bottom is in the receptor or collected.
TEST(Body, FlowThroughReceptorSteadyState) {
  const double L = 20, D = 100, K = 1, c_d = 1, dx = 10;
  auto s = body_scenario(scenario::BottomKind::receptor, 0, 0);
  s.receptor.volume_per_area_uL_per_cm2 = 200;                       // 2000 um
  s.receptor.flow_uL_per_cm2_s = 0.5;                                 // Q/A = 5 um/s
  Boundaries bc = validation::support::fixed_top(c_d, kernels::BottomBoundary::perfect_sink);
  bc.bottom_concentration = {0.0};
  Simulation<double> sim(make_problem(1, 1, dx, {{{"membrane", L, 2}, {D, K, 0, 0}}}, bc),
                         BackendKind::cpu, Scheme::adi);
  body::BodyCoupling body(s, dx * dx);
  advance_coupled(sim, body, 4000, 2.0, 0.5);  // 10 × V/(A·P + Q)
  const double P = D * K / L, q = 0.5 * scenario::kFilmUmPerUL_per_cm2;
  const double exact = c_d * P / (P + q);
  const body::BodyRecord r = body.record(0);
  EXPECT_NEAR(r.receptor_concentration, exact, 0.01 * exact);
  EXPECT_GT(r.collected, 0);
  EXPECT_LT(r.residual, 1e-12);
}

// (b) One bleb in a periodic unit cell scaled by the treated area gives the plasma curve of a
// 2 × 2 block of unit cells with four blebs (the same dose per area), scaled the same way.
std::string bleb_toml(double lateral_um, const std::vector<std::pair<double, double>>& blebs) {
  std::ostringstream t;
  t << "name = \"cells\"\n[run]\nduration = \"2 h\"\noutput_interval = \"30 min\"\n"
       "scheme = \"adi\"\ndt = \"60 s\"\nprecision = \"double\"\n"
       "[tissue]\nsite = \"forearm\"\nlateral_size = \"" << lateral_um << " um\"\n"
       "dx = \"40 um\"\nbottom = \"body\"\ntreated_area = \"25 cm^2\"\n"
       "[tissue.layers.reticular_dermis]\nthickness = \"400 um\"\ndz = \"40 um\"\n"
       "[tissue.layers.hypodermis]\nthickness = \"200 um\"\ndz = \"40 um\"\n"
       "[body]\nmass = \"70 kg\"\n[species]\nuse = [\"KGF\"]\n";
  for (auto [x, y] : blebs)
    t << "[[intradermal]]\nspecies = \"KGF\"\nvolume = \"0.0001 uL\"\n"
         "concentration = \"100 ug/mL\"\ndepth = \"300 um\"\nx = \"" << x << " um\"\ny = \""
      << y << " um\"\n";
  return t.str();
}

TEST(Body, UnitCellScaledByTreatedAreaMatchesABlock) {
  const std::string source = SKINRD_SOURCE_DIR;
  const auto library = scenario::load_library(source + "/scenarios/library");
  auto run = [&](const std::string& name, const std::string& toml) {
    const fs::path file = fs::temp_directory_path() / (name + ".toml");
    std::ofstream(file) << toml;
    const auto s = scenario::load_scenario(file.string(), {}, library);
    run::RunOptions options;
    options.out_dir = (fs::temp_directory_path() / ("skinrd_body_" + name)).string();
    options.force = true;
    std::ostringstream progress;
    return run::run_scenario(s, options, progress).records.front();
  };
  const auto cell = run("cell", bleb_toml(160, {{80, 80}}));
  const auto block = run("block", bleb_toml(320, {{80, 80}, {240, 80}, {80, 240}, {240, 240}}));
  ASSERT_EQ(cell.size(), block.size());
  double peak = 0;
  for (const auto& r : cell) peak = std::max(peak, r.body.plasma_concentration);
  ASSERT_GT(peak, 0);
  for (std::size_t n = 0; n < cell.size(); ++n) {
    EXPECT_NEAR(cell[n].body.plasma_concentration, block[n].body.plasma_concentration, 1e-5 * peak)
        << "at " << cell[n].time_s << " s";
    EXPECT_LT(cell[n].body.residual, 1e-10);
  }
}

}  // namespace
