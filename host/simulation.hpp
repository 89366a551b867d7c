#pragma once
// The time loop of one tissue problem on one backend: fields and tallies live in the
// backend's memory; the host reads them back only when asked.
#include <algorithm>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "host/backend.hpp"
#include "host/device_buffer.hpp"
#include "host/executor/executor.hpp"
#include "host/grid.hpp"
#include "host/ledger.hpp"
#include "host/materials.hpp"
#include "host/snapshot.hpp"
#include "host/step_graphs.hpp"

namespace skinrd {

struct Boundaries {
  bool periodic_lateral = true;  // false: zero flux through the sides
  kernels::TopBoundary top = kernels::TopBoundary::zero_flux;
  std::vector<double> top_concentration;  // per species, reference-phase value (fixed top)
  kernels::BottomBoundary bottom = kernels::BottomBoundary::zero_flux;
};

struct Problem {
  Grid grid;
  MaterialTable materials;
  Boundaries boundaries;
};

// The material ids in (y fastest, then x, then z) order: what CUDA's x sweeps read
// (line_sweep's material_transposed, kernels/launchers.hpp).
std::vector<std::uint8_t> transposed_materials(const Grid& grid);

// The explicit scheme's stability limit for `problem` in double precision, computed on the host
// without allocating a Simulation (`skinrd check` of domains too large to hold twice).
double explicit_dt_limit_s(const Problem& problem);

// Throws ConfigError for a material id outside the table, a bad coefficient, or a
// missing or negative top concentration.
void validate_problem(const Problem& problem);

// Diffusion schemes (DESIGN §2). explicit_euler: forward Euler under the stability limit.
// adi: Crank–Nicolson ADI in Douglas–Gunn delta form, second order, unconditionally stable,
// the explicit scheme's steady state; after t = 0 and every discontinuity its first two
// steps are taken as backward-Euler half-steps (Rannacher start-up, split as in lod). lod: locally
// one-dimensional backward Euler, first order and robust; its splitting error moves
// steady states with localised sources at large steps.
enum class Scheme { explicit_euler, adi, lod };
const char* to_string(Scheme scheme);
Scheme parse_scheme(std::string_view name);  // "explicit", "adi", "lod"; ConfigError otherwise

// Step-doubling accuracy control: a step of dt and two of dt/2 differ by less than
// relative_tolerance × max|c| in every field, or the step is retried shorter.
struct AdaptiveOptions {
  double relative_tolerance = 1e-3;
  double dt_min_s = 1e-6;
  double dt_max_s = 1e300;
  double dt_initial_s = 0;  // 0: ten times the explicit limit
  // Keep the start and the full step of one batch of species at a time (species never
  // interact), and take the accepted half steps again: the controller's memory shrinks from
  // every stored field plus every free field to one batch's, for 5/3 of the step solves.
  // The same steps, decisions and fields as without, bit for bit.
  bool lean_memory = false;
};

struct AdaptiveReport {
  long long accepted = 0, rejected = 0;
  double last_dt_s = 0;
};

// Bytes a Simulation holds in its backend's memory (device memory on CUDA, host memory on
// the CPU backend), by what they hold. Simulation::memory_footprint computes it, and the
// constructor and the methods that allocate later follow the same layout, so the total is
// what is allocated (tests/test_memory_footprint.cpp checks it against DeviceBufferBytes).
struct SpeciesFootprint {
  std::string name;
  std::size_t free = 0, bound = 0, internalised = 0;  // the stored fields
  std::size_t sources = 0;  // the per-voxel source arrays (one per source)
};

struct MemoryFootprint {
  std::size_t voxels = 0;
  std::vector<SpeciesFootprint> species;
  // Scratch per species of a batch (SimulationOptions::species_per_batch), shared by the batches:
  std::size_t next = 0;             // explicit, LOD: the step's new free field, swapped in turn with each species'
  std::size_t work = 0;             // ADI: right-hand side / correction, then the new free field
  std::size_t sweep_scratch = 0;    // implicit schemes: the line sweeps' scratch
  std::size_t combined_source = 0;  // sum of one species' several sources
  // CUDA: the thread-local Thomas scratch of the line sweeps, which the driver reserves for
  // every thread the device can hold (estimated for kAssumedSmCount multiprocessors): not per
  // voxel, in total() but not in scratch().
  std::size_t sweep_local = 0;
  std::size_t channels = 0;         // CUDA: the device copies of the batches' channel descriptors
  std::size_t controller = 0;       // the step controller's saved start and full-step free fields
  std::size_t materials = 0;        // material ids (+ CUDA's transposed copy), coefficients, dz
  std::size_t tallies = 0;          // the ledger's per-species tallies (double)

