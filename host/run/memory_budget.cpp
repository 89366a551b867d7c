#include "host/run/memory_budget.hpp"

#include <cstdio>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>

#include "host/error.hpp"
#include "host/executor/executor.hpp"
#include "host/run/problem_builder.hpp"
#include "host/run/size_estimates.hpp"
#include "kernels/launchers.hpp"

namespace skinrd::run {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

std::string per_voxel(const MemoryFootprint& f, std::size_t bytes,
                      const char* format = "%6.2f B/voxel") {
  char text[32];
  std::snprintf(text, sizeof text, format, f.per_voxel(bytes));
  return text;
}

}  // namespace

FootprintOptions footprint_options(const scenario::Scenario& scenario) {
  FootprintOptions options;
  options.sources_per_species.assign(scenario.species.size(), 0);
  for (const auto& kind : scenario.deliveries) kind->count_sources(options.sources_per_species);
  options.step_controller = scenario.run.dt_s <= 0;
  return options;
}

MemoryFootprint scenario_footprint(const scenario::Scenario& scenario, const Problem& problem,
                                   BackendKind backend, bool lean_controller) {
  FootprintOptions options = footprint_options(scenario);
  options.lean_step_controller = lean_controller;
  return scenario.run.double_precision
             ? Simulation<double>::memory_footprint(problem, backend, scenario.run.scheme, options)
             : Simulation<float>::memory_footprint(problem, backend, scenario.run.scheme, options);
}

std::size_t available_memory_bytes(BackendKind backend) {
  return executor_for(backend).available_memory_bytes();
}

void require_fits(const MemoryFootprint& footprint, BackendKind backend,
                  std::size_t available_bytes) {
  if (available_bytes == 0 || footprint.total() <= available_bytes) return;
  char message[512];
  std::snprintf(message, sizeof message,
                "does not fit: the run needs %.2f GiB of %s but only %.2f GiB is available; use a coarser "
                "grid (doubling tissue.dx divides the voxels by 4; coarser layer dz divides "
                "them further)%s",
                footprint.total() / kGiB,
                executor_for(backend).memory_name(),
                available_bytes / kGiB,
                footprint.controller > 0 ? ", or a fixed run.dt (the step controller, even keeping "
                                           "one species at a time, needs copies of its fields)"
                                         : "");
  throw ConfigError("tissue.dx", message);
}

MemoryFootprint fitting_footprint(const scenario::Scenario& scenario, const Problem& problem,
                                  BackendKind backend, std::size_t available_bytes,
                                  bool* lean_controller) {
  MemoryFootprint full = scenario_footprint(scenario, problem, backend);
  *lean_controller = available_bytes > 0 && full.controller > 0 && full.total() > available_bytes;
  return *lean_controller ? scenario_footprint(scenario, problem, backend, true) : full;
}

Problem build_fitting_problem(const scenario::Scenario& scenario, BackendKind backend,
                              bool* lean_controller) {
  Problem problem = build_problem_shape(scenario);
  const std::size_t available = available_memory_bytes(backend);
  require_fits(fitting_footprint(scenario, problem, backend, available, lean_controller), backend,
               available);
  fill_materials(problem.grid);
  return problem;
}

void print_footprint(const MemoryFootprint& f, BackendKind backend, Scheme scheme,
                     bool double_precision, std::size_t available_bytes, std::ostream& out) {
  out << "memory on the " << to_string(backend) << " backend (" << to_string(scheme) << ", "
      << (double_precision ? "double" : "float") << " fields): "
      << format_bytes(static_cast<double>(f.total())) << ", "
      << per_voxel(f, f.total(), "%.2f bytes/voxel");
  if (available_bytes > 0)
    out << "; " << format_bytes(static_cast<double>(available_bytes)) << " available"
        << (f.total() > available_bytes ? " -- does NOT fit" : "");
  out << "\n  stored fields   " << per_voxel(f, f.stored()) << "  ";
  for (std::size_t s = 0; s < f.species.size(); ++s) {
    const SpeciesFootprint& sp = f.species[s];
    out << (s ? "; " : "") << sp.name << ": free " << f.per_voxel(sp.free);
    if (sp.bound) out << ", bound " << f.per_voxel(sp.bound);
    if (sp.internalised) out << ", internalised " << f.per_voxel(sp.internalised);
  }
  out << "\n  scratch         " << per_voxel(f, f.scratch()) << "  reused by each batch of species stepped together (a run: one species; an ensemble on CUDA: many): next free field "
      << f.per_voxel(f.next);
  if (f.work + f.sweep_scratch > 0)
    out << ", work " << f.per_voxel(f.work) << ", line sweeps " << f.per_voxel(f.sweep_scratch);
  out << "\n  sources         " << per_voxel(f, f.sources()) << "  "
      << (f.sources() ? "per-voxel source arrays (and their sum where a species has several)"
                      : "none");
  out << "\n  step controller " << per_voxel(f, f.controller) << "  "
      << (f.controller ? "the step's start (stored fields) and the full step's free fields, of "
                         "every species (of one species at a time with memory-saving step control)"
                       : "none (fixed dt)");
  out << "\n  materials       " << per_voxel(f, f.materials + f.tallies + f.channels)
      << "  material ids"
      << (executor_for(backend).transposes_x_sweeps() && scheme != Scheme::explicit_euler
              ? " (and a transposed copy)"
              : "")
      << ", coefficients, dz, ledger tallies"
      << (f.channels ? ", the kernels' lane descriptors" : "") << "\n";
  if (f.sweep_local > 0)
    out << "  line sweeps' thread-local scratch " << format_bytes(static_cast<double>(f.sweep_local))
        << " in all, not per voxel: reserved by the driver for every thread the GPU holds "
           "(132 multiprocessors assumed)\n";
  if (scheme == Scheme::adi)
    out << "  (the ADI scheme aims at 4 B/voxel per stored float field plus at most 8 B/voxel "
           "of scratch shared by all species; scratch here "
        << f.per_voxel(f.scratch()) << " B/voxel)\n";
}

void print_lean_footprint(const MemoryFootprint& lean, std::ostream& out) {
  out << "  with memory-saving step control (one species' copies at a time, 5/3 of the step "
         "solves; a run that does not fit otherwise uses it): "
      << format_bytes(static_cast<double>(lean.total())) << ", step controller "
      << per_voxel(lean, lean.controller, "%.2f B/voxel") << "\n";
}

}  // namespace skinrd::run
