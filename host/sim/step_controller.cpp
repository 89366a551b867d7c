#include "host/sim/step_controller.hpp"

#include <algorithm>
#include <cmath>

#include "host/error.hpp"

namespace skinrd::sim {

// Species never interact, so a batch stepped alone gets what a step of all gives it: for each
// batch the start is saved, the full step taken and its free fields kept, the start restored and
// the two half steps taken and compared, and the start restored again. Memory: one batch's
// start and full step instead of every species'.
template <class Real>
double StepController<Real>::lean_error(Controlled<Real>& system, double h_s,
                                        SavedState<Real>& start, SavedState<Real>& full) {
  double error = 0;
  for (int b = 0; b < system.batch_count(); ++b) {
    system.save(start, b, false);
    system.step(h_s, b);
    system.save(full, b, true);
    system.restore(start, b, false);
    system.step(0.5 * h_s, b);
    system.step(0.5 * h_s, b);
    error = std::max(error, system.error(full, b));
    system.restore(start, b, false);
  }
  return error;
}

template <class Real>
AdaptiveReport StepController<Real>::advance(Controlled<Real>& system, double t_end_s,
                                             const AdaptiveOptions& options, double order,
                                             double dt_cap_s, double dt_default_s,
                                             const std::function<bool()>& pause) {
  // The step the controller last proposed carries over from the previous call, so a run
  // advanced in chunks (to report progress, to land on outputs) keeps its step size.
  double dt = next_dt_s_ > 0             ? next_dt_s_
              : options.dt_initial_s > 0 ? options.dt_initial_s
                                         : dt_default_s;
  AdaptiveReport report;
  SavedState<Real> start, full;
  while (t_end_s - system.time_s() > 1e-12 * std::max(1.0, std::abs(t_end_s))) {
    dt = std::clamp(dt, options.dt_min_s, dt_cap_s);
    const double remaining = t_end_s - system.time_s();
    const bool last = dt >= remaining * (1 - 1e-12);
    const double h = last ? remaining : dt;
    double error = 0;
    if (options.lean_memory) {
      error = lean_error(system, h, start, full);  // leaves the state at the step's start
    } else {
      system.save(start, -1, false);
      system.step(h, -1);
      system.save(full, -1, true);  // only compared: the free fields
      system.restore(start, -1, false);
      system.step(0.5 * h, -1);
      system.step(0.5 * h, -1);
      error = system.error(full, -1);
    }
    const double ratio = options.relative_tolerance / std::max(error, 1e-300);
    const double factor = std::pow(ratio, 1.0 / (order + 1));
    if (error <= options.relative_tolerance || h <= options.dt_min_s * (1 + 1e-12)) {
      ++report.accepted;
      report.last_dt_s = h;
      if (options.lean_memory)  // every batch from the same start; they end alike
        for (int b = 0; b < system.batch_count(); ++b) {
          system.restore(start, b, true);
          system.step(0.5 * h, b);
          system.step(0.5 * h, b);
        }
      if (last) system.set_time_s(t_end_s);
      const double proposed = h * std::clamp(0.9 * factor, 0.2, 5.0);
      // A step shortened to land on t_end says little about the step size beyond it.
      // (no 5× cap on growth from it; a smaller proposal is kept).
      dt = last && h < dt ? std::min(dt, h * std::max(0.9 * factor, 0.2)) : proposed;
      if (!last && pause && pause()) {
        next_dt_s_ = dt;
        report.paused = true;
        return report;
      }
    } else {
      ++report.rejected;
      if (!options.lean_memory) system.restore(start, -1, false);
      dt = h * std::clamp(0.9 * factor, 0.1, 0.9);
    }
  }
  system.set_time_s(std::max(system.time_s(), t_end_s));
  next_dt_s_ = dt;
  return report;
}

template class StepController<float>;
template class StepController<double>;

}  // namespace skinrd::sim
