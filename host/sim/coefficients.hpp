#pragma once
// The coefficient store: what the kernels read of the tissue (dz, material ids and their
// transposed copy, each species' coefficient table, the boundary kinds) in backend memory,
// the host copies the tables are compared with, and the explicit stability limit.
#include <cstdint>
#include <vector>

#include "host/device_buffer.hpp"
#include "host/sim/problem.hpp"
#include "kernels/views.hpp"

namespace skinrd::sim {

template <class Real>
class CoefficientStore {
 public:
  // transposed: also keep the ids in (y, x, z) order (Layout::material_transposed).
  CoefficientStore(const Executor& executor, const Problem& problem, bool transposed);

  // New voxel materials (`problem`'s grid): the ids uploaded again.
  void upload_materials(const Grid& grid);
  // New boundary kinds.
  void set_boundaries(const Boundaries& boundaries);
  // Uploads changed coefficient tables and recomputes the explicit-rate bound of the species
  // whose table changed, or of all after a change of voxel materials or boundaries.
  void upload_coefficients(const Problem& problem, bool geometry_changed);

  kernels::GridView<Real> grid_view(const Problem& problem) const;
  const kernels::BoundaryView<Real>& boundaries() const { return boundary_view_; }
  const kernels::MaterialCoeffs<Real>* coeffs(int species) const { return coeffs_[species].data(); }
  const std::uint8_t* material_transposed() const { return material_transposed_.data(); }
  // 1/max(a + k/2) over the species (kernels/transport.hpp); infinite without any rate.
  double explicit_dt_limit_s() const { return dt_limit_s_; }

 private:
  const Executor* executor_;
  bool transposed_;
  kernels::BoundaryView<Real> boundary_view_;
  DeviceBuffer<Real> dz_um_;
  DeviceBuffer<std::uint8_t> material_, material_transposed_;
  std::vector<DeviceBuffer<kernels::MaterialCoeffs<Real>>> coeffs_;  // per species
  // The host copies of coeffs_ and each species' largest explicit rate, 1/s: what
  // upload_coefficients compares a new table with.
  std::vector<std::vector<kernels::MaterialCoeffs<Real>>> host_coeffs_;
  std::vector<double> max_rate_per_s_;
  double dt_limit_s_ = 0;
};

}  // namespace skinrd::sim
