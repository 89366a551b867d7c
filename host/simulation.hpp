#pragma once
// The time loop of one tissue problem on one backend: fields and tallies live in the
// backend's memory; the host reads them back only when asked.
#include <functional>
#include <vector>

#include "host/backend.hpp"
#include "host/device_buffer.hpp"
#include "host/grid.hpp"
#include "host/ledger.hpp"
#include "host/materials.hpp"

namespace skinrd {

struct Boundaries {
  bool periodic_lateral = true;  // false: zero flux through the sides
  kernels::TopBoundary top = kernels::TopBoundary::zero_flux;
  std::vector<double> top_concentration;  // per species, reference-phase value (fixed top)
  kernels::BottomBoundary bottom = kernels::BottomBoundary::zero_flux;
};

struct Problem {
  Grid grid;
  MaterialTable materials;
  Boundaries boundaries;
};

// Throws ConfigError for a material id outside the table, a bad coefficient, or a
// missing or negative top concentration.
void validate_problem(const Problem& problem);

template <class Real>
class Simulation {
 public:
  Simulation(Problem problem, BackendKind backend);

  const Problem& problem() const { return problem_; }
  BackendKind backend() const { return backend_; }
  int species_count() const { return problem_.materials.species_count(); }
  double time_s() const { return time_s_; }
  long long steps_taken() const { return steps_; }

  // Replaces a species' field; the change of amount is tallied as dosed.
  void set_concentration(int species, const std::vector<Real>& concentration);
  std::vector<Real> concentration(int species) const;

  // A volumetric source q(x)·envelope(t) in amount per volume per second; envelope is
  // evaluated at the start of each step (forward Euler).
  void set_source(int species, const std::vector<Real>& q_per_s,
                  std::function<double(double)> envelope);

  // Largest stable forward-Euler step for the actual coefficients and grid.
  double explicit_dt_limit_s() const { return dt_limit_s_; }

  void step(double dt_s);
  // Steps of cfl_fraction × the limit, the last one shortened to land on t_end_s.
  void advance_to(double t_end_s, double cfl_fraction = 0.9);

  SpeciesLedger ledger(int species) const;

  // Returns when every step launched so far has finished (kernels run asynchronously on CUDA).
  void synchronize() const;

 private:
  kernels::GridView<Real> grid_view() const;
  kernels::SpeciesView<Real> species_view(int species) const;
  // Amount in cell layers [k_begin, k_end), summed on the backend.
  double amount(int species, int k_begin, int k_end) const;

  Problem problem_;
  BackendKind backend_;
  kernels::BoundaryView<Real> boundary_view_;
  DeviceBuffer<Real> dz_um_;
  DeviceBuffer<std::uint8_t> material_;
  std::vector<DeviceBuffer<kernels::MaterialCoeffs<Real>>> coeffs_;  // per species
  std::vector<DeviceBuffer<Real>> field_, next_;                      // per species
  std::vector<DeviceBuffer<Real>> source_;                            // per species, maybe empty
  std::vector<std::function<double(double)>> envelope_;
  std::vector<double> dosed_;
  DeviceBuffer<double> tallies_;  // [species][tally_count]
  double dt_limit_s_ = 0;
  double time_s_ = 0;
  long long steps_ = 0;
};

}  // namespace skinrd
