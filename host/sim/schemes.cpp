#include "host/sim/schemes.hpp"

#include "host/executor/operations.hpp"

namespace skinrd::sim {

template <class Real>
Stepper<Real>::Stepper(const Executor& executor, Scheme scheme, const Layout& layout,
                       int batches, bool fuse_reactions)
    : executor_(&executor), scheme_(scheme), fuse_reactions_(fuse_reactions),
      lanes_(executor, layout.lanes, lane_descriptor_copies(batches)) {
  for (int b = 0; b < layout.batch_size; ++b) {
    if (layout.next > 0) spare_.emplace_back(executor, layout.next / layout.batch_size);
    if (layout.work > 0) work_.emplace_back(executor, layout.free);
  }
  scratch_ = DeviceBuffer<Real>(executor, layout.sweep_scratch);
}

template <class Real>
kernels::SpeciesView<Real> Stepper<Real>::species_view(const StepParts<Real>& parts,
                                                       int species) const {
  kernels::SpeciesView<Real> view;
  view.coeffs = parts.coefficients.coeffs(species);
  view.concentration = parts.state.field[species].data();
  view.source_per_s = nullptr;  // diffusion_lanes adds the sources of a step
  if (parts.problem.boundaries.top == kernels::TopBoundary::fixed_concentration)
    view.top_concentration = static_cast<Real>(parts.problem.boundaries.top_concentration[species]);
  const auto& bottom = parts.problem.boundaries.bottom_concentration;
  if (parts.problem.boundaries.bottom == kernels::BottomBoundary::perfect_sink && !bottom.empty())
    view.bottom_concentration = static_cast<Real>(bottom[species]);
  return view;
}

template <class Real>
kernels::ChannelBatch<Real> Stepper<Real>::diffusion_lanes(StepParts<Real>& parts, int batch,
                                                           double t0_s, double h_s, double theta,
                                                           double react_after_s) {
  std::vector<kernels::Channel<Real>> lanes;
  const std::size_t voxels = parts.problem.grid.voxel_count();
  for (int s = parts.plan.first(batch); s < parts.plan.end(batch); ++s) {
    const int place = s - parts.plan.first(batch);
    kernels::Channel<Real> c;
    c.species = species_view(parts, s);
    c.species.source_per_s = parts.sources.stepping_source(s, place, voxels, t0_s, h_s, theta,
                                                           &c.source_scale, parts.graphs);
    c.next = new_field(place).data();
    c.work = work_.empty() ? nullptr : work_[place].data();
    c.tallies = parts.state.tallies_of(s);
    if (react_after_s > 0 && parts.state.has_bound_field(s)) {
      c.bound = parts.state.bound[s].data();
      c.internalised = parts.state.internalised[s].data();
      c.react_after_s = static_cast<Real>(react_after_s);
    }
    lanes.push_back(c);
  }
  return lanes_.stage_lanes(batch, Stage::diffuse, lanes, parts.graphs);
}

template <class Real>
void Stepper<Real>::react(StepParts<Real>& parts, double t_s) {
  const auto grid = parts.coefficients.grid_view(parts.problem);
  SpeciesState<Real>& state = parts.state;
  for (int b = parts.plan.first_stepped(); b < parts.plan.end_stepped(); ++b) {
    std::vector<kernels::Channel<Real>> lanes;
    for (int s = parts.plan.first(b); s < parts.plan.end(b); ++s) {
      if (!state.has_bound_field(s)) continue;
      kernels::Channel<Real> c;
      c.species = species_view(parts, s);
      c.free = state.field[s].data();
      c.bound = state.bound[s].data();
      c.internalised = state.internalised[s].data();
      c.tallies = state.tallies_of(s);
      lanes.push_back(c);
    }
    if (lanes.empty()) continue;
    executor_->run(ops::react, grid, lanes_.stage_lanes(b, Stage::react, lanes, parts.graphs),
                   static_cast<Real>(t_s));
  }
}

template <class Real>
void Stepper<Real>::diffuse_explicit(StepParts<Real>& parts, double dt_s, double react_after_s) {
  const auto grid = parts.coefficients.grid_view(parts.problem);
  const auto& bc = parts.coefficients.boundaries();
  for (int b = parts.plan.first_stepped(); b < parts.plan.end_stepped(); ++b) {
    const auto batch =
        diffusion_lanes(parts, b, parts.state.clock.time_s, dt_s, 0.0, react_after_s);
    executor_->run(ops::explicit_step, grid, bc, batch, static_cast<Real>(dt_s));
    swap_in_new_fields(parts, b);
  }
}

template <class Real>
void Stepper<Real>::swap_in_new_fields(StepParts<Real>& parts, int batch) {
  for (int s = parts.plan.first(batch); s < parts.plan.end(batch); ++s) {
    const int place = s - parts.plan.first(batch);
    parts.state.field[s].swap(new_field(place));
    parts.graphs.note_swap(s, place);
  }
}

template <class Real>
void Stepper<Real>::line_sweep(const StepParts<Real>& parts,
                               const kernels::ChannelBatch<Real>& batch, int axis,
                               double theta_dt_s, kernels::ChannelField field) {
  executor_->run(ops::line_sweep, parts.coefficients.grid_view(parts.problem),
                 parts.coefficients.material_transposed(), parts.coefficients.boundaries(), batch,
                 axis, static_cast<Real>(theta_dt_s), field, scratch_.data());
}

// Douglas–Gunn delta form with θ = ½:
// (I − θdt A_x)(I − θdt A_y)(I − θdt A_z)(c^{n+1} − c^n) = dt (A c^n + s^{n+θ}).
// The sweeps solve for the correction in work; the tallies pass writes c^{n+1} = c^n + work.
template <class Real>
void Stepper<Real>::diffuse_crank_nicolson(StepParts<Real>& parts, double dt_s,
                                           double react_after_s) {
  constexpr double theta = 0.5;
  const auto grid = parts.coefficients.grid_view(parts.problem);
  const auto& bc = parts.coefficients.boundaries();
  const Real dt = static_cast<Real>(dt_s), theta_real = static_cast<Real>(theta);
  for (int b = parts.plan.first_stepped(); b < parts.plan.end_stepped(); ++b) {
    const auto batch =
        diffusion_lanes(parts, b, parts.state.clock.time_s, dt_s, theta, react_after_s);
    executor_->run(ops::implicit_rhs, grid, bc, batch, dt);
    for (int axis = 0; axis < 3; ++axis)
      line_sweep(parts, batch, axis, theta * dt_s, kernels::ChannelField::work);
    executor_->run(ops::implicit_tallies, grid, bc, batch, theta_real, dt, true);
    swap_in_new_fields(parts, b);
  }
}

// (I − dt A_x) c1 = c^n, (I − dt A_y) c2 = c1, (I − dt A_z) c^{n+1} = c2 + dt·(inflow + s).
template <class Real>
void Stepper<Real>::diffuse_lod(StepParts<Real>& parts, double dt_s, double react_after_s) {
  const auto grid = parts.coefficients.grid_view(parts.problem);
  const auto& bc = parts.coefficients.boundaries();
  const Real dt = static_cast<Real>(dt_s);
  for (int b = parts.plan.first_stepped(); b < parts.plan.end_stepped(); ++b) {
    const auto batch =
        diffusion_lanes(parts, b, parts.state.clock.time_s, dt_s, 1.0, react_after_s);
    for (int s = parts.plan.first(b); s < parts.plan.end(b); ++s)
      new_field(s - parts.plan.first(b)).copy_from(parts.state.field[s]);
    line_sweep(parts, batch, 0, dt_s, kernels::ChannelField::next);
    line_sweep(parts, batch, 1, dt_s, kernels::ChannelField::next);
    executor_->run(ops::add_constant_inflow, grid, bc, batch, dt);
    line_sweep(parts, batch, 2, dt_s, kernels::ChannelField::next);
    executor_->run(ops::implicit_tallies, grid, bc, batch, Real(1), dt, false);
    swap_in_new_fields(parts, b);
  }
}

template <class Real>
void Stepper<Real>::take_step(double dt_s, StepParts<Real> parts) {
  Clock& clock = parts.state.clock;
  // Strang splitting: reactions(dt/2) · diffusion(dt) · reactions(dt/2), the closing half
  // fused into the diffusion's last pass unless asked not to.
  react(parts, 0.5 * dt_s);
  const double closing_s = fuse_reactions_ ? 0.5 * dt_s : 0.0;
  switch (scheme_) {
    case Scheme::explicit_euler: diffuse_explicit(parts, dt_s, closing_s); break;
    case Scheme::lod: diffuse_lod(parts, dt_s, closing_s); break;
    case Scheme::adi:
      // Rannacher start-up: two backward-Euler half-steps, split locally one-dimensionally.
      // Every 1-D backward-Euler factor is the inverse of an M-matrix, so these steps keep
      // fields non-negative and damp every stiff mode, including the modes stiff along all
      // three axes that Douglas–Gunn's factorisation leaves undamped.
      if (clock.smoothing_steps_left > 0) {
        diffuse_lod(parts, 0.5 * dt_s, 0.0);
        clock.time_s += 0.5 * dt_s;
        diffuse_lod(parts, 0.5 * dt_s, closing_s);
        clock.time_s -= 0.5 * dt_s;
        --clock.smoothing_steps_left;
      } else {
        diffuse_crank_nicolson(parts, dt_s, closing_s);
      }
      break;
  }
  if (!fuse_reactions_) react(parts, 0.5 * dt_s);
  clock.time_s += dt_s;
  ++clock.steps;
}

template <class Real>
StepGraphKey Stepper<Real>::graph_key(double dt_s, const StepParts<Real>& parts) const {
  StepGraphKey key;
  key.dt_s = dt_s;
  for (const auto& field : parts.state.field) key.buffers.push_back(field.data());
  for (const auto& spare : spare_) key.buffers.push_back(spare.data());
  for (const auto& work : work_) key.buffers.push_back(work.data());
  const double theta =
      scheme_ == Scheme::explicit_euler ? 0.0 : scheme_ == Scheme::lod ? 1.0 : 0.5;
  parts.sources.append_factors(key.source_factors, parts.state.clock.time_s, dt_s, theta);
  return key;
}

template class Stepper<float>;
template class Stepper<double>;

}  // namespace skinrd::sim
