#include "kernels/cpu/denormals.hpp"
#include "host/simulation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "host/error.hpp"
#include "kernels/launchers.hpp"

namespace skinrd {

// Calls the same launcher in the namespace of the chosen backend.
#define SKINRD_DISPATCH(function, ...)                                              \
  (backend_ == BackendKind::cuda ? kernels::cuda::function(__VA_ARGS__) \
                                 : kernels::cpu::function(__VA_ARGS__))

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
  return stored() + scratch() + sources() + controller + materials + tallies;
}

template <class Real>
typename Simulation<Real>::Layout Simulation<Real>::layout(const Problem& problem,
                                                           BackendKind backend, Scheme scheme) {
  const Grid& grid = problem.grid;
  const std::size_t voxels = grid.voxel_count();
  const int species = problem.materials.species_count();
  Layout layout;
  layout.free = layout.next = voxels;
  // The reaction kernel updates free, bound and internalised together: a species with any
  // reaction gets both fields (one may stay zero).
  for (int s = 0; s < species; ++s)
    layout.reacting.push_back(problem.materials.species_reacts(s) ? voxels : 0);
  if (scheme != Scheme::explicit_euler) {
    layout.work = scheme == Scheme::adi ? voxels : 0;  // Douglas–Gunn's right-hand side; LOD sweeps in place
    layout.sweep_scratch = sweep_scratch_values(voxels, backend);
  }
  layout.material = voxels;
  // CUDA's x sweeps read materials in (y, x, z) order.
  layout.material_transposed = backend == BackendKind::cuda ? voxels : 0;
  layout.dz = static_cast<std::size_t>(grid.nz);
  layout.coeffs = static_cast<std::size_t>(problem.materials.material_count());  // per species
  layout.tallies = static_cast<std::size_t>(species) * kernels::tally_count;
  return layout;
}

template <class Real>
MemoryFootprint Simulation<Real>::memory_footprint(const Problem& problem, BackendKind backend,
                                                   Scheme scheme, const FootprintOptions& options) {
  const Layout l = layout(problem, backend, scheme);
  constexpr std::size_t real = sizeof(Real);
  MemoryFootprint f;
  f.voxels = problem.grid.voxel_count();
  bool combines = false;
  for (std::size_t s = 0; s < l.reacting.size(); ++s) {
    SpeciesFootprint sp;
    sp.name = problem.materials.species_name(static_cast<int>(s));
    sp.free = l.free * real;
    sp.bound = sp.internalised = l.reacting[s] * real;
    const int sources = s < options.sources_per_species.size() ? options.sources_per_species[s] : 0;
    sp.sources = static_cast<std::size_t>(sources) * f.voxels * real;
    combines |= sources > 1;
    f.species.push_back(sp);
  }
  f.next = l.next * real;
  f.work = l.work * real;
  f.sweep_scratch = l.sweep_scratch * real;
  f.combined_source = combines ? f.voxels * real : 0;  // stepping_view's combined_source_
  f.tallies = l.tallies * sizeof(double);
  // save(): a copy of every stored field and of the tallies, for the start and the full step.
  f.controller = options.step_controller ? 2 * (f.stored() + f.tallies) : 0;
  f.materials = (l.material + l.material_transposed) * sizeof(std::uint8_t) + l.dz * real +
                l.reacting.size() * l.coeffs * sizeof(kernels::MaterialCoeffs<Real>);
  return f;
}

template <class Real>
Simulation<Real>::Simulation(Problem problem, BackendKind backend, Scheme scheme)
    : problem_(std::move(problem)), backend_(backend), scheme_(scheme) {
  validate_problem(problem_);
  if (backend_ == BackendKind::cpu) kernels::cpu::flush_subnormals_to_zero();
  const Grid& grid = problem_.grid;
  const int species = species_count();
  const Layout plan = layout(problem_, backend_, scheme_);
  boundary_view_.periodic_lateral = problem_.boundaries.periodic_lateral;
  boundary_view_.top = problem_.boundaries.top;
  boundary_view_.bottom = problem_.boundaries.bottom;

  std::vector<Real> dz(grid.dz_um.begin(), grid.dz_um.end());
  dz_um_ = DeviceBuffer<Real>(backend_, dz);
  upload_materials();
  tallies_ = DeviceBuffer<double>(backend_, std::vector<double>(plan.tallies));
  sources_.resize(species);
  dosed_.assign(species, 0.0);

  for (int s = 0; s < species; ++s) {
    field_.emplace_back(backend_, plan.free);
    bound_.emplace_back(backend_, plan.reacting[s]);
    internalised_.emplace_back(backend_, plan.reacting[s]);
  }
  removed_.assign(species, 0.0);
  upload_coefficients();
  spare_ = DeviceBuffer<Real>(backend_, plan.next);
  work_ = DeviceBuffer<Real>(backend_, plan.work);
  scratch_ = DeviceBuffer<Real>(backend_, plan.sweep_scratch);
}

