#include "host/delivery/fluid_spaces.hpp"

#include <algorithm>
#include <cmath>

#include "host/delivery/regions.hpp"
#include "host/scenario/scenario.hpp"
#include "host/tissue_materials.hpp"

namespace skinrd::delivery {

double pore_open_fraction(double elapsed_s, double closure_s) {
  if (elapsed_s <= 0) return 1;
  if (elapsed_s >= closure_s) return 0;
  constexpr double kClosuresPerTime = 1.5;  // T/τ
  const double floor = std::exp(-kClosuresPerTime);
  return (std::exp(-kClosuresPerTime * elapsed_s / closure_s) - floor) / (1 - floor);
}

double bleb_fluid_fraction(double elapsed_s, double infusion_s, double half_life_s) {
  if (elapsed_s <= 0) return infusion_s > 0 ? 0 : 1;
  const double k = std::log(2.0) / half_life_s;
  if (infusion_s <= 0) return std::exp(-k * elapsed_s);
  // dV/dt = V0/T_inf − k·V while infusing, then − k·V.
  const double infusing = std::min(elapsed_s, infusion_s);
  const double at_end = -std::expm1(-k * infusing) / (k * infusion_s);
  return at_end * std::exp(-k * std::max(0.0, elapsed_s - infusion_s));
}

double bleb_fluid_volume_uL(const Grid& grid, const std::vector<std::uint8_t>& material,
                            const TissueMaterials& materials, double fluid_fraction) {
  if (fluid_fraction <= 0) return 0;
  std::vector<std::size_t> bleb;
  for (std::size_t v = 0; v < material.size(); ++v)
    if (const auto layer = materials.layer_of(material[v]);
        layer && material[v] == materials.bleb(*layer))
      bleb.push_back(v);
  return fluid_fraction * region_volume_um3(grid, bleb) / scenario::kUm3PerUL;
}

MaterialTable materials_with_fluid_spaces(const scenario::Scenario& scenario,
                                          const MaterialTable& base, const SkinState& skin) {
  MaterialTable table = base;
  const double open = pore_open_fraction(skin.pore_elapsed_s, skin.pore_closure_s);
  const double fluid = skin.bleb_fluid_fraction;
  const TissueMaterials materials = scenario.tissue.materials();
  for (int s = 0; s < table.species_count(); ++s) {
    const double water_d = scenario.species[s].diffusion_water_um2_per_s;
    const double fill_d =
        skin.pore_fill_diffusion_um2_per_s.empty() ? water_d : skin.pore_fill_diffusion_um2_per_s[s];
    for (int n = 0; n < materials.layer_count(); ++n) {
      const SpeciesCoefficients& layer = base.at(materials.layer(n), s);
      SpeciesCoefficients pore = layer;
      pore.diffusion_um2_per_s += (fill_d - layer.diffusion_um2_per_s) * open;
      table.at(materials.pore(n), s) = pore;
      SpeciesCoefficients bleb = layer;
      bleb.diffusion_um2_per_s += (water_d - layer.diffusion_um2_per_s) * fluid;
      bleb.binding_capacity *= 1 - fluid;
      bleb.uptake_max_conc_per_s *= 1 - fluid;
      table.at(materials.bleb(n), s) = bleb;
    }
  }
  return table;
}

}  // namespace skinrd::delivery
