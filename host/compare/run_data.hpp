#pragma once
// A finished run as `skinrd compare` reads it back: its summary.json (species, units,
// effective concentrations, target layer, the resolved tissue) and its metrics.csv (the
// records every compared value is computed from).
#include <map>
#include <string>
#include <vector>

#include "host/run/metrics.hpp"

namespace skinrd::compare {

struct RunSpecies {
  std::string key, full_name, amount_unit, concentration_unit, target_layer;
  double effective_concentration = 0;          // in concentration_unit
  std::vector<run::OutputRecord> records;      // from metrics.csv, amounts in amount_unit
};

struct RunData {
  std::string dir, scenario_name, description;  // description: scenario.toml's, may be empty
  // Every setting of the run's resolved scenario.toml as a dotted key ("microneedle.0.length")
  // and its text ("600 um"); name and description left out.
  std::map<std::string, std::string> settings;
  double dx_um = 0;                            // lateral cell size
  std::vector<double> cell_depth_um, cell_dz_um;  // tissue cell layers: centre below the surface, dz
  std::vector<std::string> layer_names;        // skin layers top to bottom (no film)
  std::map<std::string, std::string> tissue;   // resolved tissue: "tissue.bottom" → "sink", ...
  std::vector<RunSpecies> species;
  std::vector<std::string> notes;              // how it was read (no run.json: assumed complete)
  double end_time_s() const;                   // last output time
  const RunSpecies* find(const std::string& key) const;
};

// Throws IoError naming the file (and line for metrics.csv) when something is missing or
// malformed, and when run.json's status is not "completed" (a run in progress, killed, failed or
// interrupted) unless allow_incomplete. A run without run.json (written before skinrd kept
// one) is read with a note.
RunData load_run(const std::string& dir, bool allow_incomplete = false);

}  // namespace skinrd::compare
