#pragma once
// The comparison of finished runs: checks that they can be compared, cuts them to their
// common time window and summarises each run and species with the same route metrics a
// run writes to its summary.json (run::summarise), recomputed from its metrics.csv.
#include <string>
#include <vector>

#include "host/compare/run_data.hpp"
#include "host/compare/settings_diff.hpp"
#include "host/error.hpp"
#include "host/run/metrics.hpp"

namespace skinrd::compare {

// Runs that cannot be compared row by row; the message says why.
class IncomparableRuns : public Error {
 public:
  using Error::Error;
};

struct ComparedRow {
  std::string run_label, run_dir, species;
  run::SpeciesSummary summary;  // over the common window
};

struct SpeciesInfo {
  std::string key, full_name, amount_unit, concentration_unit, target_layer;
  double effective_concentration = 0;
};

struct Comparison {
  double window_s = 0;                 // common time window [0, window_s]
  bool window_cut = false;             // some run was longer and was cut to the window
  std::vector<std::string> labels;     // one per run, unique
  std::vector<std::string> run_dirs;
  std::vector<std::string> descriptions;           // each run's scenario description
  std::vector<SettingDifference> differing_settings;
  std::vector<std::string> unresolved;             // differences the grid does not resolve
  std::vector<std::string> layer_names;
  std::vector<SpeciesInfo> species;    // compared: present in every run
  std::vector<ComparedRow> rows;       // species-major, then run order
  std::vector<std::string> notes;      // what a reader must know (window, left-out species)
};

// Throws IncomparableRuns when the tissue, the layers or a species' meaning differ.
Comparison compare_runs(const std::vector<RunData>& runs);

}  // namespace skinrd::compare
