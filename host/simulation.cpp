#include "host/simulation.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "host/error.hpp"
#include "host/scenario/units.hpp"

namespace skinrd {

template <class Real>
MemoryFootprint Simulation<Real>::memory_footprint(const Problem& problem, BackendKind backend,
                                                   Scheme scheme, const FootprintOptions& options,
                                                   const SimulationOptions& simulation) {
  return sim::memory_footprint<Real>(problem, backend, scheme, options, simulation);
}

template <class Real>
Problem Simulation<Real>::checked(Problem problem, const Executor& executor) {
  validate_problem(problem);
  executor.prepare_threads();
  return problem;
}

template <class Real>
Simulation<Real>::Simulation(Problem problem, BackendKind backend, Scheme scheme,
                             const SimulationOptions& options)
    : backend_(backend), exec_(&executor_for(backend)),
      problem_(checked(std::move(problem), *exec_)), scheme_(scheme),
      plan_(species_count(), sim::resolved_batch_size(species_count(), options)),
      layout_(sim::layout(problem_, backend_, scheme_, plan_.batch_size())),
      coefficients_(*exec_, problem_, layout_.material_transposed > 0),
      state_(*exec_, layout_),
      sources_(*exec_, species_count(), plan_.batch_size()),
      stepper_(*exec_, scheme_, layout_, plan_.count(), options.fuse_reactions),
      graphs_(*exec_),
      use_step_graphs_(options.cuda_graphs && exec_->records_graphs()) {
  coefficients_.upload_coefficients(problem_, true);
}

template <class Real>
void Simulation<Real>::set_voxel_materials(const std::vector<std::uint8_t>& material) {
  graphs_.clear();  // their launches read what changes here
  Problem check{problem_.grid, problem_.materials, problem_.boundaries};
  check.grid.material = material;
  if (material.size() != problem_.grid.voxel_count())
    throw ConfigError("grid.material", "needs one id per voxel");
  validate_problem(check);
  problem_.grid.material = material;
  coefficients_.upload_materials(problem_.grid);
  coefficients_.upload_coefficients(problem_, true);
  mark_discontinuity();
}

template <class Real>
void Simulation<Real>::set_materials(const MaterialTable& materials, bool gradual) {
  graphs_.clear();  // their launches read what changes here
  if (materials.material_count() != problem_.materials.material_count() ||
      materials.species_count() != species_count())
    throw ConfigError("materials", "a new table must keep the materials and species of the run");
  for (int s = 0; s < species_count(); ++s)
    if (problem_.materials.species_reacts(s) != materials.species_reacts(s))
      throw ConfigError("materials." + materials.species_name(s),
                        "reactions cannot be switched on or off during a run");
  materials.validate();
  problem_.materials = materials;
  coefficients_.upload_coefficients(problem_, false);
  if (!gradual) mark_discontinuity();
}

template <class Real>
void Simulation<Real>::set_boundaries(const Boundaries& boundaries) {
  graphs_.clear();  // their launches read what changes here
  Problem check{problem_.grid, problem_.materials, boundaries};
  validate_problem(check);
  problem_.boundaries = boundaries;
  coefficients_.set_boundaries(boundaries);
  coefficients_.upload_coefficients(problem_, true);
  mark_discontinuity();
}

template <class Real>
void Simulation<Real>::set_bottom_concentration(const std::vector<double>& bottom_concentration) {
  if (bottom_concentration == problem_.boundaries.bottom_concentration) return;
  check_species_values(bottom_concentration, problem_.materials,
                       "boundaries.bottom_concentration", false);
  graphs_.clear();  // their launches read the lanes' bottom values
  problem_.boundaries.bottom_concentration = bottom_concentration;
}

template <class Real>
std::string Simulation<Real>::field_key(int species, const char* what) const {
  return "species." + problem_.materials.species_name(species) + "." + what;
}

template <class Real>
void Simulation<Real>::set_concentration(int species, const std::vector<Real>& concentration) {
  state_.dosed[species] += state_.replace_field(grid_view(), state_.field[species], concentration,
                                                field_key(species, "free"));
}

template <class Real>
void Simulation<Real>::set_bound(int species, const std::vector<Real>& bound) {
  state_.dosed[species] += state_.replace_field(grid_view(), state_.bound[species], bound,
                                                field_key(species, "bound"));
}

template <class Real>
void Simulation<Real>::remove_to(int species, const std::vector<Real>& concentration) {
  state_.removed[species] -= state_.replace_field(grid_view(), state_.field[species],
                                                  concentration, field_key(species, "free"));
}

template <class Real>
std::vector<Real> Simulation<Real>::concentration(int species) const {
  return state_.field[species].download();
}

template <class Real>
std::vector<Real> Simulation<Real>::bound(int species) const {
  return state_.bound[species].download();
}

template <class Real>
std::vector<Real> Simulation<Real>::internalised(int species) const {
  return state_.internalised[species].download();
}

template <class Real>
void Simulation<Real>::set_source(int species, const std::vector<Real>& q_per_s,
                                  std::function<double(double)> envelope) {
  graphs_.clear();  // their launches read what changes here
  if (q_per_s.size() != problem_.grid.voxel_count())
    throw ConfigError(field_key(species, "source"), "needs one value per voxel");
  sources_.set(species, q_per_s, std::move(envelope));
}

template <class Real>
void Simulation<Real>::add_source(int species, const std::vector<Real>& q_per_s,
                                  std::function<double(double)> integral) {
  graphs_.clear();  // their launches read what changes here
  if (q_per_s.size() != problem_.grid.voxel_count())
    throw ConfigError(field_key(species, "source"), "needs one value per voxel");
  sources_.add(species, q_per_s, std::move(integral));
}

template <class Real>
void Simulation<Real>::step(double dt_s) {
  if (!(dt_s > 0) || !std::isfinite(dt_s))
    throw ConfigError("run.dt", "a step must be positive and finite, got " + scenario::format_time(dt_s));
  if (scheme_ == Scheme::explicit_euler && dt_s > explicit_dt_limit_s() * (1 + 1e-12)) {
    std::ostringstream message;
    message << "explicit step " << dt_s << " s is above the stability limit "
            << explicit_dt_limit_s() << " s (use the adi or lod scheme for longer steps)";
    throw ConfigError("run.dt", message.str());
  }
  if (graph_step(dt_s)) return;
  stepper_.take_step(dt_s, parts());
}

template <class Real>
bool Simulation<Real>::graph_step(double dt_s) {
  // The Rannacher start-up steps follow a discontinuity once: not worth a graph.
  if (!use_step_graphs_ || state_.clock.smoothing_steps_left > 0) return false;
  const sim::Clock before = state_.clock;
  const auto outcome = graphs_.run(
      stepper_.graph_key(dt_s, parts()), [&] { stepper_.take_step(dt_s, parts()); },
      [&](int species, int place) { state_.field[species].swap(stepper_.new_field(place)); });
  switch (outcome) {
    case StepGraphs::Outcome::replayed:
      state_.clock.time_s += dt_s;
      ++state_.clock.steps;
      return true;
    case StepGraphs::Outcome::captured: return true;
    case StepGraphs::Outcome::not_run: break;
  }
  state_.clock = before;
  return false;
}

template <class Real>
bool Simulation<Real>::advance_to(double t_end_s, double dt_s, const Pause& pause) {
  if (dt_s <= 0) dt_s = 0.9 * explicit_dt_limit_s();
  double& time_s = state_.clock.time_s;
  while (time_s < t_end_s) {
    const double remaining = t_end_s - time_s;
    // A last step shorter than 1e-9 of a normal one is rounding, not time.
    if (remaining <= 1e-9 * dt_s) break;
    step(std::min(dt_s, remaining));
    if (remaining <= dt_s) break;
    if (pause && t_end_s - time_s > 1e-9 * dt_s && pause()) return false;
  }
  time_s = std::max(time_s, t_end_s);
  return true;
}

// The step controller's view: a batch stepped alone is the stepper's step with the plan
// narrowed to it; saves, restores and errors are the species state's.
template <class Real>
class Simulation<Real>::Controlled final : public sim::Controlled<Real> {
 public:
  explicit Controlled(Simulation& simulation) : s_(simulation) {}
  double time_s() const override { return s_.state_.clock.time_s; }
  void set_time_s(double time_s) override { s_.state_.clock.time_s = time_s; }
  int batch_count() const override { return s_.plan_.count(); }
  void step(double h_s, int batch) override {
    if (batch < 0) return s_.step(h_s);
    s_.plan_.step_only(batch);
    try {
      s_.stepper_.take_step(h_s, s_.parts());
    } catch (...) {
      s_.plan_.step_only(-1);
      throw;
    }
    s_.plan_.step_only(-1);
  }
  void save(sim::SavedState<Real>& to, int batch, bool free_only) override {
    if (batch < 0) return s_.state_.save(to, free_only);
    s_.state_.save_batch(to, s_.plan_.first(batch), s_.plan_.end(batch), free_only);
  }
  void restore(const sim::SavedState<Real>& from, int batch, bool clock_only) override {
    if (clock_only) {
      s_.state_.clock = from.clock;
    } else if (batch < 0) {
      s_.state_.restore(from);
    } else {
      s_.state_.restore_batch(from, s_.plan_.first(batch), s_.plan_.end(batch));
    }
  }
  double error(const sim::SavedState<Real>& saved, int batch) const override {
    if (batch < 0) return s_.state_.error(saved, 0, s_.species_count(), false);
    return s_.state_.error(saved, s_.plan_.first(batch), s_.plan_.end(batch), true);
  }

