// One time step on a 128³ layered grid with 1 and 4 species, for each scheme (explicit, ADI,
// LOD), float and double fields, on the CPU backend and, where a device is present, on CUDA.
// items_per_second is voxel-updates per second (voxels × species per step). ADI steps are
// timed past the Rannacher start-up, so they are Crank–Nicolson steps.
#include <benchmark/benchmark.h>

#include <random>

#include "host/bench/kernel_bench.hpp"
#include "host/simulation.hpp"

namespace {

using namespace skinrd;

// The grid `skinrd bench` uses (host/bench/kernel_bench.hpp): 1, 2 and 5 um cells over the
// stratum corneum, epidermis and dermis, fixed top, sink bottom, periodic sides.
Problem layered_cube(int n, int species) { return bench::layered_test_problem(n, n, n, species); }

template <class Real>
void time_step(benchmark::State& state, BackendKind backend, Scheme scheme) {
  const int n = static_cast<int>(state.range(0)), species = static_cast<int>(state.range(1));
  if (backend == BackendKind::cuda && !cuda_device_available()) {
    state.SkipWithError("no CUDA device");
    return;
  }
  Simulation<Real> sim(layered_cube(n, species), backend, scheme);
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> value(0, 1);
  std::vector<Real> c(sim.problem().grid.voxel_count());
  for (auto& v : c) v = static_cast<Real>(value(rng));
  for (int s = 0; s < species; ++s) sim.set_concentration(s, c);
  const double dt_s = (scheme == Scheme::explicit_euler ? 0.9 : 10.0) * sim.explicit_dt_limit_s();
  for (int n = 0; n < 4; ++n) sim.step(dt_s);  // warm-up: pages, CUDA context, start-up steps
  sim.synchronize();
  for (auto _ : state) {
    sim.step(dt_s);
    sim.synchronize();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<long long>(c.size()) * species);
  state.counters["voxels"] = static_cast<double>(c.size());
}

#define SKINRD_BENCH(name, Real, backend, scheme)                                        \
  void name(benchmark::State& state) { time_step<Real>(state, backend, scheme); }         \
  BENCHMARK(name)->Args({128, 1})->Args({128, 4})->Unit(benchmark::kMillisecond)->UseRealTime()
SKINRD_BENCH(explicit_float_cpu, float, BackendKind::cpu, Scheme::explicit_euler);
SKINRD_BENCH(explicit_double_cpu, double, BackendKind::cpu, Scheme::explicit_euler);
SKINRD_BENCH(adi_float_cpu, float, BackendKind::cpu, Scheme::adi);
SKINRD_BENCH(lod_float_cpu, float, BackendKind::cpu, Scheme::lod);
SKINRD_BENCH(explicit_float_cuda, float, BackendKind::cuda, Scheme::explicit_euler);
SKINRD_BENCH(explicit_double_cuda, double, BackendKind::cuda, Scheme::explicit_euler);
SKINRD_BENCH(adi_float_cuda, float, BackendKind::cuda, Scheme::adi);
SKINRD_BENCH(lod_float_cuda, float, BackendKind::cuda, Scheme::lod);
#undef SKINRD_BENCH

}  // namespace

BENCHMARK_MAIN();
