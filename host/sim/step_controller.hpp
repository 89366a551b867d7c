#pragma once
// The step controller (step doubling, Ginkgo's stopping criteria): a step of h and two of h/2
// compared, the step accepted or retried shorter. It drives the simulation only through
// Controlled: step, save, restore and error, of every species at once (full) or of one batch
// at a time (lean: AdaptiveOptions::lean_memory).
#include <functional>

#include "host/sim/problem.hpp"
#include "host/sim/species_state.hpp"

namespace skinrd::sim {

// What the controller may do to a simulation; batch < 0: every species.
template <class Real>
class Controlled {
 public:
  virtual ~Controlled() = default;
  virtual double time_s() const = 0;
  virtual void set_time_s(double time_s) = 0;
  virtual int batch_count() const = 0;
  // A step of every species (with its checks and graphs), or of one batch's species alone.
  virtual void step(double h_s, int batch) = 0;
  virtual void save(SavedState<Real>& to, int batch, bool free_only) = 0;
  // Back to a saved state, or (clock_only) to its time alone.
  virtual void restore(const SavedState<Real>& from, int batch, bool clock_only) = 0;
  // The largest relative difference of the free fields from the saved ones.
  virtual double error(const SavedState<Real>& saved, int batch) const = 0;
};

template <class Real>
class StepController {
 public:
  // Steps landing exactly on t_end_s; `order` of the scheme, dt_cap_s the largest step.
  // pause: asked after each accepted step short of t_end_s; true returns there (report.paused),
  // and the next call goes on as if uninterrupted.
  AdaptiveReport advance(Controlled<Real>& system, double t_end_s, const AdaptiveOptions& options,
                         double order, double dt_cap_s, double dt_default_s,
                         const std::function<bool()>& pause = {});
  double next_dt_s() const { return next_dt_s_; }
  void set_next_dt_s(double dt_s) { next_dt_s_ = dt_s; }

 private:
  // The lean error estimate of a step h, batch by batch; the state is back at the step's
  // start afterwards.
  double lean_error(Controlled<Real>& system, double h_s, SavedState<Real>& start,
                    SavedState<Real>& full);
  // The step last proposed, which carries over from one call to the next; 0: none yet.
  double next_dt_s_ = 0;
};

}  // namespace skinrd::sim
