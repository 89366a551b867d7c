// The species and site library: it loads, every value carries a source and a tag, intact
// stratum corneum lets every species through at a size-dependent, tiny but non-zero rate
// (permeability.hpp), and vesicle diffusion follows Stokes–Einstein.
#include <gtest/gtest.h>

#include <cmath>

#include "host/scenario/library.hpp"
#include "host/scenario/permeability.hpp"

#ifndef SKINRD_SOURCE_DIR
#error "SKINRD_SOURCE_DIR must point at the repository"
#endif

namespace {

using namespace skinrd::scenario;

const Library& library() {
  static const Library loaded = load_library(std::string(SKINRD_SOURCE_DIR) + "/scenarios/library");
  return loaded;
}

TEST(Library, HasEverySpeciesAndSite) {
  for (const char* key : {"VEGF", "bFGF", "EGF", "TGF_beta1", "HGF", "IGF1", "KGF", "PDGF_BB",
                          "IL10", "exosome", "caffeine"})
    EXPECT_TRUE(library().species.count(key)) << key;
  for (const char* key : {"forearm", "face_cheek"}) EXPECT_TRUE(library().sites.count(key)) << key;
}

TEST(Library, EveryValueHasASourceAndATag) {
  for (const auto& [key, entry] : library().species)
    for (const auto& [name, value] : entry.provenance) {
      EXPECT_FALSE(value.source.empty()) << key << "." << name;
      EXPECT_FALSE(value.tag.empty()) << key << "." << name;
    }
}

// DESIGN §7 "no structural zeros": intact SC lets every species through at a size-dependent,
// tiny but non-zero rate — growth factors orders of magnitude below the viable epidermis,
// vesicles below every protein, the small molecule far above them — tagged derived, never M.
TEST(Library, IntactStratumCorneumIsTinyButNotZero) {
  const double exosome_sc = library().species.at("exosome").by_material.at("stratum_corneum").diffusion_um2_per_s;
  for (const auto& [key, entry] : library().species) {
    const double sc = entry.by_material.at("stratum_corneum").diffusion_um2_per_s;
    EXPECT_GT(sc, 0.0) << key;
    EXPECT_LT(sc, 1e-3 * entry.by_material.at("viable_epidermis").diffusion_um2_per_s) << key;
    if (key != "exosome") EXPECT_GT(sc, 100 * exosome_sc) << key;
    EXPECT_EQ(entry.provenance.at("diffusion.stratum_corneum").tag, "D") << key;
    for (const char* layer : {"viable_epidermis", "papillary_dermis", "reticular_dermis"})
      EXPECT_GT(entry.by_material.at(layer).diffusion_um2_per_s, 0.0) << key << " " << layer;
  }
  const auto sc_of = [](const char* key) {
    return library().species.at(key).by_material.at("stratum_corneum").diffusion_um2_per_s;
  };
  EXPECT_GT(sc_of("caffeine"), 1e3 * sc_of("EGF"));
  EXPECT_GT(sc_of("EGF"), sc_of("VEGF"));  // 6.2 kDa crosses faster than 38 kDa
}

// The 500 Da rule is a rule of thumb: nothing that cites it may be tagged measured.
TEST(Library, NoRuleOfThumbTaggedMeasured) {
  for (const auto& [key, entry] : library().species)
    for (const auto& [name, value] : entry.provenance)
      if (value.source.find("500 Da") != std::string::npos) EXPECT_NE(value.tag, "M") << key << "." << name;
}

// Renkin's hindrance for a cylindrical pore (parameters.md §3), written out here at
// λ = 0.3: (1 − λ)² · (1 − 2.105λ + 2.0865λ³ − 1.7068λ⁵ + 0.72603λ⁶)/(1 − 0.75857λ⁵).
TEST(Permeability, RenkinHindrance) {
  EXPECT_DOUBLE_EQ(renkin_hindrance(0), 1.0);
  EXPECT_EQ(renkin_hindrance(1), 0.0);
  EXPECT_EQ(renkin_hindrance(3), 0.0);
  const double l = 0.3;
  const double by_hand = 0.49 * (1 - 0.6315 + 2.0865 * 0.027 - 1.7068 * 0.00243 + 0.72603 * 0.000729) /
                         (1 - 0.75857 * 0.00243);
  EXPECT_NEAR(renkin_hindrance(l), by_hand, 1e-12);
}

// Potts & Guy 1992 for caffeine (MW 194.2, log K_ow −0.083): parameters.md §10b gives
// k_p = 1.09e-4 cm/h from the formula.
TEST(Permeability, PottsGuyForCaffeine) {
  EXPECT_NEAR(potts_guy_cm_per_h(-0.083, 194.2), 1.09e-4, 0.005e-4);
}

// The SC permeability reproduces its formula, k_p = Σ (ε/τL)·D∞·H(r/r_pore) + Potts–Guy, at
// three sizes: a small molecule (MW 194, r 0.4 nm, with its lipid route), a 20 kDa protein
// (r 2.2 nm: only the large pores pass it) and a 150 kDa antibody (r 5.3 nm). D∞ from
// Stokes–Einstein, D[cm²/s] = 3.29e-6 / r[nm] (parameters.md §2). Then D = k_p·L/K.
TEST(Permeability, ReproducesTheFormulaAtThreeSizes) {
  const BarrierModel barrier{{2.0, 6.64e-5}, {100.0, 1e-8}};
  struct Size { double mw, radius_nm; bool lipid; };
  for (const Size& s : {Size{194, 0.4, true}, Size{20000, 2.2, false}, Size{150000, 5.3, false}}) {
    const double d_cm2_per_s = 3.29e-6 / s.radius_nm;
    auto h = [](double l) {
      return l >= 1 ? 0.0
                    : (1 - l) * (1 - l) *
                          (1 - 2.105 * l + 2.0865 * std::pow(l, 3) - 1.7068 * std::pow(l, 5) +
                           0.72603 * std::pow(l, 6)) / (1 - 0.75857 * std::pow(l, 5));
    };
    double kp_cm_per_h = 3600 * d_cm2_per_s *
                         (6.64e-5 * h(s.radius_nm / 2.0) + 1e-8 * h(s.radius_nm / 100.0));
    if (s.lipid) kp_cm_per_h += std::pow(10.0, -2.72 + 0.71 * -0.083 - 0.0061 * s.mw);
    const double computed = sc_permeability_cm_per_h(barrier, d_cm2_per_s * 1e8, s.radius_nm, s.mw,
                                                      s.lipid ? std::optional<double>(-0.083) : std::nullopt);
    EXPECT_GT(computed, 0.0) << s.mw;
    EXPECT_NEAR(computed, kp_cm_per_h, 1e-3 * kp_cm_per_h) << s.mw;
    // D = k_p·L/K: 1 cm/h = 1e4/3600 um/s; L = 15 um, K = 2.
    EXPECT_NEAR(sc_diffusion_um2_per_s(computed, 15, 2), computed * 1e4 / 3600 * 15 / 2,
                1e-12 * computed * 1e4);
  }
  // The small pores stop the 20 kDa protein (λ = 1.1): only the large pores carry it.
  EXPECT_EQ(renkin_hindrance(2.2 / 2.0), 0.0);
}

// parameters.md §10b: with K = 1 and h = 15 um the Potts–Guy k_p of caffeine means
// D_SC ≈ 4.5e-11 cm²/s; the library's caffeine (h = 14.1 um) is that within 10 %.
TEST(Library, CaffeineStratumCorneumMatchesPottsGuy) {
  const double d = library().species.at("caffeine").by_material.at("stratum_corneum").diffusion_um2_per_s;
  EXPECT_NEAR(d, 4.5e-11 * 1e8 * 14.1 / 15, 0.1 * 4.5e-3);
}

// D = k_B T / (3 π η d) at 37 °C, η = 0.6913 mPa s: 6.57 um²/s for d = 100 nm
// (parameters.md §4 gives 6.6 um²/s [D]).
TEST(Library, VesicleDiffusionFromStokesEinstein) {
  EXPECT_NEAR(stokes_einstein_um2_per_s(100), 6.57, 0.01);
  const SpeciesEntry& exosome = library().species.at("exosome");
  EXPECT_TRUE(exosome.basis.particles);
  EXPECT_GT(exosome.diameter_nm, 0);
  EXPECT_LT(exosome.by_material.at("papillary_dermis").diffusion_um2_per_s,
            stokes_einstein_um2_per_s(exosome.diameter_nm));  // hindered in tissue
}

TEST(Library, SitesStackFiveLayers) {
  for (const auto& [key, site] : library().sites) {
    ASSERT_EQ(site.layers.size(), 5u) << key;
    for (const auto& layer : site.layers) {
      EXPECT_GT(layer.thickness_um, 0) << key << " " << layer.material;
      EXPECT_GT(layer.dz_um, 0) << key << " " << layer.material;
    }
  }
}

}  // namespace
