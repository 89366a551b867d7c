#include "host/run/problem_builder.hpp"

#include <climits>
#include <cmath>
#include <cstdio>

#include "host/body/body_coupling.hpp"
#include "host/error.hpp"
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

namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

// The cells across (x and y), counted in double: an int or a product of them would wrap.
int lateral_cells(const scenario::TissueSettings& tissue, int nz) {
  const double n = std::max(1.0, std::round(tissue.lateral_um / tissue.dx_um));
  const std::string sizes = "tissue.lateral_size " + number(tissue.lateral_um) + " um at tissue.dx " +
                            number(tissue.dx_um) + " um gives ";
  if (n > INT_MAX)
    throw ConfigError("tissue.lateral_size", sizes + number(n) + " cells across, more than " +
                                                 std::to_string(INT_MAX) + "; use a larger dx");
  const double voxels = n * n * nz;
  if (voxels > double(kMaxVoxels))
    throw ConfigError("tissue.dx", sizes + number(n) + " x " + number(n) + " x " +
                                       std::to_string(nz) + " = " + number(voxels) +
                                       " voxels, more than the limit of " +
                                       number(double(kMaxVoxels)) +
                                       ": it does not fit in any machine's memory; use a larger dx");
  return static_cast<int>(n);
}

}  // namespace

Problem build_problem_shape(const scenario::Scenario& scenario) {
  const TissueMaterials materials = scenario.tissue.materials();
  std::vector<LayerSpec> layers;
  if (const auto film = scenario.surface_layer())
    layers.push_back({"vehicle", film->thickness_um, film->dz_um, TissueMaterials::vehicle});
  for (const auto& layer : scenario.tissue.layers)
    layers.push_back({layer.material, layer.thickness_um, layer.dz_um, *materials.layer_named(layer.material)});
  const int nz = make_grid_shape(1, 1, scenario.tissue.dx_um, layers).nz;
  const int n = lateral_cells(scenario.tissue, nz);
  Boundaries boundaries{scenario.tissue.periodic, kernels::TopBoundary::zero_flux,
                        std::vector<double>(scenario.species.size(), 0.0), scenario.tissue.bottom};
  return {make_grid_shape(n, n, scenario.tissue.lateral_um / n, layers), build_materials(scenario),
          boundaries};
}

Problem build_problem(const scenario::Scenario& scenario) {
  Problem problem = build_problem_shape(scenario);
  fill_materials(problem.grid);
  return problem;
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
