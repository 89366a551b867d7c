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
  for (int s = 0; s < table.species_count(); ++s) {
    const double free_d = skin.pore_fill_diffusion_um2_per_s.empty()
                              ? scenario.species[s].diffusion_water_um2_per_s
                              : skin.pore_fill_diffusion_um2_per_s[s];
    for (MaterialId layer : {MaterialId::stratum_corneum, MaterialId::viable_epidermis}) {
      SpeciesCoefficients c = base.at(id(layer), s);
      c.diffusion_um2_per_s = c.diffusion_um2_per_s + (free_d - c.diffusion_um2_per_s) * open;
      table.at(pore_of(id(layer)), s) = c;
    }
  }
  return table;
}

}  // namespace skinrd::delivery