// Coefficients to the backend and the explicit limit, computed once on the host copies by
// the CPU loop.
template <class Real>
void Simulation<Real>::upload_coefficients() {
  const Grid& grid = problem_.grid;
  const std::vector<Real> dz(grid.dz_um.begin(), grid.dz_um.end());
  const kernels::GridView<Real> host_grid{grid.nx, grid.ny, grid.nz, static_cast<Real>(grid.dx_um),
                                          dz.data(), grid.material.data()};
  coeffs_.clear();
  double max_rate_per_s = 0;
  for (int s = 0; s < species_count(); ++s) {
    const auto coeffs = problem_.materials.species_coeffs<Real>(s);
    coeffs_.emplace_back(backend_, coeffs);
    max_rate_per_s = std::max<double>(
        max_rate_per_s,
        kernels::cpu::max_explicit_rate_per_s(host_grid, boundary_view_, coeffs.data()));
  }
  dt_limit_s_ = max_rate_per_s > 0 ? 1.0 / max_rate_per_s : std::numeric_limits<double>::infinity();
}

template <class Real>
void Simulation<Real>::upload_materials() {
  const Grid& grid = problem_.grid;
  material_ = DeviceBuffer<std::uint8_t>(backend_, grid.material);
  if (layout(problem_, backend_, scheme_).material_transposed > 0)
    material_transposed_ = DeviceBuffer<std::uint8_t>(backend_, transposed_materials(grid));
}

template <class Real>
void Simulation<Real>::set_voxel_materials(const std::vector<std::uint8_t>& material) {
  Problem check{problem_.grid, problem_.materials, problem_.boundaries};
  check.grid.material = material;
  if (material.size() != problem_.grid.voxel_count())
    throw ConfigError("grid.material", "needs one id per voxel");
  validate_problem(check);
  problem_.grid.material = material;
  upload_materials();
  upload_coefficients();
  mark_discontinuity();
}

template <class Real>
void Simulation<Real>::set_materials(const MaterialTable& materials) {
  if (materials.material_count() != problem_.materials.material_count() ||
      materials.species_count() != species_count())
    throw ConfigError("materials", "a new table must keep the materials and species of the run");
  for (int s = 0; s < species_count(); ++s)
    if (problem_.materials.species_reacts(s) != materials.species_reacts(s))
      throw ConfigError("materials." + materials.species_name(s),
                        "reactions cannot be switched on or off during a run");
  materials.validate();
  problem_.materials = materials;
  upload_coefficients();
  mark_discontinuity();
}

template <class Real>
void Simulation<Real>::set_boundaries(const Boundaries& boundaries) {
  Problem check{problem_.grid, problem_.materials, boundaries};
  validate_problem(check);
  problem_.boundaries = boundaries;
  boundary_view_.periodic_lateral = boundaries.periodic_lateral;
  boundary_view_.top = boundaries.top;
  boundary_view_.bottom = boundaries.bottom;
  upload_coefficients();
  mark_discontinuity();
}

template <class Real>
kernels::GridView<Real> Simulation<Real>::grid_view() const {
  const Grid& grid = problem_.grid;
  return {grid.nx, grid.ny, grid.nz, static_cast<Real>(grid.dx_um), dz_um_.data(),
          material_.data()};
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
  return SKINRD_DISPATCH(amount, grid_view(), field.data(), k_begin, k_end);
}

