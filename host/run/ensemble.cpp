#include "host/run/ensemble.hpp"

#include <algorithm>

#include "host/error.hpp"
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

bool same_grid(const Grid& a, const Grid& b) {
  return a.nx == b.nx && a.ny == b.ny && a.nz == b.nz && a.dx_um == b.dx_um &&
         a.dz_um == b.dz_um && a.material == b.material;
}

bool any_constant_film(const scenario::Scenario& s) {
  for (const auto& dose : s.topical)
    if (dose.constant) return true;
  return false;
}

}  // namespace

void check_members_compatible(const std::vector<scenario::Scenario>& members,
                              const std::vector<std::string>& names) {
  if (members.empty()) throw ConfigError("ensemble", "has no members");
  const scenario::Scenario& first = members.front();
  const Problem first_problem = build_problem(first);
  const bool constant_films = std::any_of(members.begin(), members.end(), any_constant_film);
  for (std::size_t m = 1; m < members.size(); ++m) {
    const scenario::Scenario& s = members[m];
    if (!same_run(s.run, first.run))
      refuse(names, m, "[run] (duration, output times, scheme, dt, tolerance or precision)");
    std::vector<std::string> keys, first_keys;
    for (const auto& e : s.species) keys.push_back(e.key);
    for (const auto& e : first.species) first_keys.push_back(e.key);
    if (keys != first_keys) refuse(names, m, "[species] use");
    const Problem problem = build_problem(s);
    if (!same_grid(problem.grid, first_problem.grid) ||
        problem.boundaries.periodic_lateral != first_problem.boundaries.periodic_lateral ||
        problem.boundaries.bottom != first_problem.boundaries.bottom)
      refuse(names, m, "the grid ([tissue], or the film's thickness)");
    if (s.patches.size() != first.patches.size()) refuse(names, m, "the number of [[microneedle]] entries");
    for (std::size_t p = 0; p < s.patches.size(); ++p) {
      const auto &a = s.patches[p], &b = first.patches[p];
      scenario::MicroneedlePatch same_closure = a;  // closure only sets the member's coefficients
      same_closure.closure_s = b.closure_s;
      if (!scenario::same_needles(same_closure, b))
        refuse(names, m, "microneedle[" + std::to_string(p) + "] (kind, needle geometry, at or wear)");
    }
    if (constant_films) {
      bool same = s.topical.size() == first.topical.size();
      for (std::size_t d = 0; same && d < s.topical.size(); ++d)
        same = s.topical[d].at_s == first.topical[d].at_s &&
               s.topical[d].wipe_off_s == first.topical[d].wipe_off_s &&
               s.topical[d].constant == first.topical[d].constant;
      if (!same)
        refuse(names, m, "the timing of the [[topical]] films, with a constant-concentration film,");
    }
  }
}

Problem build_ensemble_problem(const std::vector<scenario::Scenario>& members,
                               const std::vector<std::string>& names) {
  Problem problem = build_problem(members.front());
  const MaterialTable& first = problem.materials;
  std::vector<std::string> materials, channels;
  for (int a = 0; a < first.material_count(); ++a) materials.push_back(first.material_name(a));
  for (std::size_t m = 0; m < members.size(); ++m)
    for (const auto& species : members[m].species) channels.push_back(species.key + "@" + names[m]);
  MaterialTable table(materials, channels);
  int channel = 0;
  for (const scenario::Scenario& member : members) {
    const MaterialTable own = build_materials(member);
    for (int s = 0; s < own.species_count(); ++s, ++channel)
      for (int a = 0; a < own.material_count(); ++a) table.at(a, channel) = own.at(a, s);
  }
  problem.materials = std::move(table);
  problem.boundaries.top_concentration.assign(channels.size(), 0.0);
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
  if (backend != BackendKind::cuda) return options;
  options.species_per_batch = problem.materials.species_count();
  while (options.species_per_batch > 1 && available_bytes > 0 &&
         ensemble_footprint(members, problem, backend, options).total() > available_bytes)
    options.species_per_batch = (options.species_per_batch + 1) / 2;
  return options;
}

}  // namespace skinrd::run
