// The species and site library: it loads, every value carries a source and a tag, intact
// stratum corneum lets nothing through, and vesicle diffusion follows Stokes–Einstein.
#include <gtest/gtest.h>

#include "host/scenario/library.hpp"

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
                          "IL10", "exosome"})
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

// DESIGN §1 / parameters.md §5: growth factors (> 500 Da) and vesicles do not cross intact
// stratum corneum; every other layer is permeable.
TEST(Library, IntactStratumCorneumIsImpermeable) {
  for (const auto& [key, entry] : library().species) {
    EXPECT_EQ(entry.by_material.at("stratum_corneum").diffusion_um2_per_s, 0.0) << key;
    for (const char* layer : {"viable_epidermis", "papillary_dermis", "reticular_dermis"})
      EXPECT_GT(entry.by_material.at(layer).diffusion_um2_per_s, 0.0) << key << " " << layer;
  }
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
