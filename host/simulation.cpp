#include "host/simulation.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>

#include "host/error.hpp"
#include "host/executor/operations.hpp"
#include "kernels/launchers.hpp"

namespace skinrd {

const char* to_string(Scheme scheme) {
  switch (scheme) {
    case Scheme::explicit_euler: return "explicit";
    case Scheme::adi: return "adi";
    case Scheme::lod: return "lod";
  }
  return "?";
}

Scheme parse_scheme(std::string_view name) {
  if (name == "explicit") return Scheme::explicit_euler;
  if (name == "adi") return Scheme::adi;
  if (name == "lod") return Scheme::lod;
  throw ConfigError("run.scheme", "must be explicit, adi or lod, got '" + std::string(name) + "'");
}

std::vector<std::uint8_t> transposed_materials(const Grid& grid) {
  std::vector<std::uint8_t> transposed(grid.voxel_count());
  for (int k = 0; k < grid.nz; ++k)
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i)
        transposed[(static_cast<std::size_t>(k) * grid.nx + i) * grid.ny + j] =
            grid.material[grid.index(i, j, k)];
  return transposed;
}

void validate_problem(const Problem& problem) {
  problem.materials.validate();
  const int materials = problem.materials.material_count();
  for (std::size_t v = 0; v < problem.grid.material.size(); ++v)
    if (problem.grid.material[v] >= materials)
      throw ConfigError("grid.material", "voxel " + std::to_string(v) + " has material id " +
                                             std::to_string(problem.grid.material[v]) +
                                             " but only " + std::to_string(materials) +
                                             " materials are defined");
  if (problem.boundaries.top == kernels::TopBoundary::fixed_concentration) {
    const auto& top = problem.boundaries.top_concentration;
    if (static_cast<int>(top.size()) != problem.materials.species_count())
      throw ConfigError("boundaries.top_concentration",
                        "needs one value per species (" +
                            std::to_string(problem.materials.species_count()) + "), got " +
                            std::to_string(top.size()));
    for (std::size_t s = 0; s < top.size(); ++s)
      if (!std::isfinite(top[s]) || top[s] < 0)
        throw ConfigError("boundaries.top_concentration." + problem.materials.species_name(s),
                          "must be >= 0, got " + std::to_string(top[s]));
  }
}

double explicit_dt_limit_s(const Problem& problem) {
  const Grid& grid = problem.grid;
  const kernels::GridView<double> host_grid{grid.nx, grid.ny, grid.nz, grid.dx_um,
                                            grid.dz_um.data(), grid.material.data()};
  const kernels::BoundaryView<double> boundaries{problem.boundaries.periodic_lateral,
                                                 problem.boundaries.top, problem.boundaries.bottom};
  double max_rate_per_s = 0;
  for (int s = 0; s < problem.materials.species_count(); ++s)
    max_rate_per_s = std::max(max_rate_per_s,
                              kernels::cpu::max_explicit_rate_per_s(
                                  host_grid, boundaries, problem.materials.species_coeffs<double>(s).data()));
  return max_rate_per_s > 0 ? 1.0 / max_rate_per_s : std::numeric_limits<double>::infinity();
}

template <class Real>
struct Simulation<Real>::State {
  std::vector<DeviceBuffer<Real>> field, bound, internalised;
  DeviceBuffer<double> tallies;
  double time_s = 0;
  long long steps = 0;
  int smoothing_steps_left = 0;
};

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

template <class Real>
int Simulation<Real>::resolved_batch_size(int species, const SimulationOptions& options) {
  if (options.species_per_batch < 0)
    throw ConfigError("species_per_batch", "must be >= 0 (0: all species), got " +
                                               std::to_string(options.species_per_batch));
  const int all = std::max(species, 1);
  return options.species_per_batch == 0 ? all : std::min(options.species_per_batch, all);
}

template <class Real>
typename Simulation<Real>::Layout Simulation<Real>::layout(const Problem& problem,
                                                           BackendKind backend, Scheme scheme,
                                                           int batch_size) {
  const Grid& grid = problem.grid;
  const std::size_t voxels = grid.voxel_count();
  const int species = problem.materials.species_count();
  const std::size_t per_batch = static_cast<std::size_t>(batch_size);
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
    layout.sweep_scratch = per_batch * sweep_scratch_values(grid, backend);
  }
  layout.material = voxels;
  // CUDA's transposed x sweeps read materials in (y, x, z) order.
  layout.material_transposed =
      scheme != Scheme::explicit_euler && sweep_scratch_values(grid, backend) > 0 ? voxels : 0;
  layout.dz = static_cast<std::size_t>(grid.nz);
  layout.coeffs = static_cast<std::size_t>(problem.materials.material_count());  // per species
  layout.tallies = static_cast<std::size_t>(species) * kernels::tally_count;
  // Channel descriptors per batch: its reacting species (react) and all its species (diffuse).
  for (int first = 0; first < species; first += batch_size) {
    const int end = std::min(species, first + batch_size);
    std::size_t reacting = 0;
    for (int s = first; s < end; ++s) reacting += layout.reacting[s] > 0;
    const bool device = executor_for(backend).reads_device_descriptors();
    layout.channels.push_back(device ? reacting : 0);
    layout.channels.push_back(device ? static_cast<std::size_t>(end - first) : 0);
  }
  return layout;
}

