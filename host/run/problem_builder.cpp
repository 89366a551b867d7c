#include "host/run/problem_builder.hpp"

#include <cmath>
#include <numbers>

namespace skinrd::run {

MaterialTable materials_with_film(const scenario::Scenario& scenario, const MaterialTable& base,
                                  const scenario::TopicalDose* dose) {
  MaterialTable table = base;
  for (int s = 0; s < table.species_count(); ++s) {
    SpeciesCoefficients film;  // no film: impermeable
    if (dose) {
      film.diffusion_um2_per_s = dose->diffusion_um2_per_s;
      film.partition = dose->partition;
    }
    table.at(kVehicle, s) = film;
  }
  (void)scenario;
  return table;
}

Problem build_problem(const scenario::Scenario& scenario) {
  std::vector<std::string> material_names = {"vehicle"};
  for (const auto& m : scenario::tissue_materials()) material_names.push_back(m);
  std::vector<std::string> species_names;
  for (const auto& s : scenario.species) species_names.push_back(s.key);
  MaterialTable table(material_names, species_names);
  for (std::size_t s = 0; s < scenario.species.size(); ++s)
    for (std::size_t m = 0; m < scenario::tissue_materials().size(); ++m)
      table.at(static_cast<int>(m + 1), static_cast<int>(s)) =
          scenario.species[s].by_material.at(scenario::tissue_materials()[m]);
  table = materials_with_film(scenario, table, nullptr);

  std::vector<LayerSpec> layers;
  if (scenario.vehicle_thickness_um() > 0)
    layers.push_back({"vehicle", scenario.vehicle_thickness_um(), scenario.topical.front().dz_um,
                      kVehicle});
  for (const auto& layer : scenario.tissue.layers) {
    std::uint8_t id = 1;
    for (std::size_t m = 0; m < scenario::tissue_materials().size(); ++m)
      if (scenario::tissue_materials()[m] == layer.material) id = static_cast<std::uint8_t>(m + 1);
    layers.push_back({layer.material, layer.thickness_um, layer.dz_um, id});
  }
  const int n = static_cast<int>(std::lround(scenario.tissue.lateral_um / scenario.tissue.dx_um));
  Boundaries boundaries{scenario.tissue.periodic, kernels::TopBoundary::zero_flux,
                        std::vector<double>(scenario.species.size(), 0.0), scenario.tissue.bottom};
  return {make_grid(std::max(n, 1), std::max(n, 1), scenario.tissue.lateral_um / std::max(n, 1),
                    layers),
          table, boundaries};
}

int first_tissue_k(const Grid& grid, const scenario::Scenario& scenario) {
  return scenario.vehicle_thickness_um() > 0 ? grid.layers.front().k_end : 0;
}

std::vector<std::size_t> bleb_voxels(const Grid& grid, const scenario::Scenario& scenario,
                                     const scenario::IntradermalBolus& bolus) {
  const double a = std::cbrt(3 * bolus.volume_uL * 1e9 / (4 * std::numbers::pi * bolus.aspect));
  const double c = bolus.aspect * a;
  const double surface_um = grid.z_faces_um[first_tissue_k(grid, scenario)];
  const double width = grid.nx * grid.dx_um;
  auto lateral_distance = [&](double p, double centre) {
    double d = p - centre;
    if (scenario.tissue.periodic) d -= width * std::round(d / width);  // nearest image
    return d;
  };
  std::vector<std::size_t> voxels;
  std::size_t nearest = 0;
  double nearest_r2 = 1e300;
  for (int k = 0; k < grid.nz; ++k)
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i) {
        const double dx = lateral_distance(grid.x_center_um(i), bolus.x_um) / a;
        const double dy = lateral_distance(grid.x_center_um(j), bolus.y_um) / a;
        const double dz = (grid.z_center_um(k) - surface_um - bolus.depth_um) / c;
        const double r2 = dx * dx + dy * dy + dz * dz;
        if (r2 <= 1) voxels.push_back(grid.index(i, j, k));
        if (r2 < nearest_r2) nearest_r2 = r2, nearest = grid.index(i, j, k);
      }
  if (voxels.empty()) voxels.push_back(nearest);
  return voxels;
}

}  // namespace skinrd::run
