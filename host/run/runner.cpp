#include "host/run/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "host/error.hpp"
#include "host/output/atomic_file.hpp"
#include "host/output/downsample.hpp"
#include "host/run/ensemble.hpp"
#include "host/run/finite_check.hpp"
#include "host/run/member_run.hpp"
#include "host/run/memory_budget.hpp"
#include "host/run/problem_builder.hpp"
#include "host/run/record_columns.hpp"

namespace skinrd::run {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string format_duration(double s) {
  char text[64];
  if (s < 120) std::snprintf(text, sizeof text, "%.1f s", s);
  else if (s < 7200) std::snprintf(text, sizeof text, "%.1f min", s / 60);
  else std::snprintf(text, sizeof text, "%.2f h", s / 3600);
  return text;
}

// One member's scenario, name and output folder.
struct MemberPlan {
  const scenario::Scenario* scenario;
  std::string name;
  MemberOutput output;
};

// Steps one Simulation (every member's species as its lanes) through the union of the
// members' stops: each member's events at a stop are applied, their shared changes committed
// once, then every member records its outputs.
template <class Real>
class Driver {
 public:
  Driver(std::vector<MemberPlan> plans, Problem problem, const RunOptions& options,
         const SimulationOptions& simulation, bool lean_controller, std::ostream& progress)
      : plans_(std::move(plans)), options_(options), progress_(progress),
        run_(plans_.front().scenario->run), adaptive_(run_.adaptive),
        tissue_(std::move(problem), options.backend.kind, run_.scheme, simulation) {
    adaptive_.lean_memory = lean_controller;
    int lane = 0;
    for (MemberPlan& plan : plans_) {
      members_.push_back(std::make_unique<MemberRun<Real>>(*plan.scenario, plan.output, tissue_,
                                                           lane, writer_));
      lane += static_cast<int>(plan.scenario->species.size());
    }
  }

  void run();
  double wall_s() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  long long steps() const { return tissue_.sim().steps_taken(); }
  std::vector<std::vector<std::vector<OutputRecord>>> records() const {
    std::vector<std::vector<std::vector<OutputRecord>>> all;
    for (const auto& member : members_) all.push_back(member->records());
    return all;
  }

 private:
  void advance(double t_end_s);
  void report_progress(bool final);

