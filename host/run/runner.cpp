#include "host/run/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <optional>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "host/build_info.hpp"
#include "host/error.hpp"
#include "host/output/atomic_file.hpp"
#include "host/output/downsample.hpp"
#include "host/output/run_directory.hpp"
#include "host/run/ensemble.hpp"
#include "host/run/finite_check.hpp"
#include "host/run/member_run.hpp"
#include "host/run/memory_budget.hpp"
#include "host/run/interrupt.hpp"
#include "host/run/problem_builder.hpp"
#include "host/run/record_columns.hpp"
#include "host/run/size_estimates.hpp"


namespace skinrd::run {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;


// One member's scenario, name and output folder.
struct MemberPlan {
  const scenario::Scenario* scenario;
  std::string name;
  MemberOutput output;
};

// Steps one Simulation (every member's species as its lanes) through the union of the
// members' stops: each member's events at a stop are applied, their shared changes committed
// once, then every member records its outputs. Between steps it reports progress, writes
// checkpoints and stops where asked (signals, stop_when), so a run resumed from a checkpoint
// goes on as if it had never stopped.
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
  double wall_s() const {
    return earlier_wall_s_ + std::chrono::duration<double>(Clock::now() - start_).count();
  }
  long long steps() const { return tissue_.sim().steps_taken(); }
  std::vector<std::vector<std::vector<OutputRecord>>> records() const {
    std::vector<std::vector<std::vector<OutputRecord>>> all;
    for (const auto& member : members_) all.push_back(member->records());
    return all;
  }

 private:
  enum class Pause { none, checkpoint, signal, stop };
  void advance(double t_end_s);
  void report_progress(bool final);
  // Between steps: a progress line when due, and whether to pause (a checkpoint is due, a
  // signal came, stop_when holds).
  Pause pause_due();
  // Writes a checkpoint of where the run is; a signal or a stop then ends the run.
  void pause(Pause why);
  void write_checkpoint_now();
  void resume(const Checkpoint<Real>& checkpoint);

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
  DriverPosition position_;
  double earlier_wall_s_ = 0;  // of the sessions before a resume
  Clock::time_point start_ = Clock::now(), last_report_ = Clock::now(),
                    last_checkpoint_ = Clock::now();
  bool terminal_ = isatty(fileno(stderr));
};

template <class Real>
void Driver<Real>::report_progress(bool final) {
  const auto now = Clock::now();
  const double since_report = std::chrono::duration<double>(now - last_report_).count();
  if (!final && since_report < (terminal_ ? 0.2 : options_.progress_interval_s)) return;
  last_report_ = now;
  const double wall = wall_s();
  const Simulation<Real>& sim = tissue_.sim();
  const double fraction = sim.time_s() / run_.duration_s;
  const double steps_per_s = wall > 0 ? sim.steps_taken() / wall : 0;
  const double eta = fraction > 0 ? wall * (1 - fraction) / fraction : 0;
  const double dt_s = run_.dt_s > 0 ? run_.dt_s : sim.proposed_dt_s();
  char line[320];
  std::snprintf(line, sizeof line,
                "t = %s of %s (%5.1f %%), %lld steps, dt %s, %.1f steps/s, ETA %s",
                format_time(sim.time_s()).c_str(), format_time(run_.duration_s).c_str(),
                100 * fraction, sim.steps_taken(), format_time(dt_s).c_str(), steps_per_s,
                format_time(eta).c_str());
  if (terminal_) progress_ << '\r' << line << "   " << (final ? "\n" : "") << std::flush;
  else progress_ << line << '\n' << std::flush;
}

template <class Real>
typename Driver<Real>::Pause Driver<Real>::pause_due() {
  report_progress(false);
  if (pending_signal() != 0) return Pause::signal;
  const Simulation<Real>& sim = tissue_.sim();
  if (options_.stop_when && options_.stop_when({sim.time_s(), sim.steps_taken(), sim.rejected_steps()}))
    return Pause::stop;
  if (options_.checkpoint_interval_s > 0 &&
      std::chrono::duration<double>(Clock::now() - last_checkpoint_).count() >= options_.checkpoint_interval_s)
    return Pause::checkpoint;
  return Pause::none;
}

