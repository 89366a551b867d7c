#include "host/compare/run_data.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "host/error.hpp"
#include "host/output/run_directory.hpp"
#include "host/scenario/toml_reader.hpp"

namespace skinrd::compare {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream stream(line);
  std::string cell;
  while (std::getline(stream, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

// The columns of one metrics.csv, looked up by name so added columns do not break reading.
class MetricsTable {
 public:
  MetricsTable(const fs::path& path) : path_(path.string()) {
    std::ifstream in(path);
    if (!in) throw IoError(path_, "cannot open (is this a finished skinrd run?)");
    std::string line;
    if (!std::getline(in, line)) throw IoError(path_, "empty file");
    header_ = split_csv_line(line);
    for (std::size_t c = 0; c < header_.size(); ++c) column_[header_[c]] = c;
    while (std::getline(in, line))
      if (!line.empty()) rows_.push_back(split_csv_line(line));
  }
  const std::vector<std::string>& header() const { return header_; }
  bool has(const std::string& name) const { return column_.count(name) > 0; }
  std::size_t row_count() const { return rows_.size(); }
  const std::string& text(std::size_t row, const std::string& name) const {
    const auto found = column_.find(name);
    if (found == column_.end()) throw IoError(path_, "no column '" + name + "'");
    const auto& cells = rows_[row];
    if (found->second >= cells.size())
      throw IoError(path_, "line " + std::to_string(row + 2) + ": too few values");
    return cells[found->second];
  }
  double number(std::size_t row, const std::string& name) const {
    const std::string& cell = text(row, name);
    try {
      std::size_t used = 0;
      const double value = std::stod(cell, &used);
      if (used == cell.size()) return value;
    } catch (const std::exception&) {
    }
    throw IoError(path_, "line " + std::to_string(row + 2) + ", column " + name +
                             ": not a number: '" + cell + "'");
  }

 private:
  std::string path_;
  std::vector<std::string> header_;
  std::map<std::string, std::size_t> column_;
  std::vector<std::vector<std::string>> rows_;
};

// The skin layers of a run. A topical run also reports its film ("vehicle"), which other
// routes lack: its content counts as on the skin (stored, in no skin layer).
std::vector<std::string> layer_names_of(const std::vector<std::string>& header) {
  const std::string suffix = "_mean_conc";
  std::vector<std::string> names;
  for (const auto& column : header)
    if (column.size() > suffix.size() && column.ends_with(suffix) && column != "vehicle" + suffix)
      names.push_back(column.substr(0, column.size() - suffix.size()));
  return names;
}

run::OutputRecord record_of(const MetricsTable& table, std::size_t row,
                            const std::vector<std::string>& layers) {
  run::OutputRecord r;
  r.time_s = table.number(row, "time_s");
  SpeciesLedger& g = r.ledger;
  g.species = table.text(row, "species");
  g.layer_names = layers;
  g.dosed = table.number(row, "dosed");
  g.entered_top = table.number(row, "entered_top");
  g.added_by_source = table.number(row, "added_by_source");
  g.degraded = table.number(row, "degraded");
  g.cleared = table.number(row, "cleared");
  g.lost_bottom = table.number(row, "lost_bottom");
  g.removed = table.number(row, "removed");
  if (table.has("in_device")) g.in_device = table.number(row, "in_device");  // older runs: none
  g.internalised = table.number(row, "internalised_total");
  for (const auto& name : layers) {
    run::LayerRecord layer;
    layer.name = name;
    layer.free = table.number(row, name + "_free");
    layer.bound = table.number(row, name + "_bound");
    layer.internalised = table.number(row, name + "_internalised");
    layer.mean_free_concentration = table.number(row, name + "_mean_conc");
    layer.fraction_at_or_above_ec = table.number(row, name + "_frac_ge_ec");
    g.free_by_layer.push_back(layer.free);
    g.bound_by_layer.push_back(layer.bound);
    g.internalised_by_layer.push_back(layer.internalised);
    r.layers.push_back(layer);
  }
  r.penetration_depth_um = table.number(row, "penetration_depth_um");
  r.ledger_residual = table.number(row, "ledger_residual");
  // Outside the tissue (runs before the body was modelled lack these columns: zeros).
  const std::pair<const char*, double body::BodyRecord::*> outside[] = {
      {"plasma_conc_per_mL", &body::BodyRecord::plasma_concentration},
      {"systemic_amount", &body::BodyRecord::systemic_amount},
      {"eliminated", &body::BodyRecord::eliminated},
      {"plasma_cmax_per_mL", &body::BodyRecord::plasma_peak_concentration},
      {"plasma_tmax_s", &body::BodyRecord::plasma_peak_time_s},
      {"plasma_auc_per_mL_s", &body::BodyRecord::plasma_auc_conc_s},
      {"receptor_amount", &body::BodyRecord::receptor_amount},
      {"receptor_conc_per_mL", &body::BodyRecord::receptor_concentration},
      {"collected", &body::BodyRecord::collected},
      {"body_residual", &body::BodyRecord::residual}};
  for (const auto& [name, field] : outside)
    if (table.has(name)) r.body.*field = table.number(row, name);
  return r;
}

// A TOML tree as dotted keys: tables by name, arrays of tables by index, values as written
// (strings without quotes).
void flatten(const toml::node& node, const std::string& key, std::map<std::string, std::string>& out) {
  if (const toml::table* table = node.as_table()) {
    for (const auto& [name, child] : *table)
      flatten(child, key.empty() ? std::string(name.str()) : key + "." + std::string(name.str()), out);
  } else if (const toml::array* array = node.as_array(); array && array->is_array_of_tables()) {
    for (std::size_t i = 0; i < array->size(); ++i) flatten(*array->get(i), key + "." + std::to_string(i), out);
  } else if (const auto* text = node.as_string()) {
    out[key] = text->get();
  } else {
    std::ostringstream shown;
    node.visit([&](const auto& value) { shown << value; });
    out[key] = shown.str();
  }
}

// The run's settings from its resolved scenario.toml (runs before it was written: none).
void read_settings(const fs::path& root, RunData& run) {
  const fs::path path = root / "scenario.toml";
  if (!fs::exists(path)) return;
  const toml::table table = scenario::parse_toml_file(path.string(), {});
  flatten(table, "", run.settings);
  if (const auto found = run.settings.find("description"); found != run.settings.end())
    run.description = found->second;
  run.settings.erase("name");
  run.settings.erase("description");
}

// The tissue's cell layers from profiles.csv's first output time (a run without it: none).
void read_cells(const fs::path& root, RunData& run) {
  std::ifstream in(root / "profiles.csv");
  std::string line;
  if (!in || !std::getline(in, line)) return;
  const std::vector<std::string> header = split_csv_line(line);
  auto column = [&](const char* name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const std::size_t time = column("time_s"), depth = column("depth_um"), dz = column("dz_um"),
                    species = column("species");
  if (std::max({time, depth, dz, species}) >= header.size()) return;
  std::string first_time, first_species;
  while (std::getline(in, line)) {
    const std::vector<std::string> cells = split_csv_line(line);
    if (cells.size() < header.size()) break;
    if (first_time.empty()) first_time = cells[time], first_species = cells[species];
    if (cells[time] != first_time || cells[species] != first_species) break;
    const double centre = std::stod(cells[depth]);
    if (centre <= 0) continue;  // the film above the skin
    run.cell_depth_um.push_back(centre);
    run.cell_dz_um.push_back(std::stod(cells[dz]));
  }
}

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw IoError(path.string(), "cannot open (is this a finished skinrd run?)");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& error) {
    throw IoError(path.string(), std::string("not valid JSON: ") + error.what());
  }
}

}  // namespace

double RunData::end_time_s() const {
  double end = 0;
  for (const auto& s : species)
    if (!s.records.empty()) end = std::max(end, s.records.back().time_s);
  return end;
}

const RunSpecies* RunData::find(const std::string& key) const {
  for (const auto& s : species)
    if (s.key == key) return &s;
  return nullptr;
}

RunData load_run(const std::string& dir, bool allow_incomplete) {
  const fs::path root(dir);
  if (!fs::is_directory(root)) throw IoError(dir, "not a directory");
  RunData run;
  run.dir = dir;
  const std::string status = output::run_status(dir);
  if (status.empty())
    run.notes.push_back(dir + " has no run.json (written before skinrd recorded a run's status): "
                              "read as a completed run");
  else if (status != "completed") {
    const std::string why = "the run is not complete (run.json: " + status +
                            (status == "running" ? ", still in progress or killed" : "") + ")";
    if (!allow_incomplete)
      throw IoError(dir, why + "; its files may be partial or mixed with an earlier run's "
                               "(--allow-incomplete compares it anyway)");
    run.notes.push_back(dir + ": " + why + ", compared as asked (--allow-incomplete)");
  }
  const nlohmann::json summary = read_json(root / "summary.json");
  const std::string summary_path = (root / "summary.json").string();
  try {
    run.scenario_name = summary.at("scenario").get<std::string>();
    if (!summary.contains("tissue"))
      throw IoError(summary_path, "no resolved tissue: the run is older than skinrd compare; run it again");
    const auto& tissue = summary.at("tissue");
    auto text = [](const nlohmann::json& value) {
      return value.is_string() ? value.get<std::string>() : value.dump();
    };
    run.dx_um = tissue.at("dx_um").get<double>();
    for (const char* key : {"site", "lateral_boundary", "bottom", "lateral_size_um", "dx_um"})
      run.tissue[std::string("tissue.") + key] = text(tissue.at(key));
    for (const auto& layer : tissue.at("layers")) {
      const std::string prefix = "tissue.layers." + layer.at("material").get<std::string>();
      run.tissue[prefix + ".thickness_um"] = text(layer.at("thickness_um"));
      run.tissue[prefix + ".dz_um"] = text(layer.at("dz_um"));
    }
    for (const auto& entry : summary.at("species")) {
      RunSpecies s;
      s.key = entry.at("species").get<std::string>();
      s.full_name = entry.value("full_name", s.key);
      s.target_layer = entry.at("target_layer").get<std::string>();
      for (const auto& [name, value] : entry.items()) {
        if (name.starts_with("dose_") && !name.starts_with("dose_applied_")) s.amount_unit = name.substr(5);
        if (name.starts_with("effective_concentration_")) {
          s.concentration_unit = name.substr(24);
          s.effective_concentration = value.get<double>();
        }
      }
      run.species.push_back(std::move(s));
    }
  } catch (const nlohmann::json::exception& error) {
    throw IoError(summary_path, std::string("unexpected content: ") + error.what());
  }


  read_settings(root, run);
  read_cells(root, run);
  const MetricsTable metrics(root / "metrics.csv");
  run.layer_names = layer_names_of(metrics.header());
  for (std::size_t row = 0; row < metrics.row_count(); ++row) {
    const std::string key = metrics.text(row, "species");
    auto found = std::find_if(run.species.begin(), run.species.end(),
                              [&](const RunSpecies& s) { return s.key == key; });
    if (found == run.species.end())
      throw IoError((root / "metrics.csv").string(),
                    "line " + std::to_string(row + 2) + ": species '" + key + "' is not in summary.json");
    found->records.push_back(record_of(metrics, row, run.layer_names));
  }
  for (const auto& s : run.species)
    if (s.records.empty()) throw IoError((root / "metrics.csv").string(), "no rows for species '" + s.key + "'");
  return run;
}

}  // namespace skinrd::compare