  std::vector<MemberPlan> plans_;
  const RunOptions& options_;
  std::ostream& progress_;
  const scenario::RunSettings& run_;
  AdaptiveOptions adaptive_;  // the run's, lean when the full controller would not fit
  SharedTissue<Real> tissue_;
  // Declared before the writer: the writer stops (finishing the snapshots it holds) first.
  std::vector<std::unique_ptr<MemberRun<Real>>> members_;
  // Computes and writes the members' outputs (metrics, profiles, .vtr) while the run goes on.
  output::BackgroundWriter writer_;
  Clock::time_point start_ = Clock::now(), last_report_ = Clock::now();
  bool terminal_ = isatty(fileno(stderr));
};

template <class Real>
void Driver<Real>::report_progress(bool final) {
  const auto now = Clock::now();
  const double since_report = std::chrono::duration<double>(now - last_report_).count();
  if (!final && since_report < (terminal_ ? 0.2 : 10.0)) return;
  last_report_ = now;
  const double wall = wall_s();
  const Simulation<Real>& sim = tissue_.sim();
  const double fraction = sim.time_s() / run_.duration_s;
  const double steps_per_s = wall > 0 ? sim.steps_taken() / wall : 0;
  const double eta = fraction > 0 ? wall * (1 - fraction) / fraction : 0;
  char line[256];
  std::snprintf(line, sizeof line, "t = %s of %s (%5.1f %%), %lld steps, %.1f steps/s, ETA %s",
                format_duration(sim.time_s()).c_str(), format_duration(run_.duration_s).c_str(),
                100 * fraction, sim.steps_taken(), steps_per_s, format_duration(eta).c_str());
  if (terminal_) progress_ << '\r' << line << "   " << (final ? "\n" : "") << std::flush;
  else progress_ << line << '\n' << std::flush;
}

template <class Real>
void Driver<Real>::advance(double t_end_s) {
  // Steps of the fixed dt (or the controller's) in chunks, so progress is reported.
  Simulation<Real>& sim = tissue_.sim();
  while (sim.time_s() < t_end_s - 1e-9 * std::max(1.0, t_end_s)) {
    // Chunks of about 0.5 % of the run; with a fixed step a whole number of steps, so the
    // chunks do not cut them.
    const double chunk_s = run_.dt_s > 0
                               ? run_.dt_s * std::max(1.0, std::floor(run_.duration_s / 200 / run_.dt_s))
                               : run_.duration_s / 200;
    const double chunk_end = std::min(t_end_s, sim.time_s() + chunk_s);
    if (run_.dt_s > 0) sim.advance_to(chunk_end, run_.dt_s);
    else sim.advance_adaptive(chunk_end, adaptive_);
    for (auto& member : members_) member->couple_body(sim.time_s());
    require_finite(sim, run_);
    report_progress(false);
  }
}

template <class Real>
void Driver<Real>::run() {
  for (auto& member : members_) member->open_outputs();
  for (auto& member : members_) member->add_sources();
  std::vector<double> stops = run_.output_times_s;
  for (const auto& member : members_)
    for (const Event& e : member->events()) stops.push_back(e.time_s);
  for (const auto& member : members_)
    for (double t : member->body_stops()) stops.push_back(t);
  std::sort(stops.begin(), stops.end());
  stops.erase(std::unique(stops.begin(), stops.end()), stops.end());
  std::vector<std::size_t> next_event(members_.size(), 0);
  for (double t : stops) {
    advance(t);
    for (std::size_t m = 0; m < members_.size(); ++m) {
      const auto& events = members_[m]->events();
      while (next_event[m] < events.size() && events[next_event[m]].time_s <= t + 1e-9)
        members_[m]->apply(events[next_event[m]++]);
    }
    tissue_.commit();
    if (std::binary_search(run_.output_times_s.begin(), run_.output_times_s.end(), t))
      for (auto& member : members_) member->record(t);
  }
  report_progress(true);
  writer_.finish();
  for (auto& member : members_) member->write_summary(wall_s(), steps());
}

MemberOutput member_output(const RunOptions& options, const std::string& dir, bool write_vtk) {
  MemberOutput output;
  output.out_dir = dir;
  output.force = options.force;
  output.write_vtk = write_vtk;
  output.backend_description = options.backend.description;
  output.command_line = options.command_line;
  return output;
}

// Runs the plans in the scenarios' field precision; the members' records in plan order.
std::vector<std::vector<std::vector<OutputRecord>>> run_plans(std::vector<MemberPlan> plans,
                                                               Problem problem,
                                                               const RunOptions& options,
                                                               const SimulationOptions& simulation,
                                                               bool lean_controller,
                                                               std::ostream& progress,
                                                               double* wall_s = nullptr,
                                                               long long* steps = nullptr) {
  auto execute = [&](auto& driver) {
    driver.run();
    if (wall_s) *wall_s = driver.wall_s();
    if (steps) *steps = driver.steps();
    return driver.records();
  };
  if (plans.front().scenario->run.double_precision) {
    Driver<double> driver(std::move(plans), std::move(problem), options, simulation,
                          lean_controller, progress);
    return execute(driver);
  }
  Driver<float> driver(std::move(plans), std::move(problem), options, simulation,
                       lean_controller, progress);
  return execute(driver);
}

// The backend `check` sizes the run for, and its free memory (0: unknown).
std::pair<BackendKind, std::size_t> check_target(const std::string& backend, std::ostream& out) {
  if (backend != "auto") {  // a named backend is sized even where it cannot run
    const BackendKind kind = backend_kind(backend);
    try {
      return {kind, available_memory_bytes(kind)};
    } catch (const Error& error) {
      out << "note: no " << to_string(kind) << " device here (" << error.what() << "): the footprint is "
          << to_string(kind) << "'s, the free memory unknown\n";
      return {kind, 0};
    }
  }
  const BackendKind kind = select_backend(backend).kind;
  return {kind, available_memory_bytes(kind)};
}

std::string csv_quoted(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

RunReport run_scenario(const scenario::Scenario& scenario, const RunOptions& options,
                       std::ostream& progress) {
  progress << "skinrd run " << scenario.path << ": backend " << options.backend.description
           << ", scheme " << to_string(scenario.run.scheme)
           << (scenario.run.double_precision ? ", double" : ", float") << " fields\n";
  if (scenario.write_vtk && !output::vtk_compiled())
    progress << "note: VTK output is not compiled into this build (no libvtk9-dev); writing "
                "metrics only\n";
  std::vector<MemberPlan> plans{{&scenario, scenario.name,
                                 member_output(options, options.out_dir, scenario.write_vtk)}};
  bool lean_controller = false;
  Problem problem = build_fitting_problem(scenario, options.backend.kind, &lean_controller);
  require_float_limits(scenario, problem);
  for (const std::string& warning : resolution_warnings(scenario, problem.grid))
    progress << "warning: " << warning << "\n";
  if (lean_controller)
    progress << "note: the step controller keeps one species' copies at a time (lean), the only "
                "way the run fits; it solves 5/3 as many steps\n";
  RunReport report;
  report.records = run_plans(std::move(plans), std::move(problem), options, SimulationOptions{},
                             lean_controller, progress)
                       .front();
  progress << "wrote " << options.out_dir << "/{metrics.csv, profiles.csv, summary.json, scenario.toml, provenance.json"
           << (scenario.write_vtk && output::vtk_compiled() ? ", fields.pvd + fields_*.vtr" : "")
           << "}\n";
  return report;
}

EnsembleReport run_ensemble(const scenario::EnsembleSpec& spec,
                            const std::vector<scenario::Scenario>& members,
                            const RunOptions& options, std::ostream& progress) {
  std::vector<std::string> names;
  for (const auto& member : spec.members) names.push_back(member.name);
  check_members_compatible(members, names);
  const fs::path dir(options.out_dir);
  if (fs::exists(dir) && !fs::is_empty(dir) && !options.force)
    throw IoError(dir.string(), "the output directory is not empty (use --force to overwrite)");
  Problem problem = build_ensemble_problem(members, names);
  for (const auto& member : members) require_float_limits(member, build_problem(member));
  const BackendKind backend = options.backend.kind;
  const std::size_t available = available_memory_bytes(backend);
  const SimulationOptions simulation = ensemble_batching(members, problem, backend, available);
  require_fits(ensemble_footprint(members, problem, backend, simulation), backend, available);
  const scenario::RunSettings& run = members.front().run;
  const Grid& grid = problem.grid;
  progress << "skinrd run --ensemble " << spec.path << ": " << members.size() << " members of "
           << spec.scenario_path << ", " << problem.materials.species_count() << " lanes on "
           << grid.nx << " x " << grid.ny << " x " << grid.nz << " voxels; backend "
           << options.backend.description << ", scheme " << to_string(run.scheme)
           << (run.double_precision ? ", double" : ", float") << " fields, "
           << simulation.species_per_batch << " lanes per launch\n";
  if (spec.write_vtk && !output::vtk_compiled())
    progress << "note: VTK output is not compiled into this build (no libvtk9-dev); writing "
                "metrics only\n";
  std::vector<MemberPlan> plans;
  for (std::size_t m = 0; m < members.size(); ++m) {
    MemberPlan plan{&members[m], names[m],
                    member_output(options, (dir / names[m]).string(), spec.write_vtk)};
    plan.output.provenance = {{"ensemble", spec.path}, {"member", names[m]}};
    plans.push_back(std::move(plan));
  }
  if (spec.write_vtk)  // a factor that does not divide the cells, refused before any output
    for (const auto& member : members)
      if (member.vtk_downsample > 1) output::Downsampler(problem.grid, member.vtk_downsample);
  fs::create_directories(dir);
  EnsembleReport report;
  report.names = names;
  double wall_s = 0;
  long long steps = 0;
  report.records =
      run_plans(std::move(plans), std::move(problem), options, simulation, false, progress,
                &wall_s, &steps);

  // ensemble.json: what each member is; ensemble.csv: each member's route metrics.
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  std::ostringstream csv;
  csv << "member,";
  write_summary_csv_header(csv);
  csv << ",overrides\n";
  for (std::size_t m = 0; m < members.size(); ++m) {
    std::string overrides;
    for (const auto& o : spec.members[m].overrides) overrides += (overrides.empty() ? "" : "; ") + o;
    list.push_back({{"name", names[m]}, {"dir", names[m]}, {"overrides", spec.members[m].overrides}});
    for (std::size_t s = 0; s < report.records[m].size(); ++s) {
      const scenario::SpeciesEntry& entry = members[m].species[s];
      const bool particles = entry.basis.particles;
      const SpeciesSummary sum = summarise(report.records[m][s], members[m].run.target_layer,
                                           particles ? "particles" : "ng",
                                           particles ? "particles/mL" : "ng/mL");
      csv << names[m] << ',';
      write_summary_csv_row(csv, {sum, entry.full_name, entry.effective_concentration, particles});
      csv << ',' << csv_quoted(overrides) << '\n';
    }
  }
  nlohmann::ordered_json summary = {
      {"ensemble", spec.name},
      {"file", spec.path},
      {"scenario", spec.scenario_path},
      {"backend", options.backend.description},
      {"precision", run.double_precision ? "double" : "float"},
      {"scheme", to_string(run.scheme)},
      {"lanes", members.size() * members.front().species.size()},
      {"lanes_per_launch", simulation.species_per_batch},
      {"steps", steps},
      {"wall_time_s", wall_s},
      {"command", options.command_line},
      {"members", list}};
  output::write_atomically(dir / "ensemble.json", summary.dump(2) + "\n");
  output::write_atomically(dir / "ensemble.csv", csv.str());
  progress << "wrote " << options.out_dir << "/{ensemble.json, ensemble.csv} and a run directory per member ("
           << members.size() << ")\n";
  return report;
}

namespace {
// check_scenario for a backend already chosen (its free memory: 0 when unknown).
void check_scenario_on(const scenario::Scenario& scenario, std::ostream& out, BackendKind backend,
                       std::size_t available);
}  // namespace

void check_ensemble(const scenario::EnsembleSpec& spec,
                    const std::vector<scenario::Scenario>& members, std::ostream& out,
                    const std::string& backend_name) {
  std::vector<std::string> names;
  for (const auto& member : spec.members) names.push_back(member.name);
  check_members_compatible(members, names);
  out << "ensemble " << spec.name << " (" << spec.path << "): " << members.size()
      << " members of " << spec.scenario_path
      << ", valid: they share the grid, species, run settings and needles\n";
  constexpr std::size_t kListed = 20;
  for (std::size_t m = 0; m < spec.members.size() && m < kListed; ++m) {
    out << "  " << names[m] << ":";
    for (const auto& o : spec.members[m].overrides) out << " " << o;
    out << (spec.members[m].overrides.empty() ? " the scenario as it is\n" : "\n");
  }
  if (spec.members.size() > kListed) out << "  ... and " << spec.members.size() - kListed << " more\n";
  const Problem problem = build_ensemble_problem(members, names);
  const auto [backend, available] = check_target(backend_name, out);
  const SimulationOptions simulation = ensemble_batching(members, problem, backend, available);
  const MemoryFootprint f = ensemble_footprint(members, problem, backend, simulation);
  out << "lanes " << problem.materials.species_count() << " (members x species), "
      << simulation.species_per_batch << " per launch on " << to_string(backend) << "\n"
      << "memory " << f.total() / (1024.0 * 1024.0 * 1024.0) << " GiB ("
      << f.per_voxel(f.total()) << " B/voxel of the " << problem.grid.nx << " x "
      << problem.grid.ny << " x " << problem.grid.nz << " grid; stored fields "
      << f.per_voxel(f.stored()) << ", scratch " << f.per_voxel(f.scratch()) << ", sources "
      << f.per_voxel(f.sources()) << ", step controller " << f.per_voxel(f.controller) << ")";
  if (available > 0)
    out << ", " << available / (1024.0 * 1024.0 * 1024.0) << " GiB available"
        << (f.total() > available ? " -- does NOT fit" : "");
  out << "\nper member, as run alone:\n";
  check_scenario_on(members.front(), out, backend, available);
}

void check_scenario(const scenario::Scenario& scenario, std::ostream& out,
                    const std::string& backend_name) {
  const auto [backend, available] = check_target(backend_name, out);
  check_scenario_on(scenario, out, backend, available);
}

namespace {
void check_scenario_on(const scenario::Scenario& scenario, std::ostream& out, BackendKind backend,
                       std::size_t available) {
  const Problem problem = build_problem(scenario);
  validate_problem(problem);
  require_float_limits(scenario, problem);  // `check` calls nothing valid that float cannot hold
  const double dt_limit_s = explicit_dt_limit_s(problem);
  const Grid& grid = problem.grid;
  const std::size_t voxels = grid.voxel_count();
  const int species = static_cast<int>(scenario.species.size());
  out << "scenario " << scenario.name << " (" << scenario.path << "): valid\n"
      << "grid " << grid.nx << " x " << grid.ny << " x " << grid.nz << " = " << voxels
      << " voxels, dx = " << grid.dx_um << " um, depth " << grid.depth_um() << " um\n";
  for (const auto& layer : grid.layers)
    out << "  " << std::setw(18) << std::left << layer.name << std::right << " z " << std::setw(7)
        << layer.z_top_um << " - " << std::setw(7) << layer.z_bottom_um << " um, "
        << layer.k_end - layer.k_begin << " cells\n";
  if (scenario.write_vtk && scenario.vtk_downsample > 1) {
    const output::Downsampler downsampler(grid, scenario.vtk_downsample);
    const Grid& coarse = downsampler.coarse();
    out << "VTK fields downsampled " << scenario.vtk_downsample << "x: " << coarse.nx << " x "
        << coarse.ny << " x " << coarse.nz << " cells\n";
  }
  out << "species " << species << "\n";
  for (const std::string& warning : resolution_warnings(scenario, grid))
    out << "warning: " << warning << "\n";
  const MemoryFootprint footprint = scenario_footprint(scenario, problem, backend);
  print_footprint(footprint, backend, scenario.run.scheme, scenario.run.double_precision,
                  available, out);
  if (footprint.controller > 0)
    print_lean_footprint(scenario_footprint(scenario, problem, backend, true), out);
  out << "explicit stability limit " << dt_limit_s << " s\n";
  const double duration = scenario.run.duration_s;
  double steps;
  if (scenario.run.scheme == Scheme::explicit_euler) {
    steps = (scenario.run.dt_s > 0 ? 1 : 3) * duration / (0.9 * dt_limit_s);
    out << "scheme explicit: about " << steps << " step solves"
        << (scenario.run.dt_s > 0 ? "" : " (3 per step with the controller)") << "\n";
  } else if (scenario.run.dt_s > 0) {
    steps = duration / scenario.run.dt_s;
    out << "scheme " << to_string(scenario.run.scheme) << ", dt " << scenario.run.dt_s << " s: "
        << steps << " steps\n";
  } else {
    // The controller's steps depend on the solution; dt_max bounds them from below (3 solves
    // each). In the shipped scenarios it took 2 to 55 times that many.
    steps = 3 * duration / scenario.run.adaptive.dt_max_s;
    out << "scheme " << to_string(scenario.run.scheme) << " with the accuracy controller (tolerance "
        << scenario.run.adaptive.relative_tolerance << ", dt_max " << scenario.run.adaptive.dt_max_s
        << " s): at least " << steps << " step solves; the shipped scenarios took 2 to 55 times "
        << "that many (events and doses may shorten the steps)\n";
  }
  // Measured on the CPU backend of a 2-core machine: about 1.2e7 voxel-updates/s for an ADI
  // step, 4e7 for an explicit one (bench/RESULTS.md).
  // Exact per-voxel reactions (binding, uptake) cut that about 4-fold (measured on the
  // dissolving-microneedle scenario: 2.6e6 voxel-steps/s).
  bool reacts = false;
  for (int s = 0; s < species; ++s) reacts |= problem.materials.species_reacts(s);
  const double rate = (scenario.run.scheme == Scheme::explicit_euler ? 4e7 : 1.2e7) / (reacts ? 4 : 1);
  const double estimate_s = steps * voxels * species / rate;
  out << "estimated run time on 2 CPU cores: " << format_duration(estimate_s);
  if (scenario.run.scheme != Scheme::explicit_euler && scenario.run.dt_s <= 0)
    out << " to " << format_duration(55 * estimate_s) << " (with the controller)";
  out << "\n";
}

}  // namespace

}  // namespace skinrd::run
