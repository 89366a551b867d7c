#include "host/delivery/pores.hpp"

#include <cmath>
#include <utility>

#include "host/scenario/scenario.hpp"
#include "host/tissue_materials.hpp"

namespace skinrd::delivery {

MaterialTable materials_with_pores(const scenario::Scenario& scenario, const MaterialTable& base,
                                   const SkinState& skin) {
  MaterialTable table = base;
  const double open = std::exp(-skin.pore_elapsed_s / skin.pore_closure_s);
  const TissueMaterials materials = scenario.tissue.materials();
  for (int s = 0; s < table.species_count(); ++s) {
    const double free_d = skin.pore_fill_diffusion_um2_per_s.empty()
                              ? scenario.species[s].diffusion_water_um2_per_s
                              : skin.pore_fill_diffusion_um2_per_s[s];
    for (int n = 0; n < materials.layer_count(); ++n) {
      SpeciesCoefficients c = base.at(materials.layer(n), s);
      c.diffusion_um2_per_s = c.diffusion_um2_per_s + (free_d - c.diffusion_um2_per_s) * open;
      table.at(materials.pore(n), s) = c;
    }
  }
  return table;
}

}  // namespace skinrd::delivery