  std::size_t stored() const;   // free + bound + internalised of every species
  std::size_t scratch() const;  // next fields + work + sweep scratch (per voxel)
  std::size_t sources() const;  // source arrays + combined_source
  std::size_t total() const;
  double per_voxel(std::size_t bytes) const { return voxels ? double(bytes) / voxels : 0.0; }
};

// What a Simulation allocates after its constructor, known to the caller in advance.
struct FootprintOptions {
  std::vector<int> sources_per_species;  // add_source/set_source arrays kept; empty: none
  bool step_controller = false;          // advance_adaptive's saved states
  bool lean_step_controller = false;     // ... of one batch at a time (AdaptiveOptions::lean_memory)
};

// How a Simulation launches its kernels.
struct SimulationOptions {
  // Species stepped together, each kernel launched once for all of them (kernels/launchers.hpp,
  // ChannelBatch); 0: all species in one batch. Each species of a batch needs its own next
  // field, work and sweep scratch, so memory grows with the batch; 1 keeps one of each.
  int species_per_batch = 1;
  // The step's closing half-reaction (Strang) applied in the last diffusion pass, which writes
  // the new free field anyway (Channel::react_after_s), instead of in a react pass of its own.
  // false: the separate pass, the reference the fused one is tested against.
  bool fuse_reactions = true;
  // CUDA: a fixed-size step that repeats an earlier one is replayed as a CUDA graph
  // (host/step_graphs.hpp). false: every step launched kernel by kernel.
  bool cuda_graphs = true;
};

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
  int species_per_batch() const { return batch_size_; }  // resolved: 1 to species_count()
  double time_s() const { return time_s_; }
  long long steps_taken() const { return steps_; }
  // A species with any reaction has a bound and an internalised field.
  bool has_bound_field(int species) const { return bound_[species].size() > 0; }

  // Replaces a species' free field; the change of amount is tallied as dosed, and the next
  // Crank–Nicolson steps start with backward-Euler half-steps.
  void set_concentration(int species, const std::vector<Real>& concentration);
  // Replaces a reacting species' bound field (ConfigError without one); tallied as dosed.
  void set_bound(int species, const std::vector<Real>& bound);
  // Replaces a species' free field where the change is a removal (a wipe-off): the amount
  // taken out is tallied as removed, not as a negative dose.
  void remove_to(int species, const std::vector<Real>& concentration);

  // New coefficients (a film applied or wiped off, channels closing) or boundaries: the
  // explicit limit is recomputed and the next steps start with the Rannacher start-up.
  void set_materials(const MaterialTable& materials);
  // New material ids per voxel (a needle inserted or withdrawn, channels opened).
  void set_voxel_materials(const std::vector<std::uint8_t>& material);
  void set_boundaries(const Boundaries& boundaries);
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
  void mark_discontinuity() { smoothing_steps_left_ = kRannacherSteps; }

  // Largest explicit step that is stable and keeps fields non-negative for the actual
  // coefficients and grid: 1/max(a + k/2) (kernels/transport.hpp); the implicit schemes
  // take any step, and their robustness tests use multiples of this one.
  double explicit_dt_limit_s() const { return dt_limit_s_; }

  // One step of the scheme (with reactions Strang-split around it); the explicit scheme
  // refuses a step above its stability limit.
  void step(double dt_s);
  // Steps of dt_s (0: 0.9 × the explicit limit), the last one shortened to land on t_end_s.
  void advance_to(double t_end_s, double dt_s = 0);
  // Steps chosen by the accuracy controller, landing exactly on t_end_s.
  AdaptiveReport advance_adaptive(double t_end_s, const AdaptiveOptions& options);

