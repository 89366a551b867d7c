#include "host/simulation.hpp"

#include <cmath>
#include <limits>
#include <sstream>

#include "host/error.hpp"
#include "kernels/launchers.hpp"

namespace skinrd {

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
Simulation<Real>::Simulation(Problem problem, BackendKind backend)
    : problem_(std::move(problem)), backend_(backend) {
  validate_problem(problem_);
  const Grid& grid = problem_.grid;
  const int species = species_count();
  boundary_view_.periodic_lateral = problem_.boundaries.periodic_lateral;
  boundary_view_.top = problem_.boundaries.top;
  boundary_view_.bottom = problem_.boundaries.bottom;

  std::vector<Real> dz(grid.dz_um.begin(), grid.dz_um.end());
  dz_um_ = DeviceBuffer<Real>(backend_, dz);
  material_ = DeviceBuffer<std::uint8_t>(backend_, grid.material);
  tallies_ = DeviceBuffer<double>(backend_, std::vector<double>(species * kernels::tally_count));
  source_.resize(species);
  envelope_.resize(species);
  dosed_.assign(species, 0.0);

  // The stability limit is computed once, on the host copies, by the CPU loop.
  kernels::GridView<Real> host_grid{grid.nx, grid.ny, grid.nz, static_cast<Real>(grid.dx_um),
                                    dz.data(), grid.material.data()};
  double max_rate_per_s = 0;
  for (int s = 0; s < species; ++s) {
    const auto coeffs = problem_.materials.species_coeffs<Real>(s);
    coeffs_.emplace_back(backend_, coeffs);
    field_.emplace_back(backend_, grid.voxel_count());
    next_.emplace_back(backend_, grid.voxel_count());
    max_rate_per_s = std::max<double>(
        max_rate_per_s, kernels::cpu::max_explicit_rate_per_s(host_grid, boundary_view_,
                                                              coeffs.data()));
  }
  dt_limit_s_ = max_rate_per_s > 0 ? 1.0 / max_rate_per_s : std::numeric_limits<double>::infinity();
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
  view.source_per_s = source_[species].size() ? source_[species].data() : nullptr;
  if (problem_.boundaries.top == kernels::TopBoundary::fixed_concentration)
    view.top_concentration = static_cast<Real>(problem_.boundaries.top_concentration[species]);
  return view;
}

template <class Real>
double Simulation<Real>::amount(int species, int k_begin, int k_end) const {
  const auto view = grid_view();
  return backend_ == BackendKind::cuda
             ? kernels::cuda::amount(view, field_[species].data(), k_begin, k_end)
             : kernels::cpu::amount(view, field_[species].data(), k_begin, k_end);
}

template <class Real>
void Simulation<Real>::set_concentration(int species, const std::vector<Real>& concentration) {
  const std::size_t voxels = problem_.grid.voxel_count();
  if (concentration.size() != voxels)
    throw ConfigError("species." + problem_.materials.species_name(species) + ".initial",
                      "needs " + std::to_string(voxels) + " values, got " +
                          std::to_string(concentration.size()));
  const int nz = problem_.grid.nz;
  const double before = amount(species, 0, nz);
  field_[species].upload(concentration);
  dosed_[species] += amount(species, 0, nz) - before;
}

template <class Real>
std::vector<Real> Simulation<Real>::concentration(int species) const {
  return field_[species].download();
}

template <class Real>
void Simulation<Real>::set_source(int species, const std::vector<Real>& q_per_s,
                                  std::function<double(double)> envelope) {
  if (q_per_s.size() != problem_.grid.voxel_count())
    throw ConfigError("species." + problem_.materials.species_name(species) + ".source",
                      "needs one value per voxel");
  source_[species] = DeviceBuffer<Real>(backend_, q_per_s);
  envelope_[species] = std::move(envelope);
}

template <class Real>
void Simulation<Real>::step(double dt_s) {
  if (!(dt_s > 0) || dt_s > dt_limit_s_ * (1 + 1e-12)) {
    std::ostringstream message;
    message << "explicit step " << dt_s << " s is outside (0, " << dt_limit_s_
            << " s], the stability limit";
    throw ConfigError("run.dt", message.str());
  }
  const auto grid = grid_view();
  for (int s = 0; s < species_count(); ++s) {
    const Real scale = envelope_[s] ? static_cast<Real>(envelope_[s](time_s_)) : Real(1);
    double* tallies = tallies_.data() + s * kernels::tally_count;
    const auto view = species_view(s);
    if (backend_ == BackendKind::cuda)
      kernels::cuda::explicit_step(grid, boundary_view_, view, next_[s].data(),
                                   static_cast<Real>(dt_s), scale, tallies);
    else
      kernels::cpu::explicit_step(grid, boundary_view_, view, next_[s].data(),
                                  static_cast<Real>(dt_s), scale, tallies);
    field_[s].swap(next_[s]);
  }
  time_s_ += dt_s;
  ++steps_;
}

template <class Real>
void Simulation<Real>::advance_to(double t_end_s, double cfl_fraction) {
  const double dt_s = cfl_fraction * dt_limit_s_;
  while (time_s_ < t_end_s) {
    const double remaining = t_end_s - time_s_;
    // A last step shorter than 1e-9 of a normal one is rounding, not time.
    if (remaining <= 1e-9 * dt_s) {
      time_s_ = t_end_s;
      break;
    }
    if (remaining <= dt_s) {
      step(remaining);
      time_s_ = t_end_s;
    } else {
      step(dt_s);
    }
  }
}

template <class Real>
SpeciesLedger Simulation<Real>::ledger(int species) const {
  SpeciesLedger ledger;
  ledger.species = problem_.materials.species_name(species);
  for (const LayerRange& layer : problem_.grid.layers) {
    ledger.layer_names.push_back(layer.name);
    ledger.stored_by_layer.push_back(amount(species, layer.k_begin, layer.k_end));
  }
  const std::vector<double> all = tallies_.download();
  const double* t = all.data() + species * kernels::tally_count;
  ledger.dosed = dosed_[species];
  ledger.entered_top = t[kernels::Tally::entered_top];
  ledger.added_by_source = t[kernels::Tally::added_by_source];
  ledger.degraded = t[kernels::Tally::degraded];
  ledger.cleared = t[kernels::Tally::cleared];
  ledger.lost_bottom = t[kernels::Tally::lost_bottom];
  return ledger;
}

template <class Real>
void Simulation<Real>::synchronize() const {
  if (backend_ == BackendKind::cuda) kernels::cuda::synchronize();
}

template class Simulation<float>;
template class Simulation<double>;

}  // namespace skinrd
