#pragma once
// Small trivially-copyable views passed by value to the per-voxel functions and to
// the launchers of both backends. Pointers refer to the memory of the backend that
// runs the kernel. Layout: x fastest, then y, then z (VTK's order).
#include <cstddef>
#include <cstdint>

#include "platform.hpp"

namespace skinrd::kernels {

// Coefficients of one species in one material, each listed once: X(name, default, the rule
// its value meets). The struct, its conversion between precisions and the host's check of the
// values (MaterialTable::validate) come from this list. Binding and uptake act on the
// reference-phase concentration u = c/K (DESIGN §1, Reactions).
#define SKINRD_MATERIAL_COEFFS(X)                                                          \
  /* D; 0 marks an impermeable material */                                                 \
  X(diffusion_um2_per_s, 0, "must be >= 0 um^2/s (0 makes the material impermeable)")      \
  /* K > 0, relative to the reference fluid phase */                                       \
  X(partition, 1, "must be > 0")                                                           \
  /* first-order loss of free species, tallied as degraded */                              \
  X(degradation_per_s, 0, "must be >= 0 1/s")                                              \
  /* first-order loss to blood/lymph, tallied as cleared */                                \
  X(clearance_per_s, 0, "must be >= 0 1/s")                                                \
  /* k_on: binding k_on·u·(B_max − b) */                                                   \
  X(binding_on_per_conc_s, 0, "must be >= 0")                                              \
  /* k_off: release k_off·b */                                                             \
  X(unbinding_per_s, 0, "must be >= 0 1/s")                                                \
  /* B_max: ECM / heparan-sulfate sites, concentration */                                  \
  X(binding_capacity, 0, "must be >= 0")                                                   \
  /* first-order loss of the bound species */                                              \
  X(bound_degradation_per_s, 0, "must be >= 0 1/s")                                        \
  /* V_max: Michaelis–Menten uptake V_max·u/(K_m + u) */                                   \
  X(uptake_max_conc_per_s, 0, "must be >= 0")                                              \
  /* K_m, concentration */                                                                 \
  X(uptake_half_saturation, 1, "must be > 0")                                              \
  /* R = 1/h beyond a bottom face of this material, in series with the half cell: the */    \
  /* medium below (tissue continuing into the body); 0: perfect contact (sink, receptor) */ \
  X(bottom_resistance_s_per_um, 0, "must be >= 0 s/um (0: perfect contact)")             \
  /* first-order loss of the internalised species (intracellular), tallied as degraded */  \
  X(internalised_degradation_per_s, 0, "must be >= 0 1/s")

template <class Real>
struct MaterialCoeffs {
#define SKINRD_COEFF_MEMBER(name, initial, rule) Real name = initial;
  SKINRD_MATERIAL_COEFFS(SKINRD_COEFF_MEMBER)
#undef SKINRD_COEFF_MEMBER

  // The same coefficients in another precision.
  template <class To>
  SKINRD_HD MaterialCoeffs<To> as() const {
    MaterialCoeffs<To> to;
#define SKINRD_COEFF_CAST(name, initial, rule) to.name = static_cast<To>(name);
    SKINRD_MATERIAL_COEFFS(SKINRD_COEFF_CAST)
#undef SKINRD_COEFF_CAST
    return to;
  }
};

template <class Real>
struct GridView {
  int nx = 0, ny = 0, nz = 0;
  Real dx_um = 0;                         // lateral spacing, dx = dy
  const Real* dz_um = nullptr;            // [nz] z spacing per cell layer k
  const std::uint8_t* material = nullptr; // [nx*ny*nz] material id per voxel
  int material_count = 0;                 // entries of each coefficient table; 0: not given

  SKINRD_HD std::size_t voxel_count() const {
    return static_cast<std::size_t>(nx) * ny * nz;
  }
  SKINRD_HD std::size_t index(int i, int j, int k) const {
    return (static_cast<std::size_t>(k) * ny + j) * nx + i;
  }
  SKINRD_HD Real volume_um3(int k) const { return dx_um * dx_um * dz_um[k]; }
};

enum class TopBoundary : std::uint8_t { zero_flux, fixed_concentration };
// perfect_sink: an open bottom; outflow G_b·(u − u_b) with G_b the half cell in series with the
// material's bottom_resistance_s_per_um and u_b the species' bottom_concentration: a perfect
// sink where both are 0 (the default), a receptor chamber or the body otherwise.
enum class BottomBoundary : std::uint8_t { zero_flux, perfect_sink };

template <class Real>
struct BoundaryView {
  bool periodic_lateral = true;  // false: zero flux through the four sides
  TopBoundary top = TopBoundary::zero_flux;
  BottomBoundary bottom = BottomBoundary::zero_flux;
  // Cell layers from the top (the film's) whose budget measures the inflow through a fixed
  // top (top_slab_share, kernels/transport.hpp); ≥ 1.
  int top_slab_cells = 1;
};

// One species: its coefficients per material, its field and an optional source.
template <class Real>
struct SpeciesView {
  const MaterialCoeffs<Real>* coeffs = nullptr;  // [n_materials]
  const Real* concentration = nullptr;           // [voxels], amount per tissue volume
  const Real* source_per_s = nullptr;            // [voxels] or null, amount per volume per s
  Real top_concentration = 0;  // reference-phase value when the top is fixed
  Real bottom_concentration = 0;  // reference-phase value beyond an open bottom (0: sink)
};

// One channel of a batched launch: one species (of one ensemble member) with the arrays a
// step of it reads and writes. Every launcher of kernels/launchers.hpp runs all channels of a
// batch; channels never interact, so a batch gives each channel what its own launch would.
template <class Real>
struct Channel {
  SpeciesView<Real> species;  // coefficients, free field at the stage's start, source, top value
  Real source_scale = 1;      // multiplies species.source_per_s over this stage
  Real* next = nullptr;       // the stage's new free field (LOD sweeps it in place)
  Real* work = nullptr;       // Douglas–Gunn's right-hand side, then its correction
  Real* free = nullptr;       // react: the free field, updated in place
  Real* bound = nullptr;      // react: bound and internalised fields, updated in place
  Real* internalised = nullptr;
  double* tallies = nullptr;  // [tally_count] of this channel, double, backend memory
  // Reactions over this time applied to the stage's new free field (with bound and
  // internalised) in the pass that writes it, saving the react pass over memory; 0: none.
  // Read by explicit_step and implicit_tallies.
  Real react_after_s = 0;
};

// Which array of a channel a launcher updates in place.
enum class ChannelField : std::uint8_t { next, work };
template <class Real>
SKINRD_HD inline Real* channel_field(const Channel<Real>& c, ChannelField field) {
  return field == ChannelField::work ? c.work : c.next;
}

// The channels of one launch: the CPU launchers read `host`, the CUDA kernels `device`, a copy
// of the same descriptors in device memory (null on the CPU).
template <class Real>
struct ChannelBatch {
  const Channel<Real>* host = nullptr;
  const Channel<Real>* device = nullptr;
  int count = 0;
};

// Per-step ledger tallies, accumulated in double on the backend.
enum Tally : int {
  degraded = 0,     // free, bound and internalised species
  cleared,          // to blood/lymph
  entered_top,      // through a fixed-concentration top (net)
  lost_bottom,      // out through an open bottom (net)
  added_by_source,  // volumetric sources (net)
  bound_net,        // free → bound (net)
  internalised,     // free → internalised
  tally_count
};

// A voxel's new value and the amounts its update moved, by Tally.
template <class Real>
struct VoxelUpdate {
  Real concentration;
  double tally[tally_count];
};

}  // namespace skinrd::kernels