template <class Real>
MemoryFootprint Simulation<Real>::memory_footprint(const Problem& problem, BackendKind backend,
                                                   Scheme scheme, const FootprintOptions& options,
                                                   const SimulationOptions& simulation) {
  const int batch_size =
      resolved_batch_size(problem.materials.species_count(), simulation);
  const Layout l = layout(problem, backend, scheme, batch_size);
  constexpr std::size_t real = sizeof(Real);
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
  if (scheme != Scheme::explicit_euler) f.sweep_local = sweep_local_bytes(problem.grid, backend);
  // stepping_view's combined_source_, one per position in a batch that some species fills.
  f.combined_source = std::count(combines.begin(), combines.end(), true) * f.voxels * real;
  for (std::size_t n : l.channels)
    f.channels += channel_descriptor_copies(static_cast<int>(l.channels.size() / 2)) * n *
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

template <class Real>
Simulation<Real>::Simulation(Problem problem, BackendKind backend, Scheme scheme,
                             const SimulationOptions& options)
    : problem_(std::move(problem)), backend_(backend), exec_(&executor_for(backend)),
      scheme_(scheme), step_graphs_(*exec_) {
  validate_problem(problem_);
  batch_size_ = resolved_batch_size(species_count(), options);
  fuse_reactions_ = options.fuse_reactions;
  exec_->prepare_threads();
  const Grid& grid = problem_.grid;
  const int species = species_count();
  const Layout plan = layout(problem_, backend_, scheme_, batch_size_);
  boundary_view_.periodic_lateral = problem_.boundaries.periodic_lateral;
  boundary_view_.top = problem_.boundaries.top;
  boundary_view_.bottom = problem_.boundaries.bottom;

  std::vector<Real> dz(grid.dz_um.begin(), grid.dz_um.end());
  dz_um_ = DeviceBuffer<Real>(*exec_, dz);
  upload_materials();
  tallies_ = DeviceBuffer<double>(*exec_, std::vector<double>(plan.tallies));
  sources_.resize(species);
  dosed_.assign(species, 0.0);

  for (int s = 0; s < species; ++s) {
    field_.emplace_back(*exec_, plan.free);
    bound_.emplace_back(*exec_, plan.reacting[s]);
    internalised_.emplace_back(*exec_, plan.reacting[s]);
  }
  removed_.assign(species, 0.0);
  upload_coefficients(true);
  const std::size_t voxels = grid.voxel_count();
  for (int b = 0; b < batch_size_; ++b) {
    if (plan.next > 0) spare_.emplace_back(*exec_, plan.next / batch_size_);
    if (plan.work > 0) work_.emplace_back(*exec_, voxels);
  }
  combined_source_.resize(batch_size_);
  scratch_ = DeviceBuffer<Real>(*exec_, plan.sweep_scratch);
  channel_slots_.resize(plan.channels.size());
  for (std::size_t n = 0; n < plan.channels.size(); ++n) {
    // The CPU launchers read the host descriptors of the call: one copy, no search.
    channel_slots_[n].copies.resize(
        exec_->reads_device_descriptors() ? channel_descriptor_copies(batch_count()) : 1);
    if (plan.channels[n] > 0)
      for (auto& copy : channel_slots_[n].copies)
        copy.device = DeviceBuffer<kernels::Channel<Real>>(*exec_, plan.channels[n]);
  }
  use_step_graphs_ = options.cuda_graphs && exec_->records_graphs();
}

// Coefficients to the backend and the explicit limit, computed on the host copies by the CPU
// loop: only for the species whose table changed, unless the geometry did (an ensemble sets
// new tables often, most of its species unchanged).
template <class Real>
void Simulation<Real>::upload_coefficients(bool geometry_changed) {
  const Grid& grid = problem_.grid;
  const std::vector<Real> dz(grid.dz_um.begin(), grid.dz_um.end());
  const kernels::GridView<Real> host_grid{grid.nx, grid.ny, grid.nz, static_cast<Real>(grid.dx_um),
                                          dz.data(), grid.material.data()};
  const int species = species_count();
  host_coeffs_.resize(species);
  max_rate_per_s_.resize(species, 0.0);
  double max_rate_per_s = 0;
  for (int s = 0; s < species; ++s) {
    auto coeffs = problem_.materials.species_coeffs<Real>(s);
    // Bitwise: a table equal bit for bit has the same rate bound (MaterialCoeffs has no padding).
    const bool table_changed =
        s >= static_cast<int>(coeffs_.size()) || host_coeffs_[s].size() != coeffs.size() ||
        std::memcmp(host_coeffs_[s].data(), coeffs.data(),
                    coeffs.size() * sizeof(kernels::MaterialCoeffs<Real>)) != 0;
    if (table_changed) {
      if (s < static_cast<int>(coeffs_.size()))
        coeffs_[s].upload(coeffs);
      else
        coeffs_.emplace_back(*exec_, coeffs);
    }
    if (table_changed || geometry_changed)
      max_rate_per_s_[s] =
          kernels::cpu::max_explicit_rate_per_s(host_grid, boundary_view_, coeffs.data());
    if (table_changed) host_coeffs_[s] = std::move(coeffs);
    max_rate_per_s = std::max(max_rate_per_s, max_rate_per_s_[s]);
  }
  dt_limit_s_ = max_rate_per_s > 0 ? 1.0 / max_rate_per_s : std::numeric_limits<double>::infinity();
}

template <class Real>
void Simulation<Real>::upload_materials() {
  const Grid& grid = problem_.grid;
  material_ = DeviceBuffer<std::uint8_t>(*exec_, grid.material);
  if (layout(problem_, backend_, scheme_, batch_size_).material_transposed > 0)
    material_transposed_ = DeviceBuffer<std::uint8_t>(*exec_, transposed_materials(grid));
}

template <class Real>
void Simulation<Real>::set_voxel_materials(const std::vector<std::uint8_t>& material) {
  step_graphs_.clear();  // their launches read what changes here
  Problem check{problem_.grid, problem_.materials, problem_.boundaries};
  check.grid.material = material;
  if (material.size() != problem_.grid.voxel_count())
    throw ConfigError("grid.material", "needs one id per voxel");
  validate_problem(check);
  problem_.grid.material = material;
  upload_materials();
  upload_coefficients(true);
  mark_discontinuity();
}

template <class Real>
void Simulation<Real>::set_materials(const MaterialTable& materials) {
  step_graphs_.clear();  // their launches read what changes here
  if (materials.material_count() != problem_.materials.material_count() ||
      materials.species_count() != species_count())
    throw ConfigError("materials", "a new table must keep the materials and species of the run");
  for (int s = 0; s < species_count(); ++s)
    if (problem_.materials.species_reacts(s) != materials.species_reacts(s))
      throw ConfigError("materials." + materials.species_name(s),
                        "reactions cannot be switched on or off during a run");
  materials.validate();
  problem_.materials = materials;
  upload_coefficients(false);
  mark_discontinuity();
}

template <class Real>
void Simulation<Real>::set_boundaries(const Boundaries& boundaries) {
  step_graphs_.clear();  // their launches read what changes here
  Problem check{problem_.grid, problem_.materials, boundaries};
  validate_problem(check);
  problem_.boundaries = boundaries;
  boundary_view_.periodic_lateral = boundaries.periodic_lateral;
  boundary_view_.top = boundaries.top;
  boundary_view_.bottom = boundaries.bottom;
  upload_coefficients(true);
  mark_discontinuity();
}

template <class Real>
kernels::GridView<Real> Simulation<Real>::grid_view() const {
  const Grid& grid = problem_.grid;
  return {grid.nx, grid.ny, grid.nz, static_cast<Real>(grid.dx_um), dz_um_.data(),
          material_.data(), problem_.materials.material_count()};
}

template <class Real>
kernels::SpeciesView<Real> Simulation<Real>::species_view(int species) const {
  kernels::SpeciesView<Real> view;
  view.coeffs = coeffs_[species].data();
  view.concentration = field_[species].data();
  view.source_per_s = nullptr;  // stepping_view adds the sources of a step
  if (problem_.boundaries.top == kernels::TopBoundary::fixed_concentration)
    view.top_concentration = static_cast<Real>(problem_.boundaries.top_concentration[species]);
  return view;
}

template <class Real>
double Simulation<Real>::amount(const DeviceBuffer<Real>& field, int k_begin, int k_end) const {
  if (field.size() == 0) return 0;
  return exec_->run(ops::amount, grid_view(), field.data(), k_begin, k_end);
}

template <class Real>
double Simulation<Real>::source_factor(const Source& source, double t0_s, double h_s,
                                       double theta) {
  if (source.integral) return (source.integral(t0_s + h_s) - source.integral(t0_s)) / h_s;
  return source.envelope ? source.envelope(t0_s + theta * h_s) : 1.0;
}

template <class Real>
kernels::SpeciesView<Real> Simulation<Real>::stepping_view(int species, double t0_s, double h_s,
                                                           double theta, Real* scale) {
  kernels::SpeciesView<Real> view = species_view(species);
  *scale = Real(1);
  const auto& sources = sources_[species];
  if (sources.empty()) return view;
  auto factor = [&](const Source& source) { return source_factor(source, t0_s, h_s, theta); };
  if (sources.size() == 1) {
    view.source_per_s = sources.front().q_per_s.data();
    *scale = static_cast<Real>(factor(sources.front()));
    return view;
  }
  const std::size_t voxels = problem_.grid.voxel_count();
  DeviceBuffer<Real>& combined = combined_source_[species % batch_size_];  // its place in a batch
  if (combined.size() != voxels) {
    if (capturing_) {  // no allocation in a capture: the step is taken kernel by kernel
      capture_missed_ = true;
      return view;
    }
    combined = DeviceBuffer<Real>(*exec_, voxels);
  }
  combined.zero();
  for (const Source& source : sources)
    exec_->run(ops::axpy, combined.data(), static_cast<Real>(factor(source)),
                    source.q_per_s.data(), voxels);
  view.source_per_s = combined.data();
  return view;
}

template <class Real>
double Simulation<Real>::replace_field(int species, DeviceBuffer<Real>& field,
                                       const std::vector<Real>& values, const char* what) {
  const std::string key = "species." + problem_.materials.species_name(species) + "." + what;
  if (field.size() == 0) throw ConfigError(key, "the species has no reactions, so no such field");
  if (values.size() != field.size())
    throw ConfigError(key, "needs " + std::to_string(field.size()) + " values, got " +
                               std::to_string(values.size()));
  const int nz = problem_.grid.nz;
  const double before = amount(field, 0, nz);
  field.upload(values);
  mark_discontinuity();
  return amount(field, 0, nz) - before;
}

template <class Real>
void Simulation<Real>::set_concentration(int species, const std::vector<Real>& concentration) {
  dosed_[species] += replace_field(species, field_[species], concentration, "free");
}

template <class Real>
void Simulation<Real>::set_bound(int species, const std::vector<Real>& bound) {
  dosed_[species] += replace_field(species, bound_[species], bound, "bound");
}

template <class Real>
void Simulation<Real>::remove_to(int species, const std::vector<Real>& concentration) {
  removed_[species] -= replace_field(species, field_[species], concentration, "free");
}

template <class Real>
std::vector<Real> Simulation<Real>::concentration(int species) const {
  return field_[species].download();
}

template <class Real>
std::vector<Real> Simulation<Real>::bound(int species) const {
  return bound_[species].download();
}

template <class Real>
std::vector<Real> Simulation<Real>::internalised(int species) const {
  return internalised_[species].download();
}

template <class Real>
void Simulation<Real>::set_source(int species, const std::vector<Real>& q_per_s,
                                  std::function<double(double)> envelope) {
  step_graphs_.clear();  // their launches read what changes here
  if (q_per_s.size() != problem_.grid.voxel_count())
    throw ConfigError("species." + problem_.materials.species_name(species) + ".source",
                      "needs one value per voxel");
  sources_[species].clear();
  sources_[species].push_back({DeviceBuffer<Real>(*exec_, q_per_s), std::move(envelope), {}});
}

template <class Real>
void Simulation<Real>::add_source(int species, const std::vector<Real>& q_per_s,
                                  std::function<double(double)> integral) {
  step_graphs_.clear();  // their launches read what changes here
  if (q_per_s.size() != problem_.grid.voxel_count())
    throw ConfigError("species." + problem_.materials.species_name(species) + ".source",
                      "needs one value per voxel");
  sources_[species].push_back({DeviceBuffer<Real>(*exec_, q_per_s), {}, std::move(integral)});
}

namespace {
template <class Real>
bool same_channel(const kernels::Channel<Real>& a, const kernels::Channel<Real>& b) {
  return a.species.coeffs == b.species.coeffs && a.species.concentration == b.species.concentration &&
         a.species.source_per_s == b.species.source_per_s &&
         a.species.top_concentration == b.species.top_concentration &&
         a.source_scale == b.source_scale && a.next == b.next && a.work == b.work &&
         a.free == b.free && a.bound == b.bound && a.internalised == b.internalised &&
         a.tallies == b.tallies && a.react_after_s == b.react_after_s;
}
}  // namespace

template <class Real>
kernels::ChannelBatch<Real> Simulation<Real>::stage_channels(
    int batch, Stage stage, const std::vector<kernels::Channel<Real>>& channels) {
  ChannelSlot& slot = channel_slots_[2 * batch + (stage == Stage::diffuse ? 1 : 0)];
  const int count = static_cast<int>(channels.size());
  auto batch_of = [&](const typename ChannelSlot::Copy& copy) {
    return kernels::ChannelBatch<Real>{
        copy.held.data(), exec_->reads_device_descriptors() ? copy.device.data() : nullptr,
        count};
  };
  for (const auto& copy : slot.copies)
    if (copy.held.size() == channels.size() &&
        std::equal(channels.begin(), channels.end(), copy.held.begin(), same_channel<Real>))
      return batch_of(copy);
  if (capturing_) {  // nothing runs during a capture: these launches are dropped with it
    capture_missed_ = true;
    return {nullptr, nullptr, count};
  }
  auto unused = std::find_if(slot.copies.begin(), slot.copies.end(),
                             [](const auto& copy) { return copy.held.empty(); });
  typename ChannelSlot::Copy* copy = nullptr;
  if (unused != slot.copies.end()) {
    copy = &*unused;
  } else {
    copy = &slot.copies[slot.next_replaced];
    slot.next_replaced = (slot.next_replaced + 1) % static_cast<int>(slot.copies.size());
    step_graphs_.clear();  // a graph may read the copy replaced
  }
  copy->held = channels;
  // Stream-ordered after the launches that read the previous descriptors: no waiting.
  if (exec_->reads_device_descriptors())
    exec_->copy_from_host_async(copy->device.data(), copy->held.data(),
                                copy->held.size() * sizeof(kernels::Channel<Real>));
  return batch_of(*copy);
}

template <class Real>
kernels::ChannelBatch<Real> Simulation<Real>::diffusion_channels(int batch, double t0_s,
                                                                 double h_s, double theta,
                                                                 double react_after_s) {
  std::vector<kernels::Channel<Real>> channels;
  for (int s = batch_first(batch); s < batch_end(batch); ++s) {
    const int place = s - batch_first(batch);
    kernels::Channel<Real> c;
    c.species = stepping_view(s, t0_s, h_s, theta, &c.source_scale);
    c.next = new_field(place).data();
    c.work = work_.empty() ? nullptr : work_[place].data();
    c.tallies = tallies_.data() + s * kernels::tally_count;
    if (react_after_s > 0 && has_bound_field(s)) {
      c.bound = bound_[s].data();
      c.internalised = internalised_[s].data();
      c.react_after_s = static_cast<Real>(react_after_s);
    }
    channels.push_back(c);
  }
  return stage_channels(batch, Stage::diffuse, channels);
}

template <class Real>
void Simulation<Real>::react(double t_s) {
  const auto grid = grid_view();
  for (int b = first_stepped_batch(); b < end_stepped_batch(); ++b) {
    std::vector<kernels::Channel<Real>> channels;
    for (int s = batch_first(b); s < batch_end(b); ++s) {
      if (!has_bound_field(s)) continue;
      kernels::Channel<Real> c;
      c.species = species_view(s);
      c.free = field_[s].data();
      c.bound = bound_[s].data();
      c.internalised = internalised_[s].data();
      c.tallies = tallies_.data() + s * kernels::tally_count;
      channels.push_back(c);
    }
    if (channels.empty()) continue;
    exec_->run(ops::react, grid, stage_channels(b, Stage::react, channels),
                    static_cast<Real>(t_s));
  }
}

template <class Real>
void Simulation<Real>::diffuse_explicit(double dt_s, double react_after_s) {
  const auto grid = grid_view();
  for (int b = first_stepped_batch(); b < end_stepped_batch(); ++b) {
    const auto batch = diffusion_channels(b, time_s_, dt_s, 0.0, react_after_s);
    exec_->run(ops::explicit_step, grid, boundary_view_, batch, static_cast<Real>(dt_s));
    swap_in_new_fields(b);
  }
}

template <class Real>
void Simulation<Real>::swap_in_new_fields(int batch) {
  for (int s = batch_first(batch); s < batch_end(batch); ++s) {
    const int place = s - batch_first(batch);
    field_[s].swap(new_field(place));
    if (capturing_) captured_swaps_.emplace_back(s, place);
  }
}

template <class Real>
void Simulation<Real>::line_sweep(const kernels::ChannelBatch<Real>& batch, int axis,
                                  double theta_dt_s, kernels::ChannelField field) {
  exec_->run(ops::line_sweep, grid_view(), material_transposed_.data(), boundary_view_, batch,
                  axis, static_cast<Real>(theta_dt_s), field, scratch_.data());
}

// Douglas–Gunn delta form with θ = ½:
// (I − θdt A_x)(I − θdt A_y)(I − θdt A_z)(c^{n+1} − c^n) = dt (A c^n + s^{n+θ}).
// The sweeps solve for the correction in work; the tallies pass writes c^{n+1} = c^n + work.
template <class Real>
void Simulation<Real>::diffuse_crank_nicolson(double dt_s, double react_after_s) {
  constexpr double theta = 0.5;
  const auto grid = grid_view();
  const Real dt = static_cast<Real>(dt_s), theta_real = static_cast<Real>(theta);
  for (int b = first_stepped_batch(); b < end_stepped_batch(); ++b) {
    const auto batch = diffusion_channels(b, time_s_, dt_s, theta, react_after_s);
    exec_->run(ops::implicit_rhs, grid, boundary_view_, batch, dt);
    for (int axis = 0; axis < 3; ++axis)
      line_sweep(batch, axis, theta * dt_s, kernels::ChannelField::work);
    exec_->run(ops::implicit_tallies, grid, boundary_view_, batch, theta_real, dt, true);
    swap_in_new_fields(b);
  }
}

// (I − dt A_x) c1 = c^n, (I − dt A_y) c2 = c1, (I − dt A_z) c^{n+1} = c2 + dt·(inflow + s).
template <class Real>
void Simulation<Real>::diffuse_lod(double dt_s, double react_after_s) {
  const auto grid = grid_view();
  const Real dt = static_cast<Real>(dt_s);
  for (int b = first_stepped_batch(); b < end_stepped_batch(); ++b) {
    const auto batch = diffusion_channels(b, time_s_, dt_s, 1.0, react_after_s);
    for (int s = batch_first(b); s < batch_end(b); ++s)
      new_field(s - batch_first(b)).copy_from(field_[s]);
    line_sweep(batch, 0, dt_s, kernels::ChannelField::next);
    line_sweep(batch, 1, dt_s, kernels::ChannelField::next);
    exec_->run(ops::add_constant_inflow, grid, boundary_view_, batch, dt);
    line_sweep(batch, 2, dt_s, kernels::ChannelField::next);
    exec_->run(ops::implicit_tallies, grid, boundary_view_, batch, Real(1), dt, false);
    swap_in_new_fields(b);
  }
}

template <class Real>
void Simulation<Real>::step(double dt_s) {
  if (!(dt_s > 0) || !std::isfinite(dt_s))
    throw ConfigError("run.dt", "a step must be positive and finite, got " + std::to_string(dt_s));
  if (scheme_ == Scheme::explicit_euler && dt_s > dt_limit_s_ * (1 + 1e-12)) {
    std::ostringstream message;
    message << "explicit step " << dt_s << " s is above the stability limit " << dt_limit_s_
            << " s (use the adi or lod scheme for longer steps)";
    throw ConfigError("run.dt", message.str());
  }
  if (graph_step(dt_s)) return;
  take_step(dt_s);
}

template <class Real>
void Simulation<Real>::take_step(double dt_s) {
  // Strang splitting: reactions(dt/2) · diffusion(dt) · reactions(dt/2), the closing half
  // fused into the diffusion's last pass unless asked not to.
  react(0.5 * dt_s);
  const double closing_s = fuse_reactions_ ? 0.5 * dt_s : 0.0;
  switch (scheme_) {
    case Scheme::explicit_euler: diffuse_explicit(dt_s, closing_s); break;
    case Scheme::lod: diffuse_lod(dt_s, closing_s); break;
    case Scheme::adi:
      // Rannacher start-up: two backward-Euler half-steps, split locally one-dimensionally.
      // Every 1-D backward-Euler factor is the inverse of an M-matrix, so these steps keep
      // fields non-negative and damp every stiff mode, including the modes stiff along all
      // three axes that Douglas–Gunn's factorisation leaves undamped.
      if (smoothing_steps_left_ > 0) {
        diffuse_lod(0.5 * dt_s, 0.0);
        time_s_ += 0.5 * dt_s;
        diffuse_lod(0.5 * dt_s, closing_s);
        time_s_ -= 0.5 * dt_s;
        --smoothing_steps_left_;
      } else {
        diffuse_crank_nicolson(dt_s, closing_s);
      }
      break;
  }
  if (!fuse_reactions_) react(0.5 * dt_s);
  time_s_ += dt_s;
  ++steps_;
}

template <class Real>
StepGraphKey Simulation<Real>::step_graph_key(double dt_s) const {
  StepGraphKey key;
  key.dt_s = dt_s;
  for (const auto& field : field_) key.buffers.push_back(field.data());
  for (const auto& spare : spare_) key.buffers.push_back(spare.data());
  for (const auto& work : work_) key.buffers.push_back(work.data());
  const double theta =
      scheme_ == Scheme::explicit_euler ? 0.0 : scheme_ == Scheme::lod ? 1.0 : 0.5;
  for (const auto& sources : sources_)
    for (const Source& source : sources)
      key.source_factors.push_back(source_factor(source, time_s_, dt_s, theta));
  return key;
}

template <class Real>
bool Simulation<Real>::graph_step(double dt_s) {
  // The Rannacher start-up steps follow a discontinuity once: not worth a graph.
  if (!use_step_graphs_ || smoothing_steps_left_ > 0) return false;
  StepGraphKey key = step_graph_key(dt_s);
  if (const StepGraphs::Recorded* recorded = step_graphs_.find(key)) {
    exec_->launch(recorded->exec);
    for (const auto& [species, place] : recorded->swaps) field_[species].swap(new_field(place));
    time_s_ += dt_s;
    ++steps_;
    return true;
  }
  if (!step_graphs_.may_capture() || !step_graphs_.seen_before(key)) return false;
  const double time_before_s = time_s_;
  const long long steps_before = steps_;
  captured_swaps_.clear();
  capture_missed_ = false;
  exec_->begin_capture();
  capturing_ = true;
  Executor::Graph exec = nullptr;
  bool captured = false;
  try {
    take_step(dt_s);
    capturing_ = false;
    exec = exec_->end_capture();
    captured = !capture_missed_;
  } catch (...) {
    // Nothing of the captured step ran: it is undone below and launched kernel by kernel,
    // which reports an error that is not the capture's own.
    if (capturing_) {
      capturing_ = false;
      try {
        exec_->destroy_graph(exec_->end_capture());
      } catch (...) {
        // the capture is over either way
      }
    }
  }
  if (!captured) {
    exec_->destroy_graph(exec);
    step_graphs_.count_failed_capture();
    for (auto swap = captured_swaps_.rbegin(); swap != captured_swaps_.rend(); ++swap)
      field_[swap->first].swap(new_field(swap->second));
    time_s_ = time_before_s;
    steps_ = steps_before;
    return false;
  }
  const StepGraphs::Recorded& recorded =
      step_graphs_.add(std::move(key), {exec, captured_swaps_});
  exec_->launch(recorded.exec);
  return true;
}

template <class Real>
void Simulation<Real>::advance_to(double t_end_s, double dt_s) {
  if (dt_s <= 0) dt_s = 0.9 * dt_limit_s_;
  while (time_s_ < t_end_s) {
    const double remaining = t_end_s - time_s_;
    // A last step shorter than 1e-9 of a normal one is rounding, not time.
    if (remaining <= 1e-9 * dt_s) break;
    step(std::min(dt_s, remaining));
    if (remaining <= dt_s) break;
  }
  time_s_ = std::max(time_s_, t_end_s);
}

template <class Real>
void Simulation<Real>::save(State& state, bool free_only) const {
  auto copy_all = [&](std::vector<DeviceBuffer<Real>>& to, const std::vector<DeviceBuffer<Real>>& from) {
    if (to.size() != from.size()) {
      to.clear();
      for (const auto& buffer : from) to.emplace_back(*exec_, buffer.size());
    }
    for (std::size_t s = 0; s < from.size(); ++s) to[s].copy_from(from[s]);
  };
  copy_all(state.field, field_);
  if (free_only) return;
  copy_all(state.bound, bound_);
  copy_all(state.internalised, internalised_);
  if (state.tallies.size() != tallies_.size()) state.tallies = DeviceBuffer<double>(*exec_, tallies_.size());
  state.tallies.copy_from(tallies_);
  state.time_s = time_s_;
  state.steps = steps_;
  state.smoothing_steps_left = smoothing_steps_left_;
}

template <class Real>
void Simulation<Real>::restore(const State& state) {
  for (std::size_t s = 0; s < field_.size(); ++s) {
    field_[s].copy_from(state.field[s]);
    if (bound_[s].size()) bound_[s].copy_from(state.bound[s]);
    if (internalised_[s].size()) internalised_[s].copy_from(state.internalised[s]);
  }
  tallies_.copy_from(state.tallies);
  time_s_ = state.time_s;
  steps_ = state.steps;
  smoothing_steps_left_ = state.smoothing_steps_left;
}

template <class Real>
double Simulation<Real>::relative_difference(const DeviceBuffer<Real>& a,
                                             const DeviceBuffer<Real>& b) const {
  const kernels::MaxAbs m = exec_->run(ops::max_abs_difference, a.data(), b.data(), a.size());
  return m.value > 0 ? m.difference / m.value : 0.0;
}

template <class Real>
void Simulation<Real>::each_batch_alone(const std::function<void()>& steps) {
  const double time_s = time_s_;
  const long long taken = steps_;
  const int smoothing = smoothing_steps_left_;
  for (int b = 0; b < batch_count(); ++b) {
    time_s_ = time_s;  // every batch steps from the same start; they end alike
    steps_ = taken;
    smoothing_steps_left_ = smoothing;
    only_batch_ = b;
    try {
      steps();
    } catch (...) {
      only_batch_ = -1;
      throw;
    }
  }
  only_batch_ = -1;
}

// Species never interact, so a batch stepped alone gets what a step of all gives it: for each
// batch the start is saved, the full step taken and its free fields kept, the start restored and
// the two half steps taken and compared, and the start restored again. Memory: one batch's
// start and full step instead of every species'.
template <class Real>
double Simulation<Real>::lean_step_error(double h_s, State& start, State& full) {
  const double time_s = time_s_;
  const long long taken = steps_;
  const int smoothing = smoothing_steps_left_;
  if (start.tallies.size() != tallies_.size())
    start.tallies = DeviceBuffer<double>(*exec_, tallies_.size());
  start.tallies.copy_from(tallies_);
  // A place's buffers only grow (to a field's size where some species at that place has the
  // field): batches alternating reacting and non-reacting species do not reallocate each step.
  auto ensure = [&](std::vector<DeviceBuffer<Real>>& buffers, int place, std::size_t size) {
    if (static_cast<int>(buffers.size()) <= place) buffers.resize(place + 1);
    if (buffers[place].size() < size) buffers[place] = DeviceBuffer<Real>(*exec_, size);
  };
  auto keep = [&](int b, bool keep_full) {  // the batch's fields into start (or full)
    for (int s = batch_first(b); s < batch_end(b); ++s) {
      const int place = s - batch_first(b);
      State& to = keep_full ? full : start;
      ensure(to.field, place, field_[s].size());
      to.field[place].copy_from(field_[s]);
      if (keep_full) continue;
      ensure(to.bound, place, bound_[s].size());
      ensure(to.internalised, place, internalised_[s].size());
      if (bound_[s].size()) to.bound[place].copy_from(bound_[s]);
      if (internalised_[s].size()) to.internalised[place].copy_from(internalised_[s]);
    }
  };
  auto back_to_start = [&](int b) {
    for (int s = batch_first(b); s < batch_end(b); ++s) {
      const int place = s - batch_first(b);
      field_[s].copy_from(start.field[place]);
      if (bound_[s].size()) bound_[s].copy_from(start.bound[place]);
      if (internalised_[s].size()) internalised_[s].copy_from(start.internalised[place]);
    }
    time_s_ = time_s;
    steps_ = taken;
    smoothing_steps_left_ = smoothing;
  };
  double error = 0;
  try {
    for (int b = 0; b < batch_count(); ++b) {
      only_batch_ = b;
      keep(b, false);
      take_step(h_s);
      keep(b, true);
      back_to_start(b);
      take_step(0.5 * h_s);
      take_step(0.5 * h_s);
      for (int s = batch_first(b); s < batch_end(b); ++s)
        error = std::max(error, relative_difference(field_[s], full.field[s - batch_first(b)]));
      back_to_start(b);
    }
  } catch (...) {
    only_batch_ = -1;
    throw;
  }
  only_batch_ = -1;
  tallies_.copy_from(start.tallies);
  return error;
}

template <class Real>
AdaptiveReport Simulation<Real>::advance_adaptive(double t_end_s, const AdaptiveOptions& options) {
  if (!(options.relative_tolerance > 0) || !(options.dt_min_s > 0) ||
      options.dt_max_s < options.dt_min_s)
    throw ConfigError("run.adaptive", "needs tolerance > 0 and 0 < dt_min <= dt_max");
  const double order = scheme_ == Scheme::adi ? 2.0 : 1.0;
  const double dt_cap = scheme_ == Scheme::explicit_euler
                            ? std::min(options.dt_max_s, 0.9 * dt_limit_s_)
                            : options.dt_max_s;
  // The step the controller last proposed carries over from the previous call, so a run
  // advanced in chunks (to report progress, to land on outputs) keeps its step size.
  double dt = controller_dt_s_ > 0           ? controller_dt_s_
              : options.dt_initial_s > 0 ? options.dt_initial_s
                                         : 10 * dt_limit_s_;
  AdaptiveReport report;
  State start, full;
  while (t_end_s - time_s_ > 1e-12 * std::max(1.0, std::abs(t_end_s))) {
    dt = std::clamp(dt, options.dt_min_s, dt_cap);
    const double remaining = t_end_s - time_s_;
    const bool last = dt >= remaining * (1 - 1e-12);
    const double h = last ? remaining : dt;
    double error = 0;
    if (options.lean_memory) {
      error = lean_step_error(h, start, full);  // leaves the state at the step's start
    } else {
      save(start);
      step(h);
      save(full, true);  // only compared: the free fields
      restore(start);
      step(0.5 * h);
      step(0.5 * h);
      for (std::size_t s = 0; s < field_.size(); ++s)
        error = std::max(error, relative_difference(field_[s], full.field[s]));
    }
    const double ratio = options.relative_tolerance / std::max(error, 1e-300);
    const double factor = std::pow(ratio, 1.0 / (order + 1));
    if (error <= options.relative_tolerance || h <= options.dt_min_s * (1 + 1e-12)) {
      ++report.accepted;
      report.last_dt_s = h;
      if (options.lean_memory) each_batch_alone([&] { take_step(0.5 * h); take_step(0.5 * h); });
      if (last) time_s_ = t_end_s;
      const double proposed = h * std::clamp(0.9 * factor, 0.2, 5.0);
      // A step shortened to land on t_end says little about the step size beyond it.
      // (no 5× cap on growth from it; a smaller proposal is kept).
      dt = last && h < dt ? std::min(dt, h * std::max(0.9 * factor, 0.2)) : proposed;
    } else {
      ++report.rejected;
      if (!options.lean_memory) restore(start);
      dt = h * std::clamp(0.9 * factor, 0.1, 0.9);
    }
  }
  time_s_ = std::max(time_s_, t_end_s);
  controller_dt_s_ = dt;
  return report;
}

template <class Real>
SpeciesLedger Simulation<Real>::ledger(int species) const {
  SpeciesLedger ledger;
  ledger.species = problem_.materials.species_name(species);
  for (const LayerRange& layer : problem_.grid.layers) {
    ledger.layer_names.push_back(layer.name);
    ledger.free_by_layer.push_back(amount(field_[species], layer.k_begin, layer.k_end));
    ledger.bound_by_layer.push_back(amount(bound_[species], layer.k_begin, layer.k_end));
    ledger.internalised_by_layer.push_back(
        amount(internalised_[species], layer.k_begin, layer.k_end));
  }
  const std::vector<double> all = tallies_.download();
  const double* t = all.data() + species * kernels::tally_count;
  ledger.dosed = dosed_[species];
  ledger.removed = removed_[species];
  ledger.entered_top = t[kernels::Tally::entered_top];
  ledger.added_by_source = t[kernels::Tally::added_by_source];
  ledger.degraded = t[kernels::Tally::degraded];
  ledger.cleared = t[kernels::Tally::cleared];
  ledger.lost_bottom = t[kernels::Tally::lost_bottom];
  ledger.bound_net = t[kernels::Tally::bound_net];
  ledger.internalised = t[kernels::Tally::internalised];
  return ledger;
}

template <class Real>
FieldSnapshot<Real> Simulation<Real>::snapshot(const std::vector<int>& species) const {
  FieldSnapshot<Real> snap(*exec_, time_s_);
  std::vector<kernels::HostCopy> copies;
  auto copy = [&](const DeviceBuffer<Real>& from) {
    HostArray<Real> to(*exec_, from.size());
    copies.push_back({to.data(), from.data(), from.bytes()});
    return to;
  };
  for (int s : species) {
    typename FieldSnapshot<Real>::Species copied;
    copied.free = copy(field_[s]);
    copied.bound = copy(bound_[s]);
    copied.internalised = copy(internalised_[s]);
    // Per-layer amounts reduced on the backend now: a few passes, the fields stay put.
    copied.ledger = ledger(s);
    snap.species_.push_back(std::move(copied));
  }
  snap.copied_ = exec_->copy_to_host_async(copies.data(), copies.size());
  return snap;
}

template <class Real>
void Simulation<Real>::synchronize() const {
  exec_->synchronize();
}

template class Simulation<float>;
template class Simulation<double>;

}  // namespace skinrd