template <class Real>
void Driver<Real>::write_checkpoint_now() {
  writer_.finish();  // the outputs up to now complete on disk: the checkpoint matches them
  Checkpoint<Real> c;
  CheckpointHeader& h = c.header;
  h.skinrd_version = SKINRD_VERSION;
  h.git_revision = SKINRD_GIT_REVISION;
  h.precision = std::is_same_v<Real, double> ? "double" : "float";
  h.backend = options_.backend.description;
  for (const auto& member : members_) h.scenario_hashes.push_back(scenario_hash(member->scenario()));
  h.inputs = options_.inputs;
  h.time_s = tissue_.sim().time_s();
  h.steps = tissue_.sim().steps_taken();
  h.wall_s = wall_s();
  c.simulation = tissue_.save_state();
  c.position = position_;
  for (auto& member : members_) c.members.push_back(member->save_checkpoint());
  write_checkpoint(options_.out_dir, c);
  last_checkpoint_ = Clock::now();
}

template <class Real>
void Driver<Real>::pause(Pause why) {
  if (why == Pause::none) return;
  write_checkpoint_now();
  if (why == Pause::checkpoint) return;
  const int signal = pending_signal();
  report_progress(true);
  const std::string where = "stopped at t = " + format_time(tissue_.sim().time_s()) +
                            " with a checkpoint; go on with: skinrd run --resume " + options_.out_dir;
  if (why == Pause::stop) throw RunInterrupted(where, 0);
  throw RunInterrupted(std::string(signal == SIGTERM ? "SIGTERM" : "SIGINT") + ": " + where,
                       128 + signal);
}

template <class Real>
void Driver<Real>::advance(double t_end_s) {
  // Steps of the fixed dt (or the controller's) in chunks of about 0.5 % of the run, after each
  // of which the body is coupled; with a fixed step a whole number of steps, so the chunks do
  // not cut them. A pause inside a chunk returns to it: the chunk's end stays what it was.
  Simulation<Real>& sim = tissue_.sim();
  const auto pause_check = [this] { return pause_due() != Pause::none; };
  while (sim.time_s() < t_end_s - 1e-9 * std::max(1.0, t_end_s)) {
    if (!position_.in_chunk) {
      const double chunk_s = run_.dt_s > 0
                                 ? run_.dt_s * std::max(1.0, std::floor(run_.duration_s / 200 / run_.dt_s))
                                 : run_.duration_s / 200;
      position_.chunk_end_s = std::min(t_end_s, sim.time_s() + chunk_s);
      position_.in_chunk = true;
    }
    const bool reached = run_.dt_s > 0
                             ? sim.advance_to(position_.chunk_end_s, run_.dt_s, pause_check)
                             : !sim.advance_adaptive(position_.chunk_end_s, adaptive_, pause_check).paused;
    if (!reached) {
      pause(pause_due());
      continue;
    }
    position_.in_chunk = false;
    for (auto& member : members_) member->couple_body(sim.time_s());
    require_finite(sim, run_);
    pause(pause_due());
  }
}

template <class Real>
void Driver<Real>::resume(const Checkpoint<Real>& c) {
  if (c.members.size() != members_.size() || c.position.next_event.size() != members_.size())
    throw IoError(options_.out_dir, "the checkpoint holds another number of members");
  for (std::size_t m = 0; m < members_.size(); ++m) members_[m]->resume_outputs(c.members[m]);
  tissue_.restore_state(c.simulation);
  position_ = c.position;
  earlier_wall_s_ = c.header.wall_s;
}

