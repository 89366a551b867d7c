#pragma once
// The time loop of one tissue problem on one backend: fields and tallies live in the
// backend's memory; the host reads them back only when asked. A facade over its parts
// (host/sim/): the species state, the coefficient store, the sources, the batch plan, the
// schemes' stepper with its lane descriptors, the step graphs and the step controller.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "host/backend.hpp"
#include "host/device_buffer.hpp"
#include "host/executor/executor.hpp"
#include "host/grid.hpp"
#include "host/ledger.hpp"
#include "host/materials.hpp"
#include "host/sim/coefficients.hpp"
#include "host/sim/footprint.hpp"
#include "host/sim/lanes.hpp"
#include "host/sim/problem.hpp"
#include "host/sim/schemes.hpp"
#include "host/sim/simulation_state.hpp"
#include "host/sim/sources.hpp"
#include "host/sim/species_state.hpp"
#include "host/sim/step_controller.hpp"
#include "host/snapshot.hpp"
#include "host/step_graphs.hpp"

namespace skinrd {

template <class Real>
class Simulation {
 public:
  // The memory a Simulation of `problem` on `backend` with `scheme` holds (Real fields).
  static MemoryFootprint memory_footprint(const Problem& problem, BackendKind backend,
                                          Scheme scheme, const FootprintOptions& options = {},
                                          const SimulationOptions& simulation = {});
  // Values of scratch the line sweeps need per species (line_sweep's contract,
  // kernels/launchers.hpp), and the bytes the driver reserves for the CUDA sweeps'
  // thread-local scratch, estimated for kAssumedSmCount multiprocessors: the executor's answers.
  static constexpr std::size_t kAssumedSmCount = Executor::kAssumedSmCount;
  static std::size_t sweep_local_bytes(const Grid& grid, BackendKind backend) {
    return executor_for(backend).sweep_local_bytes(grid, sizeof(Real));
  }
  static std::size_t sweep_scratch_values(const Grid& grid, BackendKind backend) {
    return executor_for(backend).sweep_scratch_values(grid);
  }

  Simulation(Problem problem, BackendKind backend, Scheme scheme = Scheme::adi,
             const SimulationOptions& options = {});

  const Problem& problem() const { return problem_; }
  BackendKind backend() const { return backend_; }
  Scheme scheme() const { return scheme_; }
  int species_count() const { return problem_.materials.species_count(); }
  int species_per_batch() const { return plan_.batch_size(); }  // resolved: 1 to species_count()
  double time_s() const { return state_.clock.time_s; }
  long long steps_taken() const { return state_.clock.steps; }
  // A species with any reaction has a bound and an internalised field.
  bool has_bound_field(int species) const { return state_.has_bound_field(species); }

  // Replaces a species' free field; the change of amount is tallied as dosed, and the next
  // Crank–Nicolson steps start with backward-Euler half-steps.
  void set_concentration(int species, const std::vector<Real>& concentration);
  // Replaces a reacting species' bound field (ConfigError without one); tallied as dosed.
  void set_bound(int species, const std::vector<Real>& bound);
  // Replaces a species' free field where the change is a removal (a wipe-off): the amount
  // taken out is tallied as removed, not as a negative dose.
  void remove_to(int species, const std::vector<Real>& concentration);

  // New coefficients (a film applied or wiped off, needle tracks closing) or boundaries: the
  // explicit limit is recomputed and the next steps start with the Rannacher start-up.
  // gradual: a small step of a gradual change, taken without start-up smoothing.
  void set_materials(const MaterialTable& materials, bool gradual = false);
  // New material ids per voxel (a needle inserted or withdrawn, tracks opened).
  void set_voxel_materials(const std::vector<std::uint8_t>& material);
  void set_boundaries(const Boundaries& boundaries);
  // The values beyond an open bottom, per species, changed smoothly over the run (a receptor's
  // or the plasma's concentration, coupled between steps): no discontinuity is marked.
  void set_bottom_concentration(const std::vector<double>& bottom_concentration);
  std::vector<Real> concentration(int species) const;
  std::vector<Real> bound(int species) const;         // empty without reactions
  std::vector<Real> internalised(int species) const;  // empty without reactions