 private:
  Simulation& s_;
};

template <class Real>
AdaptiveReport Simulation<Real>::advance_adaptive(double t_end_s, const AdaptiveOptions& options,
                                                  const Pause& pause) {
  if (!(options.relative_tolerance > 0) || !(options.dt_min_s > 0) ||
      options.dt_max_s < options.dt_min_s)
    throw ConfigError("run.adaptive", "needs tolerance > 0 and 0 < dt_min <= dt_max");
  const double order = scheme_ == Scheme::adi ? 2.0 : 1.0;
  const double dt_cap = scheme_ == Scheme::explicit_euler
                            ? std::min(options.dt_max_s, 0.9 * explicit_dt_limit_s())
                            : options.dt_max_s;
  Controlled controlled(*this);
  const AdaptiveReport report = controller_.advance(controlled, t_end_s, options, order, dt_cap,
                                                    10 * explicit_dt_limit_s(), pause);
  rejected_steps_ += report.rejected;
  return report;
}

template <class Real>
sim::SimulationState<Real> Simulation<Real>::save_state() const {
  synchronize();
  sim::SimulationState<Real> state;
  for (int s = 0; s < species_count(); ++s) {
    state.free.push_back(state_.field[s].download());
    state.bound.push_back(state_.bound[s].download());
    state.internalised.push_back(state_.internalised[s].download());
  }
  state.tallies = state_.tallies.download();
  state.dosed = state_.dosed;
  state.removed = state_.removed;
  state.clock = state_.clock;
  state.controller_next_dt_s = controller_.next_dt_s();
  state.coefficients = problem_.materials.all_coefficients();
  state.voxel_materials = problem_.grid.material;
  state.boundaries = problem_.boundaries;
  return state;
}

template <class Real>
void Simulation<Real>::restore_state(const sim::SimulationState<Real>& state) {
  const auto n = static_cast<std::size_t>(species_count());
  if (state.free.size() != n || state.bound.size() != n || state.internalised.size() != n ||
      state.dosed.size() != n || state.removed.size() != n ||
      state.tallies.size() != state_.tallies.size() ||
      state.voxel_materials.size() != problem_.grid.voxel_count())
    throw Error("the saved state does not have this simulation's shape");
  MaterialTable materials = problem_.materials;
  materials.set_all_coefficients(state.coefficients);
  Problem check{problem_.grid, materials, state.boundaries};
  check.grid.material = state.voxel_materials;
  validate_problem(check);
  graphs_.clear();
  problem_.materials = std::move(materials);
  problem_.grid.material = state.voxel_materials;
  problem_.boundaries = state.boundaries;
  coefficients_.set_boundaries(problem_.boundaries);
  coefficients_.upload_materials(problem_.grid);
  coefficients_.upload_coefficients(problem_, true);
  for (std::size_t s = 0; s < n; ++s) {
    // A field is restored only into a buffer of its size (a reacting species' bound fields).
    auto restore = [&](DeviceBuffer<Real>& field, const std::vector<Real>& values) {
      if (values.size() != field.size()) throw Error("the saved state's fields do not fit this simulation");
      if (!values.empty()) field.upload(values);
    };
    restore(state_.field[s], state.free[s]);
    restore(state_.bound[s], state.bound[s]);
    restore(state_.internalised[s], state.internalised[s]);
  }
  state_.tallies.upload(state.tallies);
  state_.dosed = state.dosed;
  state_.removed = state.removed;
  state_.clock = state.clock;
  controller_.set_next_dt_s(state.controller_next_dt_s);
  synchronize();
}

template <class Real>
SpeciesLedger Simulation<Real>::ledger(int species) const {
  return state_.ledger(grid_view(), problem_, species);
}

template <class Real>
FieldSnapshot<Real> Simulation<Real>::snapshot(const std::vector<int>& species) const {
  return state_.snapshot(grid_view(), problem_, species);
}

template <class Real>
void Simulation<Real>::synchronize() const {
  exec_->synchronize();
}

template class Simulation<float>;
template class Simulation<double>;

}  // namespace skinrd
