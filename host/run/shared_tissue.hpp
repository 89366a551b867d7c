#pragma once
// The Simulation every member of a run steps in, and what members change of what their lanes
// share (voxel material ids, the kind of top boundary) or of their own coefficients and top
// concentrations. Members' changes at one stop are gathered and committed together, so a
// change every member makes (needles inserted in all of them) is applied once.
#include <cstdint>
#include <vector>

#include "host/simulation.hpp"

namespace skinrd::run {

template <class Real>
class SharedTissue {
 public:
  SharedTissue(Problem problem, BackendKind backend, Scheme scheme,
               const SimulationOptions& options = {});

  Simulation<Real>& sim() { return sim_; }
  const Simulation<Real>& sim() const { return sim_; }
  const Grid& grid() const { return sim_.problem().grid; }

  // Pending values: what members applying events at this stop see.
  const std::vector<std::uint8_t>& voxel_materials() const { return voxel_materials_; }
  // The tissue's material ids before any needle: what a withdrawn needle's track was.
  const std::vector<std::uint8_t>& original_voxel_materials() const { return original_; }
  void set_voxel_materials(std::vector<std::uint8_t> material);
  // The member's coefficients (a table of its own species) into its lanes' columns.
  // gradual: no start-up smoothing for it (Simulation::set_materials) unless another change of
  // the same stop needs it.
  void set_member_materials(int first_lane, const MaterialTable& member_table, bool gradual = false);
  void set_member_top(int first_lane, kernels::TopBoundary top,
                      const std::vector<double>& top_concentration);
  // The values beyond an open bottom of the member's lanes (its receptor's or plasma's).
  void set_member_bottom(int first_lane, const std::vector<double>& bottom_concentration);
  void commit();
  // A checkpoint's state, taken after a commit; the pending values become the restored ones.
  sim::SimulationState<Real> save_state() const { return sim_.save_state(); }
  void restore_state(const sim::SimulationState<Real>& state);

 private:
  Simulation<Real> sim_;
  MaterialTable materials_;
  Boundaries boundaries_;
  std::vector<std::uint8_t> voxel_materials_;
  const std::vector<std::uint8_t> original_;
  bool materials_changed_ = false, boundaries_changed_ = false, voxels_changed_ = false;
  bool materials_gradual_ = true;
};

}  // namespace skinrd::run
