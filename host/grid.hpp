#pragma once
// The tissue block as cell-centred finite volumes: uniform dx = dy laterally, z cells
// built from a stack of layers (each with its own spacing), a material id per voxel.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace skinrd {

struct LayerSpec {
  std::string name;
  double thickness_um = 0;
  double dz_um = 0;           // target spacing; the layer gets round(thickness/dz) ≥ 1 cells
  std::uint8_t material = 0;  // material id given to the layer's voxels
};

struct LayerRange {
  std::string name;
  int k_begin = 0, k_end = 0;  // cell layers [k_begin, k_end)
  double z_top_um = 0, z_bottom_um = 0;
  std::uint8_t material = 0;
};

struct Grid {
  int nx = 0, ny = 0, nz = 0;
  double dx_um = 0;
  std::vector<double> z_faces_um;      // nz + 1 faces, z = 0 at the skin surface
  std::vector<double> dz_um;           // nz
  std::vector<LayerRange> layers;      // top to bottom
  std::vector<std::uint8_t> material;  // per voxel, x fastest

  std::size_t voxel_count() const { return static_cast<std::size_t>(nx) * ny * nz; }
  std::size_t index(int i, int j, int k) const {
    return (static_cast<std::size_t>(k) * ny + j) * nx + i;
  }
  double x_center_um(int i) const { return (i + 0.5) * dx_um; }
  double z_center_um(int k) const { return 0.5 * (z_faces_um[k] + z_faces_um[k + 1]); }
  double depth_um() const { return z_faces_um.back(); }
};

// The most voxels a grid may have: 2^46 (7e13, hundreds of TB per field, beyond any machine),
// so that counts and byte totals computed from it stay far inside 64 bits.
constexpr std::uint64_t kMaxVoxels = std::uint64_t(1) << 46;

// Builds the grid; throws ConfigError naming the layer and value for a non-positive or
// non-finite thickness or spacing, an empty stack, a lateral size below one cell, or more
// than kMaxVoxels voxels.
Grid make_grid(int nx, int ny, double dx_um, const std::vector<LayerSpec>& layers);

// The grid without its per-voxel material ids (empty `material`): its sizes, faces and
// layers, for sizing a run before anything per voxel is allocated. fill_materials completes it.
Grid make_grid_shape(int nx, int ny, double dx_um, const std::vector<LayerSpec>& layers);
void fill_materials(Grid& grid);

}  // namespace skinrd
