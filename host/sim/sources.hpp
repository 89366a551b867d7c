#pragma once
// The sources: per species a list of volumetric sources q(x) in backend memory, each scaled
// in time by an envelope or by the increments of its integral, and the scratch where a
// species' several sources are summed for a step.
#include <cstddef>
#include <functional>
#include <vector>

#include "host/device_buffer.hpp"
#include "host/step_graphs.hpp"

namespace skinrd::sim {

template <class Real>
class Sources {
 public:
  Sources(const Executor& executor, int species, int batch_size);

  // Replaces the species' sources by q·envelope(t) / adds q·f(t) given by F(t) = ∫_0^t f.
  void set(int species, const std::vector<Real>& q_per_s, std::function<double(double)> envelope);
  void add(int species, const std::vector<Real>& q_per_s, std::function<double(double)> integral);

  // The source of a step [t0, t0 + h] evaluated at t0 + θh for the species at `place` in its
  // batch: null without sources, else the array and *scale its factor. Several sources are
  // summed into the place's scratch, which is allocated when first needed (not during a
  // capture: the capture is told it missed, and null is returned).
  const Real* stepping_source(int species, int place, std::size_t voxels, double t0_s,
                              double h_s, double theta, Real* scale, StepGraphs& graphs);
  // Every source's factor over the step, in order (a step graph's key).
  void append_factors(std::vector<double>& factors, double t0_s, double h_s, double theta) const;

 private:
  struct Source {
    DeviceBuffer<Real> q_per_s;
    std::function<double(double)> envelope, integral;  // one of them, or neither (constant)
  };
  // The factor multiplying a source's q over a step [t0, t0 + h] evaluated at t0 + θh.
  static double factor(const Source& source, double t0_s, double h_s, double theta);

  const Executor* executor_;
  std::vector<std::vector<Source>> sources_;  // per species
  std::vector<DeviceBuffer<Real>> combined_;  // per place in a batch, when needed
};

}  // namespace skinrd::sim
