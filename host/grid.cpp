#include "host/grid.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "host/error.hpp"

namespace skinrd {
namespace {

std::string number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

void require_positive(const std::string& key, double value, const char* unit) {
  if (!std::isfinite(value) || value <= 0)
    throw ConfigError(key, "must be a positive length, got " + number(value) + " " + unit);
}

}  // namespace

Grid make_grid(int nx, int ny, double dx_um, const std::vector<LayerSpec>& layers) {
  Grid grid = make_grid_shape(nx, ny, dx_um, layers);
  fill_materials(grid);
  return grid;
}

Grid make_grid_shape(int nx, int ny, double dx_um, const std::vector<LayerSpec>& layers) {
  if (nx < 1) throw ConfigError("grid.nx", "needs at least 1 cell, got " + std::to_string(nx));
  if (ny < 1) throw ConfigError("grid.ny", "needs at least 1 cell, got " + std::to_string(ny));
  require_positive("grid.dx_um", dx_um, "um");
  if (layers.empty()) throw ConfigError("grid.layers", "the layer stack is empty");

  Grid grid;
  grid.nx = nx;
  grid.ny = ny;
  grid.dx_um = dx_um;
  grid.z_faces_um.push_back(0.0);
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const LayerSpec& spec = layers[l];
    const std::string key = "grid.layers[" + std::to_string(l) + "] '" + spec.name + "'";
    require_positive(key + ".thickness_um", spec.thickness_um, "um");
    require_positive(key + ".dz_um", spec.dz_um, "um");
    const double cells = std::max(1.0, std::round(spec.thickness_um / spec.dz_um));
    if (cells > 1e6)
      throw ConfigError(key + ".dz_um", "gives " + number(cells) + " cells in one layer");
    const int n = static_cast<int>(cells);
    const double dz = spec.thickness_um / n;
    LayerRange range{spec.name, grid.nz, grid.nz + n, grid.z_faces_um.back(), 0.0, spec.material};
    for (int c = 0; c < n; ++c) {
      grid.dz_um.push_back(dz);
      grid.z_faces_um.push_back(range.z_top_um + (c + 1) * dz);
    }
    grid.z_faces_um.back() = range.z_top_um + spec.thickness_um;  // no drift at interfaces
    range.z_bottom_um = grid.z_faces_um.back();
    grid.nz += n;
    grid.layers.push_back(range);
  }
  // In double: nx·ny·nz can pass 2^64 (and wrap) before it is refused.
  const double voxels = double(nx) * ny * grid.nz;
  if (voxels > double(kMaxVoxels))
    throw ConfigError("grid.nx", std::to_string(nx) + " x " + std::to_string(ny) + " x " +
                                     std::to_string(grid.nz) + " = " + number(voxels) +
                                     " voxels, more than the limit of " +
                                     number(double(kMaxVoxels)));
  return grid;
}

void fill_materials(Grid& grid) {
  grid.material.resize(grid.voxel_count());
  const std::size_t plane = static_cast<std::size_t>(grid.nx) * grid.ny;
  for (const LayerRange& range : grid.layers)
    std::fill(grid.material.begin() + plane * range.k_begin,
              grid.material.begin() + plane * range.k_end, range.material);
}

}  // namespace skinrd
