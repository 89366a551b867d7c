#pragma once
// The memory a Simulation holds in its backend, and the one layout its allocations follow.
#include <cstddef>
#include <string>
#include <vector>

#include "host/backend.hpp"
#include "host/sim/problem.hpp"

namespace skinrd {

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
  std::size_t channels = 0;         // CUDA: the device copies of the batches' lane descriptors
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

namespace sim {

// Values per buffer: the one layout memory_footprint reports and the allocations follow.
struct Layout {
  int batch_size = 1;  // species per batch, resolved
  std::size_t free = 0, next = 0, work = 0, sweep_scratch = 0, material = 0,
              material_transposed = 0, dz = 0, coeffs = 0, tallies = 0;
  std::vector<std::size_t> reacting;  // per species: bound and internalised values each
  std::vector<std::size_t> lanes;     // per lane slot (batch × stage): descriptors on CUDA
};

// Species per batch: 1 to the species count (options.species_per_batch, 0: all).
int resolved_batch_size(int species, const SimulationOptions& options);
Layout layout(const Problem& problem, BackendKind backend, Scheme scheme, int batch_size);

template <class Real>
MemoryFootprint memory_footprint(const Problem& problem, BackendKind backend, Scheme scheme,
                                 const FootprintOptions& options,
                                 const SimulationOptions& simulation);

}  // namespace sim
}  // namespace skinrd
