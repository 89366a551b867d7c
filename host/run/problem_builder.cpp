#include "host/run/problem_builder.hpp"

#include <cmath>
#include <numbers>

namespace skinrd::run {

const scenario::TopicalDose* film_dose(const Film& film, int species) {
  for (const auto* dose : film)
    if (dose->species == species) return dose;
  return nullptr;
}

MaterialTable materials_with_film(const scenario::Scenario& scenario, const MaterialTable& base,
                                  const Film& film, double t_s) {
  MaterialTable table = base;
  for (int s = 0; s < table.species_count(); ++s) {
    SpeciesCoefficients vehicle;  // no film: impermeable
    if (!film.empty()) {
      const scenario::TopicalDose& common = *film.front();  // the doses agree on the film itself
      const scenario::TopicalDose* dose = film_dose(film, s);
      vehicle.diffusion_um2_per_s =
          dose ? dose->diffusion_um2_per_s : scenario.species[s].diffusion_water_um2_per_s;
      vehicle.partition = (dose ? dose->partition : 1.0) * common.remaining_fraction(t_s);
      if (common.occluded) table.at(1, s).diffusion_um2_per_s *= common.hydration_factor;
    }
    table.at(kVehicle, s) = vehicle;
  }
  return table;
}

MaterialTable materials_with_channels(const scenario::Scenario& scenario, const MaterialTable& base,
                                      double elapsed_s, double closure_s, const Film& film) {
  MaterialTable table = base;
  const double open = std::exp(-elapsed_s / closure_s);
  for (int s = 0; s < table.species_count(); ++s) {
    const scenario::TopicalDose* dose = film_dose(film, s);
    const double free_d =
        dose ? dose->diffusion_um2_per_s : scenario.species[s].diffusion_water_um2_per_s;
    for (auto [channel, layer] : {std::pair{kChannelSc, 1}, std::pair{kChannelVe, 2}}) {
      SpeciesCoefficients c = base.at(layer, s);
      c.diffusion_um2_per_s = c.diffusion_um2_per_s + (free_d - c.diffusion_um2_per_s) * open;
      table.at(channel, s) = c;
    }
  }
  return table;
}

MaterialTable build_materials(const scenario::Scenario& scenario) {
  std::vector<std::string> material_names = {"vehicle"};
  for (const auto& m : scenario::tissue_materials()) material_names.push_back(m);
  for (const char* m : {"needle", "channel_stratum_corneum", "channel_viable_epidermis"})
    material_names.push_back(m);
  std::vector<std::string> species_names;
  for (const auto& s : scenario.species) species_names.push_back(s.key);
  MaterialTable table(material_names, species_names);
  for (std::size_t s = 0; s < scenario.species.size(); ++s)
    for (std::size_t m = 0; m < scenario::tissue_materials().size(); ++m)
      table.at(static_cast<int>(m + 1), static_cast<int>(s)) =
          scenario.species[s].by_material.at(scenario::tissue_materials()[m]);
  table = materials_with_film(scenario, table, Film{});
  for (std::size_t s = 0; s < scenario.species.size(); ++s) {
    table.at(kNeedle, static_cast<int>(s)) = SpeciesCoefficients{};  // impermeable
    table.at(kChannelSc, static_cast<int>(s)) = table.at(1, static_cast<int>(s));  // closed
    table.at(kChannelVe, static_cast<int>(s)) = table.at(2, static_cast<int>(s));
  }
  return table;
}

Problem build_problem(const scenario::Scenario& scenario) {
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
          build_materials(scenario), boundaries};
}

int first_tissue_k(const Grid& grid, const scenario::Scenario& scenario) {
  return scenario.vehicle_thickness_um() > 0 ? grid.layers.front().k_end : 0;
}

double region_volume_um3(const Grid& grid, const std::vector<std::size_t>& voxels) {
  const std::size_t plane = static_cast<std::size_t>(grid.nx) * grid.ny;
  double volume = 0;
  for (std::size_t v : voxels) volume += grid.dx_um * grid.dx_um * grid.dz_um[v / plane];
  return volume;
}

NeedleVoxels needle_voxels(const Grid& grid, const scenario::Scenario& scenario,
                           const scenario::MicroneedlePatch& patch) {
  const double width = grid.nx * grid.dx_um, pitch = patch.pitch_um;
  // Needle axes: a square array, or rows pitch·√3/2 apart with every other row shifted.
  std::vector<std::pair<double, double>> axes;
  const double row = patch.hexagonal ? pitch * std::sqrt(3.0) / 2 : pitch;
  // Only needles whose axis lies inside the tissue (not on its edge) are counted.
  for (int r = 0; (r + 0.5) * row < width - 1e-9; ++r) {
    const double shift = patch.hexagonal && r % 2 ? pitch / 2 : 0;
    for (int c = 0; (c + 0.5) * pitch + shift < width - 1e-9; ++c)
      axes.emplace_back((c + 0.5) * pitch + shift, (r + 0.5) * row);
  }
  NeedleVoxels result;
  result.needles = static_cast<int>(axes.size());
  const int surface_k = first_tissue_k(grid, scenario);
  const double surface_um = grid.z_faces_um[surface_k];
  auto lateral = [&](double p, double centre) {
    double d = p - centre;
    if (scenario.tissue.periodic) d -= width * std::round(d / width);
    return std::abs(d);
  };
  std::vector<char> is_body(grid.voxel_count(), 0);
  int deepest_k = surface_k;
  for (int k = surface_k; k < grid.nz; ++k) {
    const double depth = grid.z_center_um(k) - surface_um;
    if (depth > patch.length_um) break;
    const double half_width = 0.5 * patch.base_width_um * (1 - depth / patch.length_um);
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i)
        for (const auto& [ax, ay] : axes) {
          const double dx = lateral(grid.x_center_um(i), ax), dy = lateral(grid.x_center_um(j), ay);
          const bool inside = patch.pyramid ? std::max(dx, dy) <= half_width
                                            : dx * dx + dy * dy <= half_width * half_width;
          if (inside) {
            is_body[grid.index(i, j, k)] = 1;
            deepest_k = std::max(deepest_k, k);
            break;
          }
        }
  }
  for (int k = surface_k; k < grid.nz; ++k)
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i) {
        const std::size_t v = grid.index(i, j, k);
        if (is_body[v]) {
          result.body.push_back(v);
          if (k == deepest_k) result.tip.push_back(v);
          continue;
        }
        bool touches = false;  // a face shared with a needle body
        for (int step = -1; step <= 1; step += 2) {
          const int ni = i + step, nj = j + step, nk = k + step;
          auto body_at = [&](int a, int b, int c) {
            if (scenario.tissue.periodic) a = (a + grid.nx) % grid.nx, b = (b + grid.ny) % grid.ny;
            if (a < 0 || a >= grid.nx || b < 0 || b >= grid.ny || c < 0 || c >= grid.nz) return false;
            return is_body[grid.index(a, b, c)] != 0;
          };
          touches |= body_at(ni, j, k) || body_at(i, nj, k) || body_at(i, j, nk);
        }
        if (touches) result.surface.push_back(v);
      }
  return result;
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
