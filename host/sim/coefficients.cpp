#include "host/sim/coefficients.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#include "kernels/launchers.hpp"

namespace skinrd::sim {

template <class Real>
CoefficientStore<Real>::CoefficientStore(const Executor& executor, const Problem& problem,
                                         bool transposed)
    : executor_(&executor), transposed_(transposed) {
  set_boundaries(problem.boundaries);
  const Grid& grid = problem.grid;
  dz_um_ = DeviceBuffer<Real>(executor, std::vector<Real>(grid.dz_um.begin(), grid.dz_um.end()));
  upload_materials(grid);
}

template <class Real>
void CoefficientStore<Real>::set_boundaries(const Boundaries& boundaries) {
  boundary_view_.periodic_lateral = boundaries.periodic_lateral;
  boundary_view_.top = boundaries.top;
  boundary_view_.bottom = boundaries.bottom;
}

// Coefficients to the backend and the explicit limit, computed on the host copies by the CPU
// loop: only for the species whose table changed, unless the geometry did (an ensemble sets
// new tables often, most of its species unchanged).
template <class Real>
void CoefficientStore<Real>::upload_coefficients(const Problem& problem, bool geometry_changed) {
  const Grid& grid = problem.grid;
  const std::vector<Real> dz(grid.dz_um.begin(), grid.dz_um.end());
  const kernels::GridView<Real> host_grid{grid.nx, grid.ny, grid.nz, static_cast<Real>(grid.dx_um),
                                          dz.data(), grid.material.data()};
  const int species = problem.materials.species_count();
  host_coeffs_.resize(species);
  max_rate_per_s_.resize(species, 0.0);
  double max_rate_per_s = 0;
  for (int s = 0; s < species; ++s) {
    auto coeffs = problem.materials.species_coeffs<Real>(s);
    // Bitwise: a table equal bit for bit has the same rate bound (MaterialCoeffs has no padding).
    const bool table_changed =
        s >= static_cast<int>(coeffs_.size()) || host_coeffs_[s].size() != coeffs.size() ||
        std::memcmp(host_coeffs_[s].data(), coeffs.data(),
                    coeffs.size() * sizeof(kernels::MaterialCoeffs<Real>)) != 0;
    if (table_changed) {
      if (s < static_cast<int>(coeffs_.size()))
        coeffs_[s].upload(coeffs);
      else
        coeffs_.emplace_back(*executor_, coeffs);
    }
    if (table_changed || geometry_changed)
      max_rate_per_s_[s] =
          kernels::cpu::max_explicit_rate_per_s(host_grid, boundary_view_, coeffs.data());
    if (table_changed) host_coeffs_[s] = std::move(coeffs);
    max_rate_per_s = std::max(max_rate_per_s, max_rate_per_s_[s]);
  }
  dt_limit_s_ = max_rate_per_s > 0 ? 1.0 / max_rate_per_s : std::numeric_limits<double>::infinity();
}

template <class Real>
void CoefficientStore<Real>::upload_materials(const Grid& grid) {
  // Into the buffers there are once they exist: a change of materials allocates nothing.
  auto upload = [this](DeviceBuffer<std::uint8_t>& buffer, const std::vector<std::uint8_t>& ids) {
    if (buffer.size() == ids.size()) buffer.upload(ids);
    else buffer = DeviceBuffer<std::uint8_t>(*executor_, ids);
  };
  upload(material_, grid.material);
  if (transposed_) upload(material_transposed_, transposed_materials(grid));
  boundary_view_.top_slab_cells = top_slab_cells(grid);
}

template <class Real>
kernels::GridView<Real> CoefficientStore<Real>::grid_view(const Problem& problem) const {
  const Grid& grid = problem.grid;
  return {grid.nx, grid.ny, grid.nz, static_cast<Real>(grid.dx_um), dz_um_.data(),
          material_.data(), problem.materials.material_count()};
}

template class CoefficientStore<float>;
template class CoefficientStore<double>;

}  // namespace skinrd::sim
