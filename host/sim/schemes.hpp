#pragma once
// The schemes: one time step as a sequence of stages over the batches (explicit; Douglas–Gunn
// ADI; LOD), Strang-split with the reactions, the ADI's Rannacher start-up taken as LOD
// half-steps, all in one stepper; and the scratch the stages write (the spare new fields,
// Douglas–Gunn's work, the sweeps' scratch) with the cache of their lane descriptors.
#include <vector>

#include "host/device_buffer.hpp"
#include "host/sim/coefficients.hpp"
#include "host/sim/footprint.hpp"
#include "host/sim/lanes.hpp"
#include "host/sim/sources.hpp"
#include "host/sim/species_state.hpp"
#include "host/step_graphs.hpp"

namespace skinrd::sim {

// What a step reads and changes, owned by the Simulation.
template <class Real>
struct StepParts {
  const Problem& problem;
  const CoefficientStore<Real>& coefficients;
  SpeciesState<Real>& state;
  Sources<Real>& sources;
  const BatchPlan& plan;
  StepGraphs& graphs;
};

template <class Real>
class Stepper {
 public:
  Stepper(const Executor& executor, Scheme scheme, const Layout& layout, int batches,
          bool fuse_reactions);

  // One step's launches and clock (Simulation::step without its checks and graphs), for the
  // batches the plan steps.
  void take_step(double dt_s, StepParts<Real> parts);
  // What a step's launches depend on besides what clears the graphs (StepGraphKey).
  StepGraphKey graph_key(double dt_s, const StepParts<Real>& parts) const;
  // Where the diffusion of the species at `place` in a batch writes its new free field: the
  // spare (explicit, LOD), or Douglas–Gunn's work, which holds the correction until the
  // tallies pass adds the old field to it (ADI, whose Rannacher start-up's LOD steps use it too).
  DeviceBuffer<Real>& new_field(int place) { return spare_.empty() ? work_[place] : spare_[place]; }

 private:
  kernels::SpeciesView<Real> species_view(const StepParts<Real>& parts, int species) const;
  // The lanes of batch b for a diffusion stage [t0, t0 + h] whose source is evaluated at
  // t0 + θh; react_after_s: the closing reactions the stage's last pass applies (0: none).
  kernels::ChannelBatch<Real> diffusion_lanes(StepParts<Real>& parts, int batch, double t0_s,
                                              double h_s, double theta, double react_after_s);
  // After the diffusion of batch b: each of its species' new fields becomes its free field.
  void swap_in_new_fields(StepParts<Real>& parts, int batch);
  void react(StepParts<Real>& parts, double t_s);
  // react_after_s: reactions over that time fused into the last pass (0: none).
  void diffuse_explicit(StepParts<Real>& parts, double dt_s, double react_after_s);
  void diffuse_crank_nicolson(StepParts<Real>& parts, double dt_s, double react_after_s);
  void diffuse_lod(StepParts<Real>& parts, double dt_s, double react_after_s);
  void line_sweep(const StepParts<Real>& parts, const kernels::ChannelBatch<Real>& batch,
                  int axis, double theta_dt_s, kernels::ChannelField field);

  const Executor* executor_;
  Scheme scheme_;
  bool fuse_reactions_;
  // Per species of a batch (explicit, LOD): the new free field; swapped with that species'
  // field, so the old field becomes the spare for the next batch.
  std::vector<DeviceBuffer<Real>> spare_;
  std::vector<DeviceBuffer<Real>> work_;  // ADI, per species of a batch
  DeviceBuffer<Real> scratch_;  // CUDA sweeps: sweep_scratch_values per species of a batch
  LaneCache<Real> lanes_;
};

}  // namespace skinrd::sim