template <class Real>
kernels::SpeciesView<Real> Simulation<Real>::stepping_view(int species, double t0_s, double h_s,
                                                           double theta, Real* scale) {
  kernels::SpeciesView<Real> view = species_view(species);
  *scale = Real(1);
  const auto& sources = sources_[species];
  if (sources.empty()) return view;
  auto factor = [&](const Source& source) {
    if (source.integral) return (source.integral(t0_s + h_s) - source.integral(t0_s)) / h_s;
    return source.envelope ? source.envelope(t0_s + theta * h_s) : 1.0;
  };
  if (sources.size() == 1) {
    view.source_per_s = sources.front().q_per_s.data();
    *scale = static_cast<Real>(factor(sources.front()));
    return view;
  }
  const std::size_t voxels = problem_.grid.voxel_count();
  if (combined_source_.size() != voxels) combined_source_ = DeviceBuffer<Real>(backend_, voxels);
  combined_source_.zero();
  for (const Source& source : sources)
    SKINRD_DISPATCH(axpy, combined_source_.data(), static_cast<Real>(factor(source)),
                    source.q_per_s.data(), voxels);
  view.source_per_s = combined_source_.data();
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
  if (q_per_s.size() != problem_.grid.voxel_count())
    throw ConfigError("species." + problem_.materials.species_name(species) + ".source",
                      "needs one value per voxel");
  sources_[species].clear();
  sources_[species].push_back({DeviceBuffer<Real>(backend_, q_per_s), std::move(envelope), {}});
}

template <class Real>
void Simulation<Real>::add_source(int species, const std::vector<Real>& q_per_s,
                                  std::function<double(double)> integral) {
  if (q_per_s.size() != problem_.grid.voxel_count())
    throw ConfigError("species." + problem_.materials.species_name(species) + ".source",
                      "needs one value per voxel");
  sources_[species].push_back({DeviceBuffer<Real>(backend_, q_per_s), {}, std::move(integral)});
}

template <class Real>
void Simulation<Real>::react(double t_s) {
  const auto grid = grid_view();
  for (int s = 0; s < species_count(); ++s) {
    if (!has_bound_field(s)) continue;
    SKINRD_DISPATCH(react, grid, coeffs_[s].data(), field_[s].data(), bound_[s].data(),
                    internalised_[s].data(), static_cast<Real>(t_s),
                    tallies_.data() + s * kernels::tally_count);
  }
}

template <class Real>
void Simulation<Real>::diffuse_explicit(double dt_s) {
  const auto grid = grid_view();
  for (int s = 0; s < species_count(); ++s) {
    Real scale;
    const auto view = stepping_view(s, time_s_, dt_s, 0.0, &scale);
    SKINRD_DISPATCH(explicit_step, grid, boundary_view_, view, spare_.data(),
                    static_cast<Real>(dt_s), scale, tallies_.data() + s * kernels::tally_count);
    field_[s].swap(spare_);
  }
}

template <class Real>
void Simulation<Real>::line_sweep(int species, int axis, double theta_dt_s, Real* data) {
  SKINRD_DISPATCH(line_sweep, grid_view(), material_transposed_.data(), boundary_view_,
                  coeffs_[species].data(), axis, static_cast<Real>(theta_dt_s), data,
                  scratch_.data());
}

// Douglas–Gunn delta form with θ = ½:
// (I − θdt A_x)(I − θdt A_y)(I − θdt A_z)(c^{n+1} − c^n) = dt (A c^n + s^{n+θ}).
template <class Real>
void Simulation<Real>::diffuse_crank_nicolson(double dt_s) {
  constexpr double theta = 0.5;
  const auto grid = grid_view();
  const Real dt = static_cast<Real>(dt_s), theta_real = static_cast<Real>(theta);
  for (int s = 0; s < species_count(); ++s) {
    Real scale;
    const auto view = stepping_view(s, time_s_, dt_s, theta, &scale);
    SKINRD_DISPATCH(implicit_rhs, grid, boundary_view_, view, work_.data(), dt, scale);
    for (int axis = 0; axis < 3; ++axis) line_sweep(s, axis, theta * dt_s, work_.data());
    SKINRD_DISPATCH(add_arrays, spare_.data(), field_[s].data(), work_.data(),
                    grid.voxel_count());
    SKINRD_DISPATCH(implicit_tallies, grid, boundary_view_, view, spare_.data(), theta_real,
                    dt, scale, tallies_.data() + s * kernels::tally_count);
    field_[s].swap(spare_);
  }
}

