#include "host/run/ensemble.hpp"

#include <algorithm>

#include "host/error.hpp"
#include "host/executor/executor.hpp"
#include "host/run/memory_budget.hpp"
#include "host/run/problem_builder.hpp"

namespace skinrd::run {
namespace {

[[noreturn]] void refuse(const std::vector<std::string>& names, std::size_t m,
                         const std::string& what) {
  throw ConfigError("ensemble member \"" + names[m] + "\"",
                    what + " differs from member \"" + names[0] +
                        "\"'s; members may differ in coefficients, doses and the timing of "
                        "injections and finite films, not in this");
}

bool same_run(const scenario::RunSettings& a, const scenario::RunSettings& b) {
  return a.duration_s == b.duration_s && a.output_times_s == b.output_times_s &&
         a.scheme == b.scheme && a.dt_s == b.dt_s && a.double_precision == b.double_precision &&
         a.adaptive.relative_tolerance == b.adaptive.relative_tolerance &&
         a.adaptive.dt_min_s == b.adaptive.dt_min_s && a.adaptive.dt_max_s == b.adaptive.dt_max_s &&
         a.adaptive.dt_initial_s == b.adaptive.dt_initial_s;
}

// Shapes (no voxels): the layers' cell ranges and materials say what the material ids would.
bool same_grid(const Grid& a, const Grid& b) {
  auto same_layer = [](const LayerRange& x, const LayerRange& y) {
    return x.k_begin == y.k_begin && x.k_end == y.k_end && x.material == y.material;
  };
  return a.nx == b.nx && a.ny == b.ny && a.nz == b.nz && a.dx_um == b.dx_um &&
         a.dz_um == b.dz_um &&
         std::equal(a.layers.begin(), a.layers.end(), b.layers.begin(), b.layers.end(), same_layer);
}

bool fixes_top(const scenario::Scenario& s) {
  for (const auto& kind : s.deliveries)
    if (kind->fixes_top()) return true;
  return false;
}

}  // namespace

void check_members_compatible(const std::vector<scenario::Scenario>& members,
                              const std::vector<std::string>& names) {
  if (members.empty()) throw ConfigError("ensemble", "has no members");
  const scenario::Scenario& first = members.front();
  const Problem first_problem = build_problem_shape(first);
  const bool any_fixed_top = std::any_of(members.begin(), members.end(), fixes_top);
  for (std::size_t m = 1; m < members.size(); ++m) {
    const scenario::Scenario& s = members[m];
    if (!same_run(s.run, first.run))
      refuse(names, m, "[run] (duration, output times, scheme, dt, tolerance or precision)");
    std::vector<std::string> keys, first_keys;
    for (const auto& e : s.species) keys.push_back(e.key);
    for (const auto& e : first.species) first_keys.push_back(e.key);
    if (keys != first_keys) refuse(names, m, "[species] use");
    const Problem problem = build_problem_shape(s);
    if (!same_grid(problem.grid, first_problem.grid) ||
        problem.boundaries.periodic_lateral != first_problem.boundaries.periodic_lateral ||
        problem.boundaries.bottom != first_problem.boundaries.bottom)
      refuse(names, m, "the grid ([tissue], or the film's thickness)");
    for (std::size_t k = 0; k < s.deliveries.size(); ++k) {
      const std::string conflict = s.deliveries[k].ensemble_conflict(first.deliveries[k], any_fixed_top);
      if (!conflict.empty()) refuse(names, m, conflict);
    }
  }
}

Problem build_ensemble_problem(const std::vector<scenario::Scenario>& members,
                               const std::vector<std::string>& names) {
  Problem problem = build_problem_shape(members.front());
  const MaterialTable& first = problem.materials;
  std::vector<std::string> materials, lanes;
  for (int a = 0; a < first.material_count(); ++a) materials.push_back(first.material_name(a));
  for (std::size_t m = 0; m < members.size(); ++m)
    for (const auto& species : members[m].species) lanes.push_back(species.key + "@" + names[m]);
  MaterialTable table(materials, lanes);
  int lane = 0;
  for (const scenario::Scenario& member : members) {
    const MaterialTable own = build_materials(member);
    for (int s = 0; s < own.species_count(); ++s, ++lane)
      for (int a = 0; a < own.material_count(); ++a) table.at(a, lane) = own.at(a, s);
  }
  problem.materials = std::move(table);
  problem.boundaries.top_concentration.assign(lanes.size(), 0.0);
  return problem;
}

MemoryFootprint ensemble_footprint(const std::vector<scenario::Scenario>& members,
                                   const Problem& problem, BackendKind backend,
                                   const SimulationOptions& simulation) {
  FootprintOptions options;
  for (const scenario::Scenario& member : members) {
    const FootprintOptions own = footprint_options(member);
    options.sources_per_species.insert(options.sources_per_species.end(),
                                       own.sources_per_species.begin(),
                                       own.sources_per_species.end());
    options.step_controller = own.step_controller;
  }
  const scenario::RunSettings& run = members.front().run;
  return run.double_precision
             ? Simulation<double>::memory_footprint(problem, backend, run.scheme, options, simulation)
             : Simulation<float>::memory_footprint(problem, backend, run.scheme, options, simulation);
}

SimulationOptions ensemble_batching(const std::vector<scenario::Scenario>& members,
                                    const Problem& problem, BackendKind backend,
                                    std::size_t available_bytes) {
  SimulationOptions options;
  if (!executor_for(backend).batches_lanes()) return options;
  options.species_per_batch = problem.materials.species_count();
  while (options.species_per_batch > 1 && available_bytes > 0 &&
         ensemble_footprint(members, problem, backend, options).total() > available_bytes)
    options.species_per_batch = (options.species_per_batch + 1) / 2;
  return options;
}

}  // namespace skinrd::run
