#include "host/run/shared_tissue.hpp"

#include <utility>

namespace skinrd::run {

template <class Real>
SharedTissue<Real>::SharedTissue(Problem problem, BackendKind backend, Scheme scheme,
                                 const SimulationOptions& options)
    : sim_(std::move(problem), backend, scheme, options),
      materials_(sim_.problem().materials),
      boundaries_(sim_.problem().boundaries),
      voxel_materials_(sim_.problem().grid.material),
      original_(sim_.problem().grid.material) {}

template <class Real>
void SharedTissue<Real>::set_voxel_materials(std::vector<std::uint8_t> material) {
  if (material == voxel_materials_) return;  // the same needles in another member
  voxel_materials_ = std::move(material);
  voxels_changed_ = true;
}

template <class Real>
void SharedTissue<Real>::set_member_materials(int first_lane, const MaterialTable& member_table,
                                              bool gradual) {
  materials_gradual_ = materials_gradual_ && gradual;
  for (int s = 0; s < member_table.species_count(); ++s)
    for (int m = 0; m < member_table.material_count(); ++m)
      materials_.at(m, first_lane + s) = member_table.at(m, s);
  materials_changed_ = true;
}

template <class Real>
void SharedTissue<Real>::set_member_top(int first_lane, kernels::TopBoundary top,
                                        const std::vector<double>& top_concentration) {
  // Members agree on the kind of top at every stop (check_members_compatible); each sets its
  // own lanes' concentrations.
  boundaries_.top = top;
  for (std::size_t s = 0; s < top_concentration.size(); ++s)
    boundaries_.top_concentration[first_lane + s] = top_concentration[s];
  boundaries_changed_ = true;
}

template <class Real>
void SharedTissue<Real>::set_member_bottom(int first_lane,
                                           const std::vector<double>& bottom_concentration) {
  auto& bottom = boundaries_.bottom_concentration;
  if (bottom.empty()) bottom.assign(materials_.species_count(), 0.0);
  bool changed = false;
  for (std::size_t s = 0; s < bottom_concentration.size(); ++s)
    if (bottom[first_lane + s] != bottom_concentration[s])
      bottom[first_lane + s] = bottom_concentration[s], changed = true;
  // Smooth in time: into the simulation now, without waiting for a stop's commit.
  if (changed) sim_.set_bottom_concentration(bottom);
}

template <class Real>
void SharedTissue<Real>::commit() {
  if (voxels_changed_) sim_.set_voxel_materials(voxel_materials_);
  if (materials_changed_) sim_.set_materials(materials_, materials_gradual_);
  if (boundaries_changed_) sim_.set_boundaries(boundaries_);
  voxels_changed_ = materials_changed_ = boundaries_changed_ = false;
  materials_gradual_ = true;
}

template <class Real>
void SharedTissue<Real>::restore_state(const sim::SimulationState<Real>& state) {
  sim_.restore_state(state);
  materials_ = sim_.problem().materials;
  boundaries_ = sim_.problem().boundaries;
  voxel_materials_ = sim_.problem().grid.material;
  voxels_changed_ = materials_changed_ = boundaries_changed_ = false;
  materials_gradual_ = true;
}

template class SharedTissue<float>;
template class SharedTissue<double>;

}  // namespace skinrd::run
