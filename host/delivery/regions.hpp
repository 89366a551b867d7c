#pragma once
// Geometry the kinds share: the volume of a set of voxels and lateral distances on a grid
// that may be periodic.
#include <cmath>
#include <cstddef>
#include <vector>

#include "host/grid.hpp"

namespace skinrd::delivery {

// Total volume of a set of voxels, um^3.
inline double region_volume_um3(const Grid& grid, const std::vector<std::size_t>& voxels) {
  const std::size_t plane = static_cast<std::size_t>(grid.nx) * grid.ny;
  double volume = 0;
  for (std::size_t v : voxels) volume += grid.dx_um * grid.dx_um * grid.dz_um[v / plane];
  return volume;
}

// p − centre laterally, to the nearest image on a periodic grid `width_um` wide.
inline double lateral_offset_um(double p, double centre, double width_um, bool periodic) {
  double d = p - centre;
  if (periodic) d -= width_um * std::round(d / width_um);
  return d;
}

}  // namespace skinrd::delivery