template <class Real>
void Driver<Real>::run() {
  InterruptHandlers handlers;
  std::optional<Checkpoint<Real>> checkpoint;
  if (options_.resume) checkpoint = read_checkpoint<Real>(options_.out_dir);
  if (!checkpoint)
    for (auto& member : members_) member->open_outputs();
  for (auto& member : members_) member->add_sources();
  if (checkpoint) {
    resume(*checkpoint);
    checkpoint.reset();  // its fields are in the simulation now
  } else {
    position_.next_event.assign(members_.size(), 0);
  }
  std::vector<double> stops = run_.output_times_s;
  for (const auto& member : members_)
    for (const Event& e : member->events()) stops.push_back(e.time_s);
  for (const auto& member : members_)
    for (double t : member->body_stops()) stops.push_back(t);
  std::sort(stops.begin(), stops.end());
  stops.erase(std::unique(stops.begin(), stops.end()), stops.end());
  for (; position_.stop_index < stops.size(); ++position_.stop_index) {
    const double t = stops[position_.stop_index];
    advance(t);
    for (std::size_t m = 0; m < members_.size(); ++m) {
      const auto& events = members_[m]->events();
      auto& next = position_.next_event[m];
      while (next < events.size() && events[next].time_s <= t + 1e-9) members_[m]->apply(events[next++]);
    }
    tissue_.commit();
    if (std::binary_search(run_.output_times_s.begin(), run_.output_times_s.end(), t))
      for (auto& member : members_) member->record(t);
  }
  report_progress(true);
  writer_.finish();
  for (auto& member : members_) member->write_summary(wall_s(), steps());
  std::error_code ignored;  // a finished run has no use for it
  fs::remove(fs::path(options_.out_dir) / kCheckpointFile, ignored);
}

MemberOutput member_output(const RunOptions& options, const std::string& dir, bool write_vtk) {
  MemberOutput output;
  output.out_dir = dir;
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
    const std::string why_none = kind == BackendKind::cuda ? cuda_unavailable_reason() : "";
    if (why_none.empty()) return {kind, available_memory_bytes(kind)};
    out << "note: " << why_none << ": the memory is sized for a GPU, its free memory unknown\n";
    return {kind, 0};
  }
  const BackendKind kind = select_backend(backend).kind;
  return {kind, available_memory_bytes(kind)};
}

// Runs body in the locked directory; an error that ends the run is recorded in run.json
// (status failed) before it goes on to main.
template <class Body>
auto recorded(output::RunDirectory& directory, std::ostream& progress, Body body) {
  for (const std::string& note : directory.notes()) progress << "note: " << note << "\n";
  try {
    return body();
  } catch (const RunInterrupted& stop) {  // a checkpoint was written: it can go on
    directory.interrupted(stop.what(), true);
    throw;
  } catch (const std::exception& error) {
    try {
      directory.failed(error.what());
    } catch (const std::exception&) {  // the run's own error is the one to report
    }
    throw;
  }
}

