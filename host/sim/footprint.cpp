#include "host/sim/footprint.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include "host/error.hpp"
#include "host/executor/executor.hpp"
#include "host/sim/lanes.hpp"
#include "kernels/launchers.hpp"

namespace skinrd {

std::size_t MemoryFootprint::stored() const {
  std::size_t bytes = 0;
  for (const SpeciesFootprint& s : species) bytes += s.free + s.bound + s.internalised;
  return bytes;
}

std::size_t MemoryFootprint::scratch() const {
  return next + work + sweep_scratch;
}

std::size_t MemoryFootprint::sources() const {
  std::size_t bytes = combined_source;
  for (const SpeciesFootprint& s : species) bytes += s.sources;
  return bytes;
}

std::size_t MemoryFootprint::total() const {
  return stored() + scratch() + sources() + controller + materials + tallies + channels +
         sweep_local;
}

namespace sim {

int resolved_batch_size(int species, const SimulationOptions& options) {
  if (options.species_per_batch < 0)
    throw ConfigError("species_per_batch", "must be >= 0 (0: all species), got " +
                                               std::to_string(options.species_per_batch));
  const int all = std::max(species, 1);
  return options.species_per_batch == 0 ? all : std::min(options.species_per_batch, all);
}

Layout layout(const Problem& problem, BackendKind backend, Scheme scheme, int batch_size) {
  const Grid& grid = problem.grid;
  const std::size_t voxels = grid.voxel_count();
  const int species = problem.materials.species_count();
  const std::size_t per_batch = static_cast<std::size_t>(batch_size);
  const std::size_t sweep_scratch = executor_for(backend).sweep_scratch_values(grid);
  Layout layout;
  layout.batch_size = batch_size;
  layout.free = voxels;
  // The step's new free field; Douglas–Gunn writes it over its correction (work) instead.
  layout.next = scheme == Scheme::adi ? 0 : per_batch * voxels;
  // The reaction kernel updates free, bound and internalised together: a species with any
  // reaction gets both fields (one may stay zero).
  for (int s = 0; s < species; ++s)
    layout.reacting.push_back(problem.materials.species_reacts(s) ? voxels : 0);
  if (scheme != Scheme::explicit_euler) {
    // Douglas–Gunn's right-hand side, correction and new field; LOD sweeps in place.
    layout.work = scheme == Scheme::adi ? per_batch * voxels : 0;
    layout.sweep_scratch = per_batch * sweep_scratch;
  }
  layout.material = voxels;
  // CUDA's transposed x sweeps read materials in (y, x, z) order.
  layout.material_transposed =
      scheme != Scheme::explicit_euler && sweep_scratch > 0 ? voxels : 0;
  layout.dz = static_cast<std::size_t>(grid.nz);
  layout.coeffs = static_cast<std::size_t>(problem.materials.material_count());  // per species
  layout.tallies = static_cast<std::size_t>(species) * kernels::tally_count;
  // Lane descriptors per batch: its reacting species (react) and all its species (diffuse).
  for (int first = 0; first < species; first += batch_size) {
    const int end = std::min(species, first + batch_size);
    std::size_t reacting = 0;
    for (int s = first; s < end; ++s) reacting += layout.reacting[s] > 0;
    const bool device = executor_for(backend).reads_device_descriptors();
    layout.lanes.push_back(device ? reacting : 0);
    layout.lanes.push_back(device ? static_cast<std::size_t>(end - first) : 0);
  }
  return layout;
}

template <class Real>
MemoryFootprint memory_footprint(const Problem& problem, BackendKind backend, Scheme scheme,
                                 const FootprintOptions& options,
                                 const SimulationOptions& simulation) {
  const int batch_size =
      resolved_batch_size(problem.materials.species_count(), simulation);
  constexpr std::size_t real = sizeof(Real);
  // Each lane holds at most 12 arrays per voxel besides its sources: a bound checked in double,
  // so that no byte count below wraps (an ensemble multiplies the lanes).
  double arrays = 12.0 * problem.materials.species_count() + 2;
  for (int n : options.sources_per_species) arrays += n;
  const double bound_bytes = arrays * real * static_cast<double>(problem.grid.voxel_count());
  if (bound_bytes > 0x1p62) {
    char message[200];
    std::snprintf(message, sizeof message,
                  "the run needs about %.3g bytes of memory (%.3g voxels, %d lanes), more than "
                  "any machine has; use a coarser grid or fewer members",
                  bound_bytes, static_cast<double>(problem.grid.voxel_count()),
                  problem.materials.species_count());
    throw ConfigError("tissue.dx", message);
  }
  const Layout l = layout(problem, backend, scheme, batch_size);
  MemoryFootprint f;
  f.voxels = problem.grid.voxel_count();
  std::vector<bool> combines(batch_size, false);  // per species of a batch
  for (std::size_t s = 0; s < l.reacting.size(); ++s) {
    SpeciesFootprint sp;
    sp.name = problem.materials.species_name(static_cast<int>(s));
    sp.free = l.free * real;
    sp.bound = sp.internalised = l.reacting[s] * real;
    const int sources = s < options.sources_per_species.size() ? options.sources_per_species[s] : 0;
    sp.sources = static_cast<std::size_t>(sources) * f.voxels * real;
    if (sources > 1) combines[s % batch_size] = true;
    f.species.push_back(sp);
  }
  f.next = l.next * real;
  f.work = l.work * real;
  f.sweep_scratch = l.sweep_scratch * real;
  if (scheme != Scheme::explicit_euler)
    f.sweep_local = executor_for(backend).sweep_local_bytes(problem.grid, real);
  // Sources' combined source, one per position in a batch that some species fills.
  f.combined_source = std::count(combines.begin(), combines.end(), true) * f.voxels * real;
  for (std::size_t n : l.lanes)
    f.channels += lane_descriptor_copies(static_cast<int>(l.lanes.size() / 2)) * n *
                  sizeof(kernels::Channel<Real>);
  f.tallies = l.tallies * sizeof(double);
  // advance_adaptive: the start of a step (every stored field and the tallies) and the full
  // step's free fields.
  std::size_t free_fields = 0;
  for (const SpeciesFootprint& s : f.species) free_fields += s.free;
  // Lean (AdaptiveOptions::lean_memory): the start and the full step of one batch at a time,
  // each place in a batch holding the largest fields of the species at that place.
  std::size_t batch_stored = 0, batch_free = 0;
  for (int place = 0; place < batch_size; ++place) {
    std::size_t free = 0, bound = 0, internalised = 0;
    for (std::size_t s = place; s < f.species.size(); s += batch_size) {
      free = std::max(free, f.species[s].free);
      bound = std::max(bound, f.species[s].bound);
      internalised = std::max(internalised, f.species[s].internalised);
    }
    batch_stored += free + bound + internalised;
    batch_free += free;
  }
  f.controller = !options.step_controller ? 0
                 : options.lean_step_controller
                     ? batch_stored + f.tallies + batch_free
                     : f.stored() + f.tallies + free_fields;
  f.materials = (l.material + l.material_transposed) * sizeof(std::uint8_t) + l.dz * real +
                l.reacting.size() * l.coeffs * sizeof(kernels::MaterialCoeffs<Real>);
  return f;
}

template MemoryFootprint memory_footprint<float>(const Problem&, BackendKind, Scheme,
                                                const FootprintOptions&, const SimulationOptions&);
template MemoryFootprint memory_footprint<double>(const Problem&, BackendKind, Scheme,
                                                 const FootprintOptions&, const SimulationOptions&);

}  // namespace sim
}  // namespace skinrd
