#pragma once
// An ensemble file: members of one scenario that differ by overrides of its keys
// (coefficients, doses, schedules), run together on one grid by `skinrd run --ensemble`.
#include <string>
#include <vector>

#include "host/scenario/scenario.hpp"

namespace skinrd::scenario {

struct EnsembleMember {
  std::string name;                    // its output folder: letters, digits, '-', '_', '.'
  std::vector<std::string> overrides;  // key.path=value, after the command line's --set
};

// The most members an ensemble may have (its members times its sweep's combinations): each is
// a scenario read and a run directory written.
constexpr double kMaxMembers = 1e5;

struct EnsembleSpec {
  std::string path, name;
  std::string scenario_path;  // the base scenario, resolved against the ensemble file's folder
  bool write_vtk = false;     // each member's fields; off by default (N members × fields)
  std::vector<EnsembleMember> members;
};

// Reads an ensemble file:
//   scenario = "../intradermal_exosome.toml"   (optional when one is given on the command line)
//   vtk = false
//   [[member]]  name = "...", set = { "intradermal.0.volume" = "0.02 uL", ... }
//   [sweep]     "species.exosome.papillary_dermis.diffusion" = ["0.5 um^2/s", "2 um^2/s"]
// Members are every [[member]] (or the base scenario alone) combined with every combination
// of the sweep's values (first key slowest). ConfigError names the key and its line.
EnsembleSpec load_ensemble(const std::string& path, const std::string& scenario_given);

// Each member's scenario: the base with `overrides` (the command line's) and then the member's.
// A ConfigError of a member names it.
std::vector<Scenario> load_members(const EnsembleSpec& spec,
                                   const std::vector<std::string>& overrides,
                                   const Library& library);

}  // namespace skinrd::scenario