  SpeciesLedger ledger(int species) const;
  // Host copies of these species' fields and ledger now, for output: on CUDA copied into pinned
  // memory on a side stream while the host goes on (FieldSnapshot::wait before reading).
  FieldSnapshot<Real> snapshot(const std::vector<int>& species) const;

  // Returns when every step launched so far has finished (kernels run asynchronously on CUDA).
  void synchronize() const;

 private:
  static constexpr int kRannacherSteps = 3;

 public:
  // Device copies of a stage's channel descriptors kept per batch, so steps whose buffers
  // rotate (with period batches + 1: the spares pass from batch to batch) find theirs held
  // instead of uploading, and a graph's stay valid.
  static int channel_descriptor_copies(int batches) { return batches + 2; }
  // Step graphs held now (CUDA; 0 on the CPU).
  std::size_t step_graphs_held() const { return step_graphs_.size(); }

 private:

  // Values per buffer: the one layout memory_footprint reports and the allocations follow.
  struct Layout {
    int batch_size = 1;  // species per batch, resolved
    std::size_t free = 0, next = 0, work = 0, sweep_scratch = 0, material = 0,
                material_transposed = 0, dz = 0, coeffs = 0, tallies = 0;
    std::vector<std::size_t> reacting;  // per species: bound and internalised values each
    std::vector<std::size_t> channels;  // per channel slot (batch × stage): descriptors on CUDA
  };
  static int resolved_batch_size(int species, const SimulationOptions& options);
  static Layout layout(const Problem& problem, BackendKind backend, Scheme scheme,
                       int batch_size);

  kernels::GridView<Real> grid_view() const;
  kernels::SpeciesView<Real> species_view(int species) const;
  double amount(const DeviceBuffer<Real>& field, int k_begin, int k_end) const;
  // The species' view for a step [t0, t0 + h] whose source is evaluated at t0 + θh: several
  // sources are summed into the scratch `combined_source_`; *scale multiplies the one used.
  kernels::SpeciesView<Real> stepping_view(int species, double t0_s, double h_s, double theta,
                                           Real* scale);
  // Batches: species [first, end) of batch b; the channel descriptors of a stage, sent to the
  // device only when they differ from the ones the slot holds (asynchronously).
  int batch_count() const { return (species_count() + batch_size_ - 1) / batch_size_; }
  int batch_first(int batch) const { return batch * batch_size_; }
  int batch_end(int batch) const { return std::min(species_count(), (batch + 1) * batch_size_); }
  enum class Stage { react, diffuse };
  kernels::ChannelBatch<Real> stage_channels(int batch, Stage stage,
                                             const std::vector<kernels::Channel<Real>>& channels);
  // react_after_s: the closing reactions the stage's last pass applies (0: none).
  kernels::ChannelBatch<Real> diffusion_channels(int batch, double t0_s, double h_s,
                                                 double theta, double react_after_s);
  // Replaces a field; returns the change of amount.
  double replace_field(int species, DeviceBuffer<Real>& field, const std::vector<Real>& values,
                       const char* what);
  // Uploads changed coefficient tables and recomputes the explicit-rate bound of the species
  // whose table changed, or of all after a change of voxel materials or boundaries.
  void upload_coefficients(bool geometry_changed);
  void upload_materials();

  // One step's launches and host bookkeeping (step() without its checks and graphs).
  void take_step(double dt_s);
  // CUDA: replays the step's graph, or captures it when the same step was taken before;
  // false when the step must be launched kernel by kernel.
  bool graph_step(double dt_s);
  StepGraphKey step_graph_key(double dt_s) const;
  // After the diffusion of batch b: each of its species' new fields becomes its free field.
  void swap_in_new_fields(int batch);
  void react(double t_s);
  // react_after_s: reactions over that time fused into the last pass (0: none).
  void diffuse_explicit(double dt_s, double react_after_s);
  void diffuse_crank_nicolson(double dt_s, double react_after_s);
  void diffuse_lod(double dt_s, double react_after_s);
  void line_sweep(const kernels::ChannelBatch<Real>& batch, int axis, double theta_dt_s,
                  kernels::ChannelField field);

