// One explicit step on a 128³ layered grid with 1 and 4 species, float and double fields,
// on the CPU backend and, where a device is present, on CUDA.
// items_per_second is voxel-updates per second (voxels × species per step).
#include <benchmark/benchmark.h>

#include <random>

#include "host/simulation.hpp"

namespace {

using namespace skinrd;

Problem layered_cube(int n, int species) {
  std::vector<std::string> names;
  for (int s = 0; s < species; ++s) names.push_back("species" + std::to_string(s));
  MaterialTable table({"stratum_corneum", "epidermis", "dermis"}, names);
  for (int s = 0; s < species; ++s) {
    table.at(0, s) = {0.5, 0.2, 0, 0};
    table.at(1, s) = {40, 1.0, 1e-4, 0};
    table.at(2, s) = {80, 0.8, 1e-4, 1e-4};
  }
  // n cells in z over three layers with different spacing.
  const int sc = n / 8, epi = n / 4, dermis = n - sc - epi;
  Boundaries bc{true, kernels::TopBoundary::fixed_concentration, std::vector<double>(species, 1.0),
                kernels::BottomBoundary::perfect_sink};
  return {make_grid(n, n, 5.0, {{"stratum_corneum", sc * 1.0, 1.0, 0},
                                {"epidermis", epi * 2.0, 2.0, 1},
                                {"dermis", dermis * 5.0, 5.0, 2}}),
          table, bc};
}

template <class Real>
void explicit_step(benchmark::State& state, BackendKind backend) {
  const int n = static_cast<int>(state.range(0)), species = static_cast<int>(state.range(1));
  if (backend == BackendKind::cuda && !cuda_device_available()) {
    state.SkipWithError("no CUDA device");
    return;
  }
  Simulation<Real> sim(layered_cube(n, species), backend);
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> value(0, 1);
  std::vector<Real> c(sim.problem().grid.voxel_count());
  for (auto& v : c) v = static_cast<Real>(value(rng));
  for (int s = 0; s < species; ++s) sim.set_concentration(s, c);
  const double dt_s = 0.9 * sim.explicit_dt_limit_s();
  sim.step(dt_s);  // warm-up: first touch of pages, CUDA context
  sim.synchronize();
  for (auto _ : state) {
    sim.step(dt_s);
    sim.synchronize();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<long long>(c.size()) * species);
  state.counters["voxels"] = static_cast<double>(c.size());
}

void explicit_step_float(benchmark::State& state, BackendKind backend) {
  explicit_step<float>(state, backend);
}
void explicit_step_double(benchmark::State& state, BackendKind backend) {
  explicit_step<double>(state, backend);
}

#define SKINRD_BENCH(function, name, backend)                                  \
  BENCHMARK_CAPTURE(function, name, backend)                                   \
      ->Args({128, 1})->Args({128, 4})->Unit(benchmark::kMillisecond)->UseRealTime()
SKINRD_BENCH(explicit_step_float, cpu, BackendKind::cpu);
SKINRD_BENCH(explicit_step_double, cpu, BackendKind::cpu);
SKINRD_BENCH(explicit_step_float, cuda, BackendKind::cuda);
SKINRD_BENCH(explicit_step_double, cuda, BackendKind::cuda);

}  // namespace

BENCHMARK_MAIN();
