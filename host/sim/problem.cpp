#include "host/sim/problem.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "host/error.hpp"
#include "host/scenario/units.hpp"
#include "kernels/launchers.hpp"

namespace skinrd {

const char* to_string(Scheme scheme) {
  switch (scheme) {
    case Scheme::explicit_euler: return "explicit";
    case Scheme::adi: return "adi";
    case Scheme::lod: return "lod";
  }
  return "?";
}

Scheme parse_scheme(std::string_view name) {
  if (name == "explicit") return Scheme::explicit_euler;
  if (name == "adi") return Scheme::adi;
  if (name == "lod") return Scheme::lod;
  throw ConfigError("run.scheme", "must be explicit, adi or lod, got '" + std::string(name) + "'");
}

std::vector<std::uint8_t> transposed_materials(const Grid& grid) {
  std::vector<std::uint8_t> transposed(grid.voxel_count());
  for (int k = 0; k < grid.nz; ++k)
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i)
        transposed[(static_cast<std::size_t>(k) * grid.nx + i) * grid.ny + j] =
            grid.material[grid.index(i, j, k)];
  return transposed;
}

void validate_problem(const Problem& problem) {
  problem.materials.validate();
  const int materials = problem.materials.material_count();
  for (std::size_t v = 0; v < problem.grid.material.size(); ++v)
    if (problem.grid.material[v] >= materials)
      throw ConfigError("grid.material", "voxel " + std::to_string(v) + " has material id " +
                                             std::to_string(problem.grid.material[v]) +
                                             " but only " + std::to_string(materials) +
                                             " materials are defined");
  if (problem.boundaries.top == kernels::TopBoundary::fixed_concentration) {
    check_species_values(problem.boundaries.top_concentration, problem.materials,
                         "boundaries.top_concentration", false);
  }
  check_species_values(problem.boundaries.bottom_concentration, problem.materials,
                       "boundaries.bottom_concentration", true);
}

void check_species_values(const std::vector<double>& values, const MaterialTable& materials,
                          const std::string& key, bool may_be_empty) {
  if (may_be_empty && values.empty()) return;
  if (static_cast<int>(values.size()) != materials.species_count())
    throw ConfigError(key, "needs one value per species (" +
                               std::to_string(materials.species_count()) + ")" +
                               (may_be_empty ? " or none" : "") + ", got " +
                               std::to_string(values.size()));
  for (std::size_t s = 0; s < values.size(); ++s)
    if (!std::isfinite(values[s]) || values[s] < 0)
      throw ConfigError(key + "." + materials.species_name(s),
                        "must be >= 0, got " + scenario::format_number(values[s]));
}

int top_slab_cells(const Grid& grid) {
  const std::size_t plane = static_cast<std::size_t>(grid.nx) * grid.ny;
  if (plane == 0) return 1;
  const std::uint8_t top = grid.material[0];
  for (int k = 0; k < grid.nz; ++k)
    for (std::size_t v = k * plane; v < (k + 1) * plane; ++v)
      if (grid.material[v] != top) return std::max(k, 1);
  return 1;
}

double explicit_dt_limit_s(const Problem& problem) {
  const Grid& grid = problem.grid;
  const kernels::GridView<double> host_grid{grid.nx, grid.ny, grid.nz, grid.dx_um,
                                            grid.dz_um.data(), grid.material.data()};
  const kernels::BoundaryView<double> boundaries{problem.boundaries.periodic_lateral,
                                                 problem.boundaries.top, problem.boundaries.bottom};
  double max_rate_per_s = 0;
  for (int s = 0; s < problem.materials.species_count(); ++s)
    max_rate_per_s = std::max(max_rate_per_s,
                              kernels::cpu::max_explicit_rate_per_s(
                                  host_grid, boundaries, problem.materials.species_coeffs<double>(s).data()));
  return max_rate_per_s > 0 ? 1.0 / max_rate_per_s : std::numeric_limits<double>::infinity();
}

}  // namespace skinrd