std::string csv_quoted(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// The run's directory, locked: made (and with force cleared) for a new run, reopened to resume.
output::RunDirectory open_directory(const RunOptions& options) {
  return options.resume ? output::RunDirectory::reopen(options.out_dir, options.command_line)
                        : output::RunDirectory::create(options.out_dir, options.force, options.command_line);
}

// A checkpoint continues only the run it came from: the same build, precision and scenarios.
void check_resumable(const std::vector<const scenario::Scenario*>& members, const RunOptions& options,
                     std::ostream& progress) {
  const CheckpointHeader h = read_checkpoint_header(options.out_dir);
  const std::string path = (fs::path(options.out_dir) / kCheckpointFile).string();
  if (h.skinrd_version != SKINRD_VERSION || h.git_revision != SKINRD_GIT_REVISION)
    throw IoError(path, "written by skinrd " + h.skinrd_version + " (" + h.git_revision + "), this is " +
                            SKINRD_VERSION + " (" + SKINRD_GIT_REVISION +
                            "): a checkpoint resumes only in the build that wrote it");
  const std::string precision = members.front()->run.double_precision ? "double" : "float";
  if (h.precision != precision)
    throw IoError(path, "the checkpoint holds " + h.precision + " fields, the scenario asks for " + precision);
  if (h.scenario_hashes.size() != members.size())
    throw IoError(path, "the checkpoint has " + std::to_string(h.scenario_hashes.size()) +
                            " members, the run " + std::to_string(members.size()));
  for (std::size_t m = 0; m < members.size(); ++m)
    if (h.scenario_hashes[m] != scenario_hash(*members[m]))
      throw IoError(path, "the scenario " + members[m]->path + " is not the one the checkpoint ran (resolved " +
                              "scenario hash " + scenario_hash(*members[m]) + ", the checkpoint's " +
                              h.scenario_hashes[m] + "): it was changed since");
  if (h.backend != options.backend.description)
    progress << "note: the checkpoint was written on " << h.backend << ", this run is on "
             << options.backend.description << ": the rest of the run is not bit-identical to an "
                "uninterrupted one\n";
  progress << "resuming " << options.out_dir << " at t = " << format_time(h.time_s) << " (step "
           << h.steps << ")\n";
}

// ensemble.json: what each member is; ensemble.csv: each member's route metrics.
void write_ensemble_tables(const scenario::EnsembleSpec& spec,
                           const std::vector<scenario::Scenario>& members,
                           const std::vector<std::string>& names, const EnsembleReport& report,
                           const RunOptions& options, const SimulationOptions& simulation,
                           double wall_s, long long steps) {
  const fs::path dir(options.out_dir);
  const scenario::RunSettings& run = members.front().run;
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
  require_countable_steps(scenario, scenario.run.scheme == Scheme::explicit_euler
                                        ? explicit_dt_limit_s(problem)
                                        : 0.0);  // the limit caps only explicit steps
  for (const std::string& warning : resolution_warnings(scenario, problem.grid))
    progress << "warning: " << warning << "\n";
  if (lean_controller)
    progress << "note: memory-saving step control (one species' copies at a time), the only "
                "way the run fits; it solves 5/3 as many steps\n";
  output::RunDirectory directory = open_directory(options);
  if (options.resume) check_resumable({&scenario}, options, progress);
  RunReport report;
  report.records = recorded(directory, progress, [&] {
    return run_plans(std::move(plans), std::move(problem), options, SimulationOptions{},
                     lean_controller, progress)
        .front();
  });
  directory.completed();
  progress << "wrote " << options.out_dir << "/{run.json, metrics.csv, profiles.csv, summary.json, scenario.toml, provenance.json, layers.json"
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
  Problem problem = build_ensemble_problem(members, names);
  for (const auto& member : members) require_float_limits(member, build_problem(member));
  const BackendKind backend = options.backend.kind;
  const std::size_t available = available_memory_bytes(backend);
  const SimulationOptions simulation = ensemble_batching(members, problem, backend, available);
  require_fits(ensemble_footprint(members, problem, backend, simulation), backend, available);
  fill_materials(problem.grid);
  const scenario::RunSettings& run = members.front().run;
  require_countable_steps(members.front(), run.scheme == Scheme::explicit_euler
                                               ? explicit_dt_limit_s(problem)
                                               : 0.0);
  const Grid& grid = problem.grid;
  progress << "skinrd run --ensemble " << spec.path << ": " << members.size() << " members of "
           << spec.scenario_path << ", " << problem.materials.species_count() << " species runs on "
           << grid.nx << " x " << grid.ny << " x " << grid.nz << " voxels; backend "
           << options.backend.description << ", scheme " << to_string(run.scheme)
           << (run.double_precision ? ", double" : ", float") << " fields, "
           << simulation.species_per_batch << " stepped together\n";
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
  // One lock and one run.json for the ensemble; the members' folders are written inside it.
  output::RunDirectory directory = open_directory(options);
  if (options.resume) {
    std::vector<const scenario::Scenario*> list;
    for (const auto& member : members) list.push_back(&member);
    check_resumable(list, options, progress);
  }
  directory.set_members(names);  // so that --force finds them even after a kill
  EnsembleReport report;
  report.names = names;
  double wall_s = 0;
  long long steps = 0;
  recorded(directory, progress, [&] {
    if (options.force && !options.resume)  // folders of the same name from a run that did not list them
      for (const std::string& name : names)
        if (fs::is_directory(dir / name)) output::remove_run_outputs((dir / name).string());
    report.records =
        run_plans(std::move(plans), std::move(problem), options, simulation, false, progress,
                  &wall_s, &steps);
    write_ensemble_tables(spec, members, names, report, options, simulation, wall_s, steps);
  });
  directory.completed();
  progress << "wrote " << options.out_dir << "/{run.json, ensemble.json, ensemble.csv} and a run directory per member ("
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
  out << "species runs " << problem.materials.species_count() << " (members x species), "
      << simulation.species_per_batch << " stepped together on " << to_string(backend) << "\n"
      << "memory " << format_bytes(static_cast<double>(f.total())) << " ("
      << format_number(f.per_voxel(f.total())) << " B/voxel of the " << problem.grid.nx << " x "
      << problem.grid.ny << " x " << problem.grid.nz << " grid; stored fields "
      << format_number(f.per_voxel(f.stored())) << ", scratch " << format_number(f.per_voxel(f.scratch()))
      << ", sources " << format_number(f.per_voxel(f.sources())) << ", step controller "
      << format_number(f.per_voxel(f.controller)) << ")";
  if (available > 0)
    out << ", " << format_bytes(static_cast<double>(available)) << " available"
        << (f.total() > available ? " -- does NOT fit" : "");
  out << "\n";
  require_fits(f, backend, available);  // "does not fit": exit 2
  out << "per member, as run alone:\n";
  check_scenario_on(members.front(), out, backend, available);
}

void check_scenario(const scenario::Scenario& scenario, std::ostream& out,
                    const std::string& backend_name) {
  const auto [backend, available] = check_target(backend_name, out);
  check_scenario_on(scenario, out, backend, available);
}

namespace {
// The deliveries' events in time order: each that starts a change on a line of its own, the
// updates of gradual processes (drying, pores closing) as one line per kind of update.
void print_schedule(const scenario::Scenario& scenario, std::ostream& out) {
  const std::vector<Event> events = schedule(scenario);
  out << "schedule over " << format_time(scenario.run.duration_s) << ":\n";
  struct Updates { std::size_t count = 0; double first_s = 0, last_s = 0; };
  std::vector<std::pair<std::string, Updates>> updates;  // in order of their first
  for (const Event& e : events) {
    const std::string what = e.delivery->describe(e, scenario);
    if (delivery::starts_change(e)) {
      out << "  " << std::setw(10) << std::left << format_time(e.time_s) << std::right << " ["
          << e.delivery->key() << "] " << what << "\n";
      continue;
    }
    auto it = std::find_if(updates.begin(), updates.end(), [&](const auto& u) { return u.first == what; });
    if (it == updates.end()) it = updates.insert(updates.end(), {what, Updates{0, e.time_s, e.time_s}});
    ++it->second.count;
    it->second.last_s = e.time_s;
  }
  for (const auto& [what, u] : updates)
    out << "  " << what << ": followed in " << u.count << " update" << (u.count > 1 ? "s" : "")
        << " from " << format_time(u.first_s) << " to " << format_time(u.last_s) << "\n";
  if (events.empty()) out << "  no events\n";
}

// How many outputs, how often, and where they are dense.
void print_output_plan(const scenario::Scenario& scenario, std::ostream& out) {
  const scenario::RunSettings& run = scenario.run;
  const std::size_t regular =
      static_cast<std::size_t>(std::ceil(run.duration_s * (1 - 1e-12) / run.output_interval_s)) + 1;
  out << "output plan: " << run.output_times_s.size() << " times, every " << format_time(run.output_interval_s);
  if (run.output_times_s.size() > regular)
    out << ", and " << run.output_times_s.size() - regular << " more close after the events (from "
        << format_time(scenario.dense_first_s) << " after each, at 1, 2, 5 x 10^n of that, short of "
        << format_time(run.output_interval_s) << "; [output] dense_after_events, dense_first)";
  out << "\n";
}

void check_scenario_on(const scenario::Scenario& scenario, std::ostream& out, BackendKind backend,
                       std::size_t available) {
  // Sized from the shape first, so a run too large for the machine is refused before its
  // voxels are allocated, with the numbers `run` refuses it with.
  Problem problem = build_problem_shape(scenario);
  const Grid& grid = problem.grid;
  const std::size_t voxels = grid.voxel_count();
  const int species = static_cast<int>(scenario.species.size());
  out << "scenario " << scenario.name << " (" << scenario.path << ")\n";
  if (!scenario.description.empty()) out << "  " << scenario.description << "\n";
  out << "grid " << grid.nx << " x " << grid.ny << " x " << grid.nz << " = " << voxels
      << " voxels, dx = " << format_length(grid.dx_um) << ", depth "
      << format_length(grid.depth_um()) << "\n";
  for (const auto& layer : grid.layers)
    out << "  " << std::setw(18) << std::left << layer.name << std::right << " z " << std::setw(6)
        << format_number(layer.z_top_um, 5) << " - " << std::setw(6)
        << format_number(layer.z_bottom_um, 5) << " um, " << layer.k_end - layer.k_begin
        << " cells\n";
  std::size_t vtk_voxels = scenario.write_vtk ? voxels : 0;
  if (scenario.write_vtk && scenario.vtk_downsample > 1) {
    const output::Downsampler downsampler(grid, scenario.vtk_downsample);
    const Grid& coarse = downsampler.coarse();
    vtk_voxels = coarse.voxel_count();
    out << "VTK fields downsampled " << scenario.vtk_downsample << "x: " << coarse.nx << " x "
        << coarse.ny << " x " << coarse.nz << " cells\n";
  }
  out << "species " << species << ":";
  for (const auto& entry : scenario.species) out << " " << entry.key << " (" << entry.full_name << ")";
  out << "\n";
  print_schedule(scenario, out);
  print_output_plan(scenario, out);
  const MemoryFootprint footprint = scenario_footprint(scenario, problem, backend);
  print_footprint(footprint, backend, scenario.run.scheme, scenario.run.double_precision,
                  available, out);
  if (footprint.controller > 0)
    print_lean_footprint(scenario_footprint(scenario, problem, backend, true), out);
  bool lean = false;
  const MemoryFootprint used = fitting_footprint(scenario, problem, backend, available, &lean);
  print_output_sizes(estimate_output_sizes(scenario, problem, vtk_voxels), out);
  require_fits(used, backend, available);  // "does not fit": exit 2
  if (lean) out << "fits only with memory-saving step control, which the run then uses\n";

  fill_materials(problem.grid);
  validate_problem(problem);
  require_float_limits(scenario, problem);  // `check` calls nothing valid that float cannot hold
  out << "valid\n";
  for (const std::string& warning : resolution_warnings(scenario, grid))
    out << "warning: " << warning << "\n";
  const double dt_limit_s = explicit_dt_limit_s(problem);
  out << "explicit stability limit " << format_time(dt_limit_s) << "\n";
  require_countable_steps(scenario, dt_limit_s);
  const StepEstimate steps = estimate_steps(scenario, dt_limit_s);
  char count[160];
  std::snprintf(count, sizeof count, "%.3g steps of %s (%s)", steps.steps,
                format_time(steps.dt_s).c_str(), steps.how.c_str());
  out << "scheme " << to_string(scenario.run.scheme) << ": " << (steps.controller ? "at least " : "")
      << count;
  if (steps.controller)
    out << ", 3 step solves each; the accuracy controller (tolerance "
        << format_number(scenario.run.adaptive.relative_tolerance) << ") took 2 to 55 times that many in the "
        << "shipped scenarios (events and doses may shorten the steps)";
  out << "\n";
  // Measured on the CPU backend of a 2-core machine: about 1.2e7 voxel-updates/s for an ADI
  // step, 4e7 for an explicit one (bench/RESULTS.md).
  // Exact per-voxel reactions (binding, uptake) cut that about 4-fold (measured on the
  // dissolving-microneedle scenario: 2.6e6 voxel-steps/s).
  bool reacts = false;
  for (int s = 0; s < species; ++s) reacts |= problem.materials.species_reacts(s);
  const double rate = (scenario.run.scheme == Scheme::explicit_euler ? 4e7 : 1.2e7) / (reacts ? 4 : 1);
  const double estimate_s = steps.solves * double(voxels) * species / rate;
  const bool range = scenario.run.scheme != Scheme::explicit_euler && steps.controller;
  out << "estimated run time on 2 CPU cores: " << format_time(estimate_s);
  if (range) out << " to " << format_time(55 * estimate_s) << " (with the controller)";
  out << "\n";
  if ((range ? 55 : 1) * estimate_s > 86400)
    out << "warning: the run may take more than a day on this machine ("
        << format_time((range ? 55 : 1) * estimate_s)
        << "): a coarser grid, a larger run.dt or the GPU backend is faster\n";
}

}  // namespace

}  // namespace skinrd::run