// (I − dt A_x) c1 = c^n, (I − dt A_y) c2 = c1, (I − dt A_z) c^{n+1} = c2 + dt·(inflow + s).
template <class Real>
void Simulation<Real>::diffuse_lod(double dt_s) {
  const auto grid = grid_view();
  const Real dt = static_cast<Real>(dt_s);
  for (int s = 0; s < species_count(); ++s) {
    Real scale;
    const auto view = stepping_view(s, time_s_, dt_s, 1.0, &scale);
    spare_.copy_from(field_[s]);
    line_sweep(s, 0, dt_s, spare_.data());
    line_sweep(s, 1, dt_s, spare_.data());
    SKINRD_DISPATCH(add_constant_inflow, grid, boundary_view_, view, spare_.data(), dt, scale);
    line_sweep(s, 2, dt_s, spare_.data());
    SKINRD_DISPATCH(implicit_tallies, grid, boundary_view_, view, spare_.data(), Real(1), dt,
                    scale, tallies_.data() + s * kernels::tally_count);
    field_[s].swap(spare_);
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
  // Strang splitting: reactions(dt/2) · diffusion(dt) · reactions(dt/2).
  react(0.5 * dt_s);
  switch (scheme_) {
    case Scheme::explicit_euler: diffuse_explicit(dt_s); break;
    case Scheme::lod: diffuse_lod(dt_s); break;
    case Scheme::adi:
      // Rannacher start-up: two backward-Euler half-steps, split locally one-dimensionally.
      // Every 1-D backward-Euler factor is the inverse of an M-matrix, so these steps keep
      // fields non-negative and damp every stiff mode, including the modes stiff along all
      // three axes that Douglas–Gunn's factorisation leaves undamped.
      if (smoothing_steps_left_ > 0) {
        diffuse_lod(0.5 * dt_s);
        time_s_ += 0.5 * dt_s;
        diffuse_lod(0.5 * dt_s);
        time_s_ -= 0.5 * dt_s;
        --smoothing_steps_left_;
      } else {
        diffuse_crank_nicolson(dt_s);
      }
      break;
  }
  react(0.5 * dt_s);
  time_s_ += dt_s;
  ++steps_;
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
void Simulation<Real>::save(State& state) const {
  auto copy_all = [&](std::vector<DeviceBuffer<Real>>& to, const std::vector<DeviceBuffer<Real>>& from) {
    if (to.size() != from.size()) {
      to.clear();
      for (const auto& buffer : from) to.emplace_back(backend_, buffer.size());
    }
    for (std::size_t s = 0; s < from.size(); ++s) to[s].copy_from(from[s]);
  };
  copy_all(state.field, field_);
  copy_all(state.bound, bound_);
  copy_all(state.internalised, internalised_);
  if (state.tallies.size() != tallies_.size()) state.tallies = DeviceBuffer<double>(backend_, tallies_.size());
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
    save(start);
    step(h);
    save(full);
    restore(start);
    step(0.5 * h);
    step(0.5 * h);
    double error = 0;
    for (std::size_t s = 0; s < field_.size(); ++s) {
      const kernels::MaxAbs m = SKINRD_DISPATCH(max_abs_difference, field_[s].data(),
                                                full.field[s].data(), field_[s].size());
      if (m.value > 0) error = std::max(error, m.difference / m.value);
    }
    const double ratio = options.relative_tolerance / std::max(error, 1e-300);
    const double factor = std::pow(ratio, 1.0 / (order + 1));
    if (error <= options.relative_tolerance || h <= options.dt_min_s * (1 + 1e-12)) {
      ++report.accepted;
      report.last_dt_s = h;
      if (last) time_s_ = t_end_s;
      const double proposed = h * std::clamp(0.9 * factor, 0.2, 5.0);
      // A step shortened to land on t_end says little about the step size beyond it.
      dt = last && h < dt ? std::min(dt, std::max(proposed, h)) : proposed;
    } else {
      ++report.rejected;
      restore(start);
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
void Simulation<Real>::synchronize() const {
  if (backend_ == BackendKind::cuda) kernels::cuda::synchronize();
}

template class Simulation<float>;
template class Simulation<double>;

}  // namespace skinrd
