#include "host/sim/sources.hpp"

#include "host/executor/operations.hpp"

namespace skinrd::sim {

template <class Real>
Sources<Real>::Sources(const Executor& executor, int species, int batch_size)
    : executor_(&executor), sources_(species), combined_(batch_size) {}

template <class Real>
void Sources<Real>::set(int species, const std::vector<Real>& q_per_s,
                        std::function<double(double)> envelope) {
  sources_[species].clear();
  sources_[species].push_back({DeviceBuffer<Real>(*executor_, q_per_s), std::move(envelope), {}});
}

template <class Real>
void Sources<Real>::add(int species, const std::vector<Real>& q_per_s,
                        std::function<double(double)> integral) {
  sources_[species].push_back({DeviceBuffer<Real>(*executor_, q_per_s), {}, std::move(integral)});
}

template <class Real>
double Sources<Real>::factor(const Source& source, double t0_s, double h_s, double theta) {
  if (source.integral) return (source.integral(t0_s + h_s) - source.integral(t0_s)) / h_s;
  return source.envelope ? source.envelope(t0_s + theta * h_s) : 1.0;
}

template <class Real>
const Real* Sources<Real>::stepping_source(int species, int place, std::size_t voxels,
                                           double t0_s, double h_s, double theta, Real* scale,
                                           StepGraphs& graphs) {
  *scale = Real(1);
  const auto& sources = sources_[species];
  if (sources.empty()) return nullptr;
  if (sources.size() == 1) {
    *scale = static_cast<Real>(factor(sources.front(), t0_s, h_s, theta));
    return sources.front().q_per_s.data();
  }
  DeviceBuffer<Real>& combined = combined_[place];
  if (combined.size() != voxels) {
    if (graphs.capturing()) {  // no allocation in a capture: the step is taken kernel by kernel
      graphs.miss();
      return nullptr;
    }
    combined = DeviceBuffer<Real>(*executor_, voxels);
  }
  combined.zero();
  for (const Source& source : sources)
    executor_->run(ops::axpy, combined.data(),
                   static_cast<Real>(factor(source, t0_s, h_s, theta)), source.q_per_s.data(),
                   voxels);
  return combined.data();
}

template <class Real>
void Sources<Real>::append_factors(std::vector<double>& factors, double t0_s, double h_s,
                                   double theta) const {
  for (const auto& sources : sources_)
    for (const Source& source : sources) factors.push_back(factor(source, t0_s, h_s, theta));
}

template class Sources<float>;
template class Sources<double>;

}  // namespace skinrd::sim