  struct State;  // a copy of everything a step changes, for the step controller
  void save(State& state, bool free_only = false) const;  // free_only: the free fields alone
  // max|a − b| / max|a|, 0 where a is all zero: the step controller's error of one field.
  double relative_difference(const DeviceBuffer<Real>& a, const DeviceBuffer<Real>& b) const;
  // advance_adaptive's lean error estimate of a step h (AdaptiveOptions::lean_memory), batch by
  // batch; the state is back at the step's start afterwards.
  double lean_step_error(double h_s, State& start, State& full);
  // Runs `steps` (take_step calls) for each batch alone, each from the same time and counters.
  void each_batch_alone(const std::function<void()>& steps);
  // The batches a step launches: all, or only_batch_.
  int first_stepped_batch() const { return only_batch_ < 0 ? 0 : only_batch_; }
  int end_stepped_batch() const { return only_batch_ < 0 ? batch_count() : only_batch_ + 1; }
  void restore(const State& state);

  Problem problem_;
  BackendKind backend_;
  const Executor* exec_;
  Scheme scheme_;
  int batch_size_ = 1;
  bool fuse_reactions_ = true;
  kernels::BoundaryView<Real> boundary_view_;
  DeviceBuffer<Real> dz_um_;
  DeviceBuffer<std::uint8_t> material_, material_transposed_;
  std::vector<DeviceBuffer<kernels::MaterialCoeffs<Real>>> coeffs_;  // per species
  // The host copies of coeffs_ and each species' largest explicit rate, 1/s: what
  // upload_coefficients compares a new table with.
  std::vector<std::vector<kernels::MaterialCoeffs<Real>>> host_coeffs_;
  std::vector<double> max_rate_per_s_;
  std::vector<DeviceBuffer<Real>> field_;  // per species, free
  // Per species of a batch (explicit, LOD): the new free field; swapped with that species'
  // field, so the old field becomes the spare for the next batch.
  std::vector<DeviceBuffer<Real>> spare_;
  std::vector<DeviceBuffer<Real>> bound_, internalised_;              // per species, maybe empty
  struct Source {
    DeviceBuffer<Real> q_per_s;
    std::function<double(double)> envelope, integral;  // one of them, or neither (constant)
  };
  std::vector<std::vector<Source>> sources_;  // per species
  // The factor multiplying a source's q over a step [t0, t0 + h] evaluated at t0 + θh.
  static double source_factor(const Source& source, double t0_s, double h_s, double theta);
  std::vector<DeviceBuffer<Real>> combined_source_;  // per species of a batch, when needed
  std::vector<double> dosed_, removed_;
  std::vector<DeviceBuffer<Real>> work_;  // ADI, per species of a batch
  // Where the diffusion of the species at `place` in a batch writes its new free field: the
  // spare (explicit, LOD), or Douglas–Gunn's work, which holds the correction until the
  // tallies pass adds the old field to it (ADI, whose Rannacher start-up's LOD steps use it too).
  DeviceBuffer<Real>& new_field(int place) { return spare_.empty() ? work_[place] : spare_[place]; }
  DeviceBuffer<Real> scratch_;  // CUDA sweeps: sweep_scratch_values per species of a batch
  struct ChannelSlot {
    struct Copy {
      std::vector<kernels::Channel<Real>> held;  // what the device copy holds
      DeviceBuffer<kernels::Channel<Real>> device;  // CUDA only
    };
    std::vector<Copy> copies;  // channel_descriptor_copies(batches)
    int next_replaced = 0;     // round robin once all are in use
  };
  std::vector<ChannelSlot> channel_slots_;  // [batch][Stage]
  DeviceBuffer<double> tallies_;       // [species][tally_count]
  double dt_limit_s_ = 0;
  double time_s_ = 0;
  long long steps_ = 0;
  int smoothing_steps_left_ = kRannacherSteps;
  double controller_dt_s_ = 0;  // advance_adaptive's next step; 0: none yet
  bool use_step_graphs_ = false;
  StepGraphs step_graphs_;
  // While a step is captured: the swaps it made, and whether it needed descriptors not held
  // (an upload cannot be captured: that capture is dropped and the step launched normally).
  bool capturing_ = false, capture_missed_ = false;
  int only_batch_ = -1;  // the step controller's lean mode steps one batch at a time
  std::vector<std::pair<int, int>> captured_swaps_;
};

}  // namespace skinrd
