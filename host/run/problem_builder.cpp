#include "host/run/problem_builder.hpp"

#include <cmath>

#include "host/body/body_coupling.hpp"
#include "host/delivery/delivery.hpp"
#include "host/tissue_materials.hpp"

namespace skinrd::run {

MaterialTable build_materials(const scenario::Scenario& scenario) {
  const TissueMaterials materials = scenario.tissue.materials();
  std::vector<std::string> species_names;
  for (const auto& s : scenario.species) species_names.push_back(s.key);
  MaterialTable table(materials.names(), species_names);
  for (int s = 0; s < table.species_count(); ++s) {
    for (int n = 0; n < materials.layer_count(); ++n) {
      const SpeciesCoefficients& layer = scenario.species[s].by_material.at(materials.layer_name(n));
      table.at(materials.layer(n), s) = layer;
      table.at(materials.pore(n), s) = layer;  // closed
      table.at(materials.bleb(n), s) = layer;  // resorbed
    }
    table.at(TissueMaterials::vehicle, s) = SpeciesCoefficients{};  // no film: impermeable
    table.at(materials.needle(), s) = SpeciesCoefficients{};        // impermeable
  }
  // The bottom layer continuing into the body: its Robin contact h = K·√(D·k_clearance).
  if (scenario.tissue.bottom_kind == scenario::BottomKind::body) body::set_body_contact(table);
  return table;
}

Problem build_problem(const scenario::Scenario& scenario) {
  const TissueMaterials materials = scenario.tissue.materials();
  std::vector<LayerSpec> layers;
  if (const auto film = scenario.surface_layer())
    layers.push_back({"vehicle", film->thickness_um, film->dz_um, TissueMaterials::vehicle});
  for (const auto& layer : scenario.tissue.layers)
    layers.push_back({layer.material, layer.thickness_um, layer.dz_um, *materials.layer_named(layer.material)});
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

std::vector<std::string> resolution_warnings(const scenario::Scenario& scenario, const Grid& grid) {
  std::vector<std::string> warnings;
  for (const LayerRange& layer : grid.layers)
    if (layer.k_end - layer.k_begin < 2)
      warnings.push_back("layer " + layer.name + " is " + std::to_string(layer.k_end - layer.k_begin) +
                         " cell layer thick: give it a smaller dz");
  for (const auto& kind : scenario.deliveries)
    kind->resolution_warnings(scenario, grid, first_tissue_k(grid, scenario), warnings);
  return warnings;
}

}  // namespace skinrd::run
