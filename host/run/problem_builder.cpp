#include "host/run/problem_builder.hpp"

#include <cmath>

#include "host/delivery/delivery.hpp"
#include "host/tissue_materials.hpp"

namespace skinrd::run {
namespace {

std::uint8_t tissue_material_id(const std::string& name) {
  const auto& names = scenario::tissue_materials();
  for (std::size_t m = 0; m < names.size(); ++m)
    if (names[m] == name) return static_cast<std::uint8_t>(id(MaterialId::stratum_corneum) + m);
  return id(MaterialId::stratum_corneum);
}

}  // namespace

MaterialTable build_materials(const scenario::Scenario& scenario) {
  const std::vector<std::string> material_names(std::begin(kMaterialNames), std::end(kMaterialNames));
  std::vector<std::string> species_names;
  for (const auto& s : scenario.species) species_names.push_back(s.key);
  MaterialTable table(material_names, species_names);
  for (int s = 0; s < table.species_count(); ++s) {
    for (const auto& name : scenario::tissue_materials())
      table.at(tissue_material_id(name), s) = scenario.species[s].by_material.at(name);
    table.at(id(MaterialId::vehicle), s) = SpeciesCoefficients{};  // no film: impermeable
    table.at(id(MaterialId::needle), s) = SpeciesCoefficients{};   // impermeable
    for (MaterialId layer : {MaterialId::stratum_corneum, MaterialId::viable_epidermis})
      table.at(pore_of(id(layer)), s) = table.at(id(layer), s);  // closed
  }
  return table;
}

Problem build_problem(const scenario::Scenario& scenario) {
  std::vector<LayerSpec> layers;
  if (const auto film = scenario.surface_layer())
    layers.push_back({"vehicle", film->thickness_um, film->dz_um, id(MaterialId::vehicle)});
  for (const auto& layer : scenario.tissue.layers)
    layers.push_back({layer.material, layer.thickness_um, layer.dz_um, tissue_material_id(layer.material)});
  const int n = static_cast<int>(std::lround(scenario.tissue.lateral_um / scenario.tissue.dx_um));
  Boundaries boundaries{scenario.tissue.periodic, kernels::TopBoundary::zero_flux,
                        std::vector<double>(scenario.species.size(), 0.0), scenario.tissue.bottom};
  return {make_grid(std::max(n, 1), std::max(n, 1), scenario.tissue.lateral_um / std::max(n, 1),
                    layers),
          build_materials(scenario), boundaries};
}

int first_tissue_k(const Grid& grid, const scenario::Scenario& scenario) {
  return scenario.surface_layer() ? grid.layers.front().k_end : 0;
}

}  // namespace skinrd::run