  // A volumetric source q(x)·envelope(t) in amount per volume per second, replacing the
  // species' sources. The envelope is sampled where the scheme evaluates its source.
  void set_source(int species, const std::vector<Real>& q_per_s,
                  std::function<double(double)> envelope);
  // Adds a source q(x)·f(t) given by the integral F(t) = ∫_0^t f: each step [t, t + h] adds
  // exactly q·(F(t + h) − F(t)), so a released amount is exact at any step. Several sources of
  // a species (with their own timing) are summed.
  void add_source(int species, const std::vector<Real>& q_per_s,
                  std::function<double(double)> integral);

  // Call after anything changes a field or a coefficient abruptly (a dose, a wipe-off).
  void mark_discontinuity() { state_.clock.smoothing_steps_left = sim::kRannacherSteps; }

  // Largest explicit step that is stable and keeps fields non-negative for the actual
  // coefficients and grid: 1/max(a + k/2) (kernels/transport.hpp); the implicit schemes
  // take any step, and their robustness tests use multiples of this one.
  double explicit_dt_limit_s() const { return coefficients_.explicit_dt_limit_s(); }

  // One step of the scheme (with reactions Strang-split around it); the explicit scheme
  // refuses a step above its stability limit.
  void step(double dt_s);
  // Asked after each step (each accepted step of the controller) whether to return there,
  // before t_end_s; calling again with the same t_end_s goes on exactly as without the pause.
  using Pause = std::function<bool()>;
  // Steps of dt_s (0: 0.9 × the explicit limit), the last one shortened to land on t_end_s.
  // False when `pause` stopped it short of t_end_s.
  bool advance_to(double t_end_s, double dt_s = 0, const Pause& pause = {});
  // Steps chosen by the accuracy controller, landing exactly on t_end_s (report.paused: short
  // of it, stopped by `pause`).
  AdaptiveReport advance_adaptive(double t_end_s, const AdaptiveOptions& options,
                                  const Pause& pause = {});
  // The step the controller proposes next (0 before its first step, or without it).
  double proposed_dt_s() const { return controller_.next_dt_s(); }
  // Steps the controller rejected so far.
  long long rejected_steps() const { return rejected_steps_; }

  // The whole state (fields, tallies, clock, the controller's step, coefficients, voxel
  // materials, boundaries) to the host, and back into a Simulation of the same problem shape.
  sim::SimulationState<Real> save_state() const;
  void restore_state(const sim::SimulationState<Real>& state);

  SpeciesLedger ledger(int species) const;
  // Host copies of these species' fields and ledger now, for output: on CUDA copied into pinned
  // memory on a side stream while the host goes on (FieldSnapshot::wait before reading).
  FieldSnapshot<Real> snapshot(const std::vector<int>& species) const;

  // Returns when every step launched so far has finished (kernels run asynchronously on CUDA).
  void synchronize() const;

 public:
  // Device copies of a stage's lane descriptors kept per batch (sim::lane_descriptor_copies).
  static int channel_descriptor_copies(int batches) { return sim::lane_descriptor_copies(batches); }
  // Step graphs held now (CUDA; 0 on the CPU).
  std::size_t step_graphs_held() const { return graphs_.size(); }

 private:
  class Controlled;  // the step controller's view (simulation.cpp)

  // Validates the problem and sets up the executor's threads, before any part is built.
  static Problem checked(Problem problem, const Executor& executor);
  sim::StepParts<Real> parts() {
    return {problem_, coefficients_, state_, sources_, plan_, graphs_};
  }
  kernels::GridView<Real> grid_view() const { return coefficients_.grid_view(problem_); }
  std::string field_key(int species, const char* what) const;
  // CUDA: replays the step's graph, or captures it when the same step was taken before;
  // false when the step must be launched kernel by kernel.
  bool graph_step(double dt_s);

  BackendKind backend_;
  const Executor* exec_;
  Problem problem_;
  Scheme scheme_;
  sim::BatchPlan plan_;
  sim::Layout layout_;
  sim::CoefficientStore<Real> coefficients_;
  sim::SpeciesState<Real> state_;
  sim::Sources<Real> sources_;
  sim::Stepper<Real> stepper_;
  StepGraphs graphs_;
  sim::StepController<Real> controller_;
  bool use_step_graphs_;
  long long rejected_steps_ = 0;
};

}  // namespace skinrd
