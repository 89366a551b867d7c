#include "host/compare/comparison.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>

namespace skinrd::compare {
namespace {

// Keys of [tissue] that only set the resolution or the simulated patch; runs that differ
// in them still describe the same skin.
bool resolution_key(const std::string& key) {
  return key == "tissue.dx_um" || key == "tissue.lateral_size_um" || key.ends_with(".dz_um");
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

std::string format_hours(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g h", seconds / 3600);
  return text;
}

// "runs/low/" → "low" (a trailing slash leaves filename() empty).
std::string directory_name(const std::string& dir) {
  std::filesystem::path path = std::filesystem::path(dir).lexically_normal();
  if (path.filename().empty()) path = path.parent_path();
  const std::string name = path.filename().string();
  return name.empty() ? dir : name;
}

std::vector<std::string> unique_labels(const std::vector<RunData>& runs) {
  std::vector<std::string> labels;
  for (const auto& run : runs) labels.push_back(run.scenario_name);
  for (std::size_t a = 0; a < runs.size(); ++a)
    for (std::size_t b = 0; b < runs.size(); ++b)
      if (a != b && runs[a].scenario_name == runs[b].scenario_name)
        labels[a] = directory_name(runs[a].dir);
  // Same directory name too: number them until every label is unique.
  std::vector<std::string> unique;
  for (const auto& base : labels) {
    std::string label = base;
    for (int n = 2; std::find(unique.begin(), unique.end(), label) != unique.end(); ++n)
      label = base + " (" + std::to_string(n) + ")";
    unique.push_back(label);
  }
  return unique;
}

void check_tissue(const std::vector<RunData>& runs, const std::vector<std::string>& labels,
                  std::vector<std::string>& notes) {
  const RunData& first = runs.front();
  for (std::size_t r = 1; r < runs.size(); ++r) {
    if (runs[r].layer_names != first.layer_names)
      throw IncomparableRuns("the runs have different skin layers: " + labels[0] + " has [" +
                             join(first.layer_names) + "], " + labels[r] + " has [" +
                             join(runs[r].layer_names) + "]; per-layer values would not line up");
    std::set<std::string> keys;
    for (const auto& [key, value] : first.tissue) keys.insert(key);
    for (const auto& [key, value] : runs[r].tissue) keys.insert(key);
    for (const auto& key : keys) {
      auto value_in = [&](const RunData& run) {
        const auto found = run.tissue.find(key);
        return found == run.tissue.end() ? std::string("(default)") : found->second;
      };
      const std::string a = value_in(first), b = value_in(runs[r]);
      if (a == b) continue;
      if (resolution_key(key)) {
        notes.push_back("resolution differs: " + key + " = " + a + " in " + labels[0] + ", " + b +
                        " in " + labels[r]);
        continue;
      }
      throw IncomparableRuns("the runs simulate different tissue: " + key + " = " + a + " in " +
                             labels[0] + " but " + b + " in " + labels[r] +
                             "; compare routes on the same skin");
    }
  }
}

std::vector<SpeciesInfo> common_species(const std::vector<RunData>& runs,
                                        const std::vector<std::string>& labels,
                                        std::vector<std::string>& notes) {
  std::vector<SpeciesInfo> common;
  for (const RunSpecies& s : runs.front().species) {
    bool everywhere = true;
    for (std::size_t r = 1; r < runs.size(); ++r) {
      const RunSpecies* other = runs[r].find(s.key);
      if (!other) {
        everywhere = false;
        continue;
      }
      auto refuse = [&](const std::string& what, const std::string& a, const std::string& b) {
        throw IncomparableRuns("species " + s.key + ": " + what + " is " + a + " in " + labels[0] +
                               " but " + b + " in " + labels[r] + "; its rows would not mean the same");
      };
      if (other->amount_unit != s.amount_unit) refuse("the amount unit", s.amount_unit, other->amount_unit);
      if (other->target_layer != s.target_layer)
        refuse("the target layer (where time above EC is measured)", s.target_layer, other->target_layer);
      const double a = s.effective_concentration, b = other->effective_concentration;
      if (std::abs(a - b) > 1e-9 * std::max(std::abs(a), std::abs(b)))
        refuse("the effective concentration", std::to_string(a) + " " + s.concentration_unit,
               std::to_string(b) + " " + other->concentration_unit);
    }
    if (everywhere)
      common.push_back({s.key, s.full_name, s.amount_unit, s.concentration_unit, s.target_layer,
                        s.effective_concentration});
  }
  std::set<std::string> compared;
  for (const auto& s : common) compared.insert(s.key);
  for (std::size_t r = 0; r < runs.size(); ++r)
    for (const RunSpecies& s : runs[r].species)
      if (!compared.count(s.key))
        notes.push_back("species " + s.key + " of " + labels[r] + " is not in every run: left out");
  if (common.empty()) throw IncomparableRuns("the runs share no species: nothing to compare");
  return common;
}

bool same_time(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(a)); }

double last_shared_output_s(const std::vector<RunData>& runs, const std::vector<SpeciesInfo>& species) {
  double shared = 0;
  for (const auto& r : runs.front().find(species.front().key)->records) {
    bool everywhere = true;
    for (const auto& run : runs) {
      const auto& records = run.find(species.front().key)->records;
      everywhere &= std::any_of(records.begin(), records.end(),
                                [&](const run::OutputRecord& o) { return same_time(o.time_s, r.time_s); });
    }
    if (everywhere) shared = std::max(shared, r.time_s);
  }
  return shared;
}

std::vector<run::OutputRecord> within(const std::vector<run::OutputRecord>& records, double window_s) {
  std::vector<run::OutputRecord> cut;
  for (const auto& r : records)
    if (r.time_s <= window_s * (1 + 1e-12)) cut.push_back(r);
  return cut;
}

}  // namespace

Comparison compare_runs(const std::vector<RunData>& runs) {
  if (runs.size() < 2) throw IncomparableRuns("give at least two run directories to compare");
  Comparison result;
  result.labels = unique_labels(runs);
  for (const auto& run : runs) result.run_dirs.push_back(run.dir);
  for (const auto& run : runs) result.descriptions.push_back(run.description);
  result.differing_settings = differing_settings(runs);
  result.unresolved = unresolved_differences(runs, result.labels, result.differing_settings);
  result.layer_names = runs.front().layer_names;
  for (const auto& run : runs) result.notes.insert(result.notes.end(), run.notes.begin(), run.notes.end());
  check_tissue(runs, result.labels, result.notes);
  result.species = common_species(runs, result.labels, result.notes);

  // The window ends at the last output time every run has, so no run is summarised over
  // less time than the table says.
  result.window_s = last_shared_output_s(runs, result.species);
  if (!(result.window_s > 0))
    throw IncomparableRuns("the runs share no output time after 0 (their output intervals differ): "
                           "give them a common output_interval");
  for (std::size_t r = 0; r < runs.size(); ++r)
    if (runs[r].end_time_s() > result.window_s * (1 + 1e-12)) {
      result.window_cut = true;
      result.notes.push_back(result.labels[r] + " ran " + format_hours(runs[r].end_time_s()) +
                             "; compared over the common window 0 to " +
                             format_hours(result.window_s) + " (the last output time all runs share)");
    }
  for (const auto& species : result.species)
    for (std::size_t r = 0; r < runs.size(); ++r) {
      const RunSpecies& s = *runs[r].find(species.key);
      ComparedRow row{result.labels[r], runs[r].dir, species.key,
                      run::summarise(within(s.records, result.window_s), species.target_layer,
                                     species.amount_unit, species.concentration_unit)};
      result.rows.push_back(std::move(row));
    }
  return result;
}

}  // namespace skinrd::compare
