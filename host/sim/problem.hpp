#pragma once
// What a Simulation is asked to solve and how: the tissue problem, its checks, the diffusion
// scheme and the options of the launches and of the step controller.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "host/grid.hpp"
#include "host/materials.hpp"
#include "kernels/views.hpp"

namespace skinrd {

struct Boundaries {
  bool periodic_lateral = true;  // false: zero flux through the sides
  kernels::TopBoundary top = kernels::TopBoundary::zero_flux;
  std::vector<double> top_concentration;  // per species, reference-phase value (fixed top)
  kernels::BottomBoundary bottom = kernels::BottomBoundary::zero_flux;
  // Per species, reference-phase value beyond an open bottom (a receptor's or the plasma's);
  // empty: 0 for all, the perfect sink.
  std::vector<double> bottom_concentration;
};

struct Problem {
  Grid grid;
  MaterialTable materials;
  Boundaries boundaries;
};

// The material ids in (y fastest, then x, then z) order: what CUDA's x sweeps read
// (line_sweep's material_transposed, kernels/launchers.hpp).
std::vector<std::uint8_t> transposed_materials(const Grid& grid);

// The top slab of a fixed top (BoundaryView::top_slab_cells): the leading cell layers that hold
// one material throughout (a film) above a layer that does not; 1 for a grid of one material.
int top_slab_cells(const Grid& grid);

// Values given per species (a boundary's concentrations) are one per species, finite and >= 0;
// ConfigError names `key` (and the species) otherwise.
void check_species_values(const std::vector<double>& values, const MaterialTable& materials,
                          const std::string& key, bool may_be_empty);

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
  bool paused = false;  // returned short of t_end at a pause
};

// How a Simulation launches its kernels.
struct SimulationOptions {
  // Species stepped together, each kernel launched once for all of them (kernels/launchers.hpp,
  // ChannelBatch: one lane per species); 0: all species in one batch. Each species of a batch
  // needs its own next field, work and sweep scratch, so memory grows with the batch; 1 keeps
  // one of each.
  int species_per_batch = 1;
  // The step's closing half-reaction (Strang) applied in the last diffusion pass, which writes
  // the new free field anyway (Channel::react_after_s), instead of in a react pass of its own.
  // false: the separate pass, the reference the fused one is tested against.
  bool fuse_reactions = true;
  // CUDA: a fixed-size step that repeats an earlier one is replayed as a CUDA graph
  // (host/step_graphs.hpp). false: every step launched kernel by kernel.
  bool cuda_graphs = true;
};

}  // namespace skinrd
