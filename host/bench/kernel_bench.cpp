#include "host/bench/kernel_bench.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <ostream>
#include <random>

#include "host/backend.hpp"
#include "host/device_buffer.hpp"
#include "host/error.hpp"
#include "host/executor/operations.hpp"
#include "kernels/launchers.hpp"

// SKINRD_VERSION and SKINRD_GIT_REVISION (git rev-parse at configure time) come from CMake.

namespace skinrd::bench {
namespace {

int parse_extent(std::string_view text, std::string_view whole) {
  int value = 0;
  bool digits = !text.empty() && text.size() <= 6;
  for (char c : text) {
    digits &= c >= '0' && c <= '9';
    if (digits) value = 10 * value + (c - '0');
  }
  if (!digits || value < 1)
    throw ConfigError("--size", "must be N or NXxNYxNZ with whole numbers from 1 to 999999, got '" +
                                    std::string(whole) + "'");
  return value;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &utc);
  return text;
}

std::string csv_quoted(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// Bytes each kernel must move per voxel and species, R = sizeof(Real): every array it reads
// or writes counted once per pass over it, material ids 1 byte, neighbours and per-k values
// (dz, coefficients) as cached. A lower bound on the traffic, so GB/s is "effective".
struct Traffic {
  double bytes;
  std::string what;
};

template <class Real>
Traffic sweep_traffic(bool transposed_x, const kernels::BoundaryView<Real>& bc, int axis) {
  constexpr double r = sizeof(Real);
  // Thomas: data read and written, the cp scratch written (forward) and read (backward);
  // a periodic line (x, y) also writes and reads the Sherman–Morrison vector q.
  const bool cyclic = axis < 2 && bc.periodic_lateral;
  Traffic t{4 * r + 1 + (cyclic ? 2 * r : 0),
            std::string("data r+w, material, scratch cp w+r") + (cyclic ? ", q w+r" : "")};
  if (transposed_x && axis == 0) {  // transposes to and from (y, x, z) order
    t.bytes += 4 * r;
    t.what += ", 2 transposes r+w";
  }
  return t;
}

template <class Real>
class KernelBench {
 public:
  KernelBench(const BenchOptions& options, const BackendChoice& backend, std::ostream& out)
      : options_(options), backend_(backend.kind), exec_(executor_for(backend.kind)), out_(out),
        problem_(layered_test_problem(options.nx, options.ny, options.nz, options.species)),
        voxels_(problem_.grid.voxel_count()) {
    peak_bytes_per_s_ = exec_.peak_memory_bandwidth_bytes_per_s();
  }

  double peak_bytes_per_s() const { return peak_bytes_per_s_; }
  std::vector<KernelRow> run();
  void run_members();

 private:
  void synchronize() const {
    exec_.synchronize();
  }
  // One warm-up call, then `repeat` timed calls, each between two synchronisations.
  double median_ms(const std::function<void()>& call) const;
  // Times `call` (every one of `lanes` species once; 0: options' species), prints and
  // keeps its row.
  void measure(const std::string& kernel, const Traffic& traffic,
               const std::function<void()>& call, int lanes = 0);
  // A full step of a Simulation of `problem` with `scheme`, timed past its start-up steps.
  void measure_step(const std::string& kernel, Scheme scheme, const Traffic& traffic,
                    const Problem& problem, const SimulationOptions& simulation = {});
  // The same species in device memory as one batch of lanes (one launch per kernel).
  kernels::ChannelBatch<Real> batch_of(const std::vector<kernels::Channel<Real>>& lanes,
                                       DeviceBuffer<kernels::Channel<Real>>& device) const {
    device = DeviceBuffer<kernels::Channel<Real>>(exec_, lanes);
    return {lanes.data(), exec_.reads_device_descriptors() ? device.data() : nullptr,
            static_cast<int>(lanes.size())};
  }

  const BenchOptions& options_;
  BackendKind backend_;
  const Executor& exec_;
  std::ostream& out_;
  Problem problem_;
  std::size_t voxels_;
  double peak_bytes_per_s_ = 0;
  std::vector<Real> initial_;  // random values in [0, 1), the starting field of every species
  std::vector<KernelRow> rows_;
  Traffic adi_traffic_;  // of one ADI step per species, for the members' rows too
};

template <class Real>
double KernelBench<Real>::median_ms(const std::function<void()>& call) const {
  using Clock = std::chrono::steady_clock;
  call();
  synchronize();
  std::vector<double> ms;
  for (int r = 0; r < options_.repeat; ++r) {
    synchronize();
    const auto start = Clock::now();
    call();
    synchronize();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  const std::size_t n = ms.size();
  return n % 2 ? ms[n / 2] : 0.5 * (ms[n / 2 - 1] + ms[n / 2]);
}

template <class Real>
void KernelBench<Real>::measure(const std::string& kernel, const Traffic& traffic,
                                const std::function<void()>& call, int lanes) {
  KernelRow row;
  row.kernel = kernel;
  row.traffic = traffic.what;
  row.bytes_per_voxel = traffic.bytes;
  row.ms_per_call = median_ms(call);
  const double seconds = row.ms_per_call * 1e-3;
  const double updates = static_cast<double>(voxels_) * (lanes > 0 ? lanes : options_.species);
  row.voxel_updates_per_s = updates / seconds;
  const double bytes_per_s = updates * traffic.bytes / seconds;
  row.gb_per_s = bytes_per_s * 1e-9;
  row.fraction_of_peak = peak_bytes_per_s_ > 0 ? bytes_per_s / peak_bytes_per_s_ : 0;
  char line[512];
  char peak[16] = "-";
  if (row.fraction_of_peak > 0)
    std::snprintf(peak, sizeof peak, "%.1f %%", 100 * row.fraction_of_peak);
  // Significant figures, so a fast kernel or a slow machine never prints a rounded 0.
  std::snprintf(line, sizeof line, "| %-18s | %10.4g | %10.3e | %5.0f | %8.3g | %7s | %s |",
                kernel.c_str(), row.ms_per_call, row.voxel_updates_per_s, row.bytes_per_voxel,
                row.gb_per_s, peak, row.traffic.c_str());
  out_ << line << std::endl;
  rows_.push_back(row);
}

template <class Real>
void KernelBench<Real>::measure_step(const std::string& kernel, Scheme scheme,
                                     const Traffic& traffic, const Problem& problem,
                                     const SimulationOptions& simulation) {
  Simulation<Real> sim(problem, backend_, scheme, simulation);
  for (int s = 0; s < sim.species_count(); ++s) sim.set_concentration(s, initial_);
  const double dt_s = 10 * sim.explicit_dt_limit_s();
  for (int n = 0; n < 4; ++n) sim.step(dt_s);  // past the Rannacher start-up (ADI)
  measure(kernel, traffic, [&] { sim.step(dt_s); }, sim.species_count());
}

template <class Real>
std::vector<KernelRow> KernelBench<Real>::run() {
  const Grid& grid = problem_.grid;
  const int species = options_.species;
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> value(0, 1);
  initial_.resize(voxels_);
  for (Real& v : initial_) v = static_cast<Real>(value(rng));

  // The explicit limit of the test problem: the implicit kernels take 10 times it, as a run.
  double dt_limit_s;
  {
    const Simulation<Real> probe(problem_, BackendKind::cpu, Scheme::explicit_euler);
    dt_limit_s = probe.explicit_dt_limit_s();
  }
  const DeviceBuffer<Real> dz(exec_, std::vector<Real>(grid.dz_um.begin(), grid.dz_um.end()));
  const DeviceBuffer<std::uint8_t> material(exec_, grid.material);
  DeviceBuffer<std::uint8_t> transposed;
  const bool transposed_x = exec_.sweep_scratch_values(grid) > 0;  // the x sweeps' ids
  if (transposed_x) transposed = DeviceBuffer<std::uint8_t>(exec_, transposed_materials(grid));
  const kernels::GridView<Real> view{grid.nx, grid.ny, grid.nz, static_cast<Real>(grid.dx_um),
                                     dz.data(), material.data(),
                                     problem_.materials.material_count()};
  kernels::BoundaryView<Real> bc;
  bc.periodic_lateral = problem_.boundaries.periodic_lateral;
  bc.top = problem_.boundaries.top;
  bc.bottom = problem_.boundaries.bottom;

  std::vector<DeviceBuffer<kernels::MaterialCoeffs<Real>>> coeffs, reacting;
  std::vector<DeviceBuffer<Real>> field, next, work, bound, internalised;
  std::vector<DeviceBuffer<double>> tallies;
  for (int s = 0; s < species; ++s) {
    std::vector<kernels::MaterialCoeffs<Real>> c = problem_.materials.species_coeffs<Real>(s);
    coeffs.emplace_back(exec_, c);
    for (auto& m : c) {  // binding and uptake everywhere, for the reaction kernel
      m.binding_on_per_conc_s = Real(1e-3);
      m.unbinding_per_s = Real(1e-3);
      m.binding_capacity = Real(10);
      m.uptake_max_conc_per_s = Real(1e-3);
      m.uptake_half_saturation = Real(1);
    }
    reacting.emplace_back(exec_, c);
    field.emplace_back(exec_, initial_);
    next.emplace_back(exec_, voxels_);
    work.emplace_back(exec_, initial_);
    bound.emplace_back(exec_, voxels_);
    internalised.emplace_back(exec_, voxels_);
    tallies.emplace_back(exec_, static_cast<std::size_t>(kernels::tally_count));
  }
  // Every species one lane: each kernel runs all of them in one call.
  std::vector<kernels::Channel<Real>> lanes(species), reacting_lanes(species);
  for (int s = 0; s < species; ++s) {
    kernels::Channel<Real>& c = lanes[s];
    c.species.coeffs = coeffs[s].data();
    c.species.concentration = field[s].data();
    c.species.top_concentration = Real(1);
    c.next = next[s].data();
    c.work = work[s].data();
    c.tallies = tallies[s].data();
    kernels::Channel<Real>& r = reacting_lanes[s];
    r.species.coeffs = reacting[s].data();
    r.free = field[s].data();
    r.bound = bound[s].data();
    r.internalised = internalised[s].data();
    r.tallies = tallies[s].data();
  }
  DeviceBuffer<kernels::Channel<Real>> lanes_device, reacting_device;
  const kernels::ChannelBatch<Real> batch = batch_of(lanes, lanes_device);
  const kernels::ChannelBatch<Real> reacting_batch = batch_of(reacting_lanes, reacting_device);
  DeviceBuffer<Real> scratch(exec_, species * exec_.sweep_scratch_values(grid));
  constexpr double r = sizeof(Real);

  measure("explicit_step", {2 * r + 1, "c r, material, next w"}, [&] {
    exec_.run(ops::explicit_step, view, bc, batch, static_cast<Real>(0.9 * dt_limit_s));
  });
  const char* axes[3] = {"line_sweep_x", "line_sweep_y", "line_sweep_z"};
  Traffic sweeps[3];
  for (int axis = 0; axis < 3; ++axis) {
    sweeps[axis] = sweep_traffic<Real>(transposed_x, bc, axis);
    measure(axes[axis], sweeps[axis], [&] {
      exec_.run(ops::line_sweep, view, transposed.data(), bc, batch, axis,
                            static_cast<Real>(5 * dt_limit_s), kernels::ChannelField::work,
                            scratch.data());
    });
  }
  // Steps: the sums of their kernels' traffic (copies and element-wise passes included).
  const double sweeps_bytes = sweeps[0].bytes + sweeps[1].bytes + sweeps[2].bytes;
  measure_step("lod_step", Scheme::lod,
               {2 * r + sweeps_bytes + (2 * r + 1) + (2 * r + 1),
                "copy, 3 sweeps, inflow r+w, tallies (c, c_new, material)"},
               problem_);
  adi_traffic_ = {(2 * r + 1) + sweeps_bytes + (3 * r + 1),
                  "rhs (c, material, w), 3 sweeps, tallies writing c + delta"};
  measure_step("adi_step", Scheme::adi, adi_traffic_, problem_);
  if (exec_.records_graphs())  // the same step launched kernel by kernel: what graphs save
    measure_step("adi_step_no_graph", Scheme::adi, adi_traffic_, problem_,
                 SimulationOptions{.cuda_graphs = false});
  measure("react", {6 * r + 1, "free, bound, internalised r+w, material"}, [&] {
    exec_.run(ops::react, view, reacting_batch, static_cast<Real>(dt_limit_s));
  });
  double sink = 0;  // keeps the reductions' results alive
  measure("amount", {r, "c r (per-layer dz cached)"}, [&] {
    for (int s = 0; s < species; ++s)
      sink += exec_.run(ops::amount, view, field[s].data(), 0, grid.nz);
  });
  measure("max_abs_difference", {2 * r, "a r, b r"}, [&] {
    for (int s = 0; s < species; ++s)
      sink += exec_.run(ops::max_abs_difference, field[s].data(), next[s].data(), voxels_)
                  .difference;
  });
  if (!std::isfinite(sink)) out_ << "note: a reduction returned a non-finite value\n";
  if (options_.members > 1) run_members();
  return rows_;
}

// An ensemble's ADI step: `members` copies of the species, D 1 % apart, in one Simulation,
// batched (one launch per kernel for all) against one species per batch.
template <class Real>
void KernelBench<Real>::run_members() {
  const int members = options_.members;
  Problem problem = layered_test_problem(options_.nx, options_.ny, options_.nz, members);
  for (int m = 0; m < members; ++m)
    for (int a = 0; a < problem.materials.material_count(); ++a)
      problem.materials.at(a, m).diffusion_um2_per_s *= 1 + 0.01 * m;
  const std::size_t before = rows_.size();
  measure_step("adi_members_batched", Scheme::adi, adi_traffic_, problem, SimulationOptions{0});
  measure_step("adi_members_one_by_one", Scheme::adi, adi_traffic_, problem, SimulationOptions{1});
  const double speed_up = rows_[before].voxel_updates_per_s / rows_[before + 1].voxel_updates_per_s;
  char line[160];
  std::snprintf(line, sizeof line,
                "\n%d members, ADI: batched %.3e voxel-updates/s, one by one %.3e, speed-up %.2f x\n",
                members, rows_[before].voxel_updates_per_s, rows_[before + 1].voxel_updates_per_s,
                speed_up);
  out_ << line;
}

template <class Real>
std::vector<KernelRow> bench_in(const BenchOptions& options, const BackendChoice& backend,
                                std::ostream& out) {
  KernelBench<Real> bench(options, backend, out);
  const std::size_t voxels = static_cast<std::size_t>(options.nx) * options.ny * options.nz;
  const char* precision = options.double_precision ? "double" : "float";
  const std::string device = executor_for(backend.kind).device_name();
  out << "## skinrd bench: " << device << ", " << backend.description << "\n\n"
      << "date " << utc_now() << ", skinrd " << SKINRD_VERSION << ", git revision "
      << SKINRD_GIT_REVISION << "\n"
      << "backend " << to_string(backend.kind) << ", " << precision << " fields (R = "
      << sizeof(Real) << " bytes), grid " << options.nx << " x " << options.ny << " x "
      << options.nz << " = " << voxels << " voxels, " << options.species << " species, median of "
      << options.repeat << " calls after one warm-up\n";
  if (bench.peak_bytes_per_s() > 0)
    out << "peak memory bandwidth " << bench.peak_bytes_per_s() * 1e-9
        << " GB/s (2 x memory clock x bus width / 8)\n";
  out << "test grid: stratum corneum / epidermis / dermis (1, 2, 5 um cells), fixed top, sink "
         "bottom, periodic sides; steps without reactions, react with binding and uptake\n"
         "voxel-updates/s = voxels x species / time per call; B/voxel = bytes the kernel must "
         "move per voxel and species: each array read or written counted once per pass, "
         "material ids 1 byte, neighbours and per-layer values as cached (a lower bound, so "
         "GB/s is effective bandwidth); steps sum their kernels\n\n"
      << "| kernel | ms/call | voxel-updates/s | B/voxel | GB/s | of peak | traffic counted |\n"
      << "|---|---|---|---|---|---|---|\n"
      << std::flush;
  std::vector<KernelRow> rows = bench.run();
  if (!options.csv_path.empty()) {
    std::ofstream csv(options.csv_path);
    if (!csv) throw IoError(options.csv_path, "cannot open for writing");
    csv << "date,git_revision,device,backend,precision,nx,ny,nz,species,repeat,kernel,"
           "ms_per_call,voxel_updates_per_s,bytes_per_voxel,gb_per_s,fraction_of_peak,traffic\n";
    for (const KernelRow& row : rows)
      csv << utc_now() << ',' << SKINRD_GIT_REVISION << ',' << csv_quoted(device) << ','
          << to_string(backend.kind) << ',' << precision << ',' << options.nx << ','
          << options.ny << ',' << options.nz << ',' << options.species << ',' << options.repeat
          << ',' << row.kernel << ',' << row.ms_per_call << ',' << row.voxel_updates_per_s << ','
          << row.bytes_per_voxel << ',' << row.gb_per_s << ',' << row.fraction_of_peak << ','
          << csv_quoted(row.traffic) << '\n';
    if (!csv.flush()) throw IoError(options.csv_path, "write failed");
    out << "\nwrote " << options.csv_path << "\n";
  }
  return rows;
}

}  // namespace

void parse_size(std::string_view text, BenchOptions& options) {
  std::vector<int> extents;
  std::size_t start = 0;
  while (true) {
    const std::size_t x = text.find_first_of("xX", start);
    extents.push_back(parse_extent(text.substr(start, x - start), text));
    if (x == std::string_view::npos) break;
    start = x + 1;
  }
  if (extents.size() == 1) extents.assign(3, extents[0]);
  if (extents.size() != 3)
    throw ConfigError("--size", "must be N or NXxNYxNZ, got '" + std::string(text) + "'");
  if (extents[2] < 3)
    throw ConfigError("--size", "needs NZ >= 3 (three layers), got '" + std::string(text) + "'");
  options.nx = extents[0], options.ny = extents[1], options.nz = extents[2];
}

Problem layered_test_problem(int nx, int ny, int nz, int species) {
  std::vector<std::string> names;
  for (int s = 0; s < species; ++s) names.push_back("species" + std::to_string(s));
  MaterialTable table({"stratum_corneum", "epidermis", "dermis"}, names);
  for (int s = 0; s < species; ++s) {
    table.at(0, s) = {0.5, 0.2, 0, 0};
    table.at(1, s) = {40, 1.0, 1e-4, 0};
    table.at(2, s) = {80, 0.8, 1e-4, 1e-4};
  }
  const int sc = std::max(1, nz / 8), epi = std::max(1, nz / 4), dermis = nz - sc - epi;
  Boundaries bc{true, kernels::TopBoundary::fixed_concentration, std::vector<double>(species, 1.0),
                kernels::BottomBoundary::perfect_sink};
  return {make_grid(nx, ny, 5.0, {{"stratum_corneum", sc * 1.0, 1.0, 0},
                                  {"epidermis", epi * 2.0, 2.0, 1},
                                  {"dermis", dermis * 5.0, 5.0, 2}}),
          table, bc};
}

std::vector<KernelRow> run_kernel_bench(const BenchOptions& options, std::ostream& out) {
  if (options.members < 1)
    throw ConfigError("--members", "must be >= 1, got " + std::to_string(options.members));
  if (options.species < 1)
    throw ConfigError("--species", "must be >= 1, got " + std::to_string(options.species));
  if (options.repeat < 1)
    throw ConfigError("--repeat", "must be >= 1, got " + std::to_string(options.repeat));
  if (options.nx < 1 || options.ny < 1 || options.nz < 3)
    throw ConfigError("--size", "needs NX, NY >= 1 and NZ >= 3");
  const BackendChoice backend = select_backend(options.backend);
  return options.double_precision ? bench_in<double>(options, backend, out)
                                  : bench_in<float>(options, backend, out);
}

}  // namespace skinrd::bench
