#include "host/compare/tables.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

#include "host/output/atomic_file.hpp"
#include "host/run/record_columns.hpp"

namespace skinrd::compare {
namespace {

namespace fs = std::filesystem;

// NaN is printed "nan" (printf may write "-nan"): a run gone wrong shows as one, never as 0.
std::string fixed(double value, int decimals) {
  if (std::isnan(value)) return "nan";
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}
std::string general(double value) {
  if (std::isnan(value)) return "nan";
  char text[64];
  std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}
std::string percent(double fraction) { return fixed(100 * fraction, 2); }
std::string hours(double seconds) { return fixed(seconds / 3600, 2); }

// One table as a header and rows of cells; rendered as aligned text or as Markdown.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  void print(std::ostream& out) const {
    std::vector<std::size_t> width(header.size());
    for (std::size_t c = 0; c < header.size(); ++c) {
      width[c] = header[c].size();
      for (const auto& row : rows) width[c] = std::max(width[c], row[c].size());
    }
    auto line = [&](const std::vector<std::string>& cells) {
      for (std::size_t c = 0; c < cells.size(); ++c)
        out << (c ? "  " : "") << (c ? std::right : std::left) << std::setw(width[c]) << cells[c];
      out << std::left << '\n';
    };
    line(header);
    for (const auto& row : rows) line(row);
  }
  void markdown(std::ostream& out) const {
    auto line = [&](const std::vector<std::string>& cells) {
      out << '|';
      for (const auto& cell : cells) out << ' ' << cell << " |";
      out << '\n';
    };
    line(header);
    out << '|';
    for (std::size_t c = 0; c < header.size(); ++c) out << (c ? " ---: |" : " --- |");
    out << '\n';
    for (const auto& row : rows) line(row);
  }
};

std::string species_heading(const SpeciesInfo& s, const Comparison& comparison) {
  return s.key + " (" + s.full_name + "): amounts in " + s.amount_unit + ", concentrations in " +
         s.concentration_unit + "; EC " + general(s.effective_concentration) + " " +
         s.concentration_unit + " in " + s.target_layer + "; window 0 to " +
         hours(comparison.window_s) + " h";
}

Table route_table(const Comparison& comparison, const SpeciesInfo& s) {
  Table table{{"run", "dose [" + s.amount_unit + "]", "peak in VE [% dose]", "at [h]",
               "peak in dermis [% dose]", "at [h]", "time >= EC in target [h]",
               "exposure in target [h]", "depth [um]", "degraded [%]", "cleared [%]",
               "internalised [%]", "removed [%]", "ledger residual"}};
  for (const auto& row : comparison.rows) {
    if (row.species != s.key) continue;
    const run::SpeciesSummary& m = row.summary;
    table.rows.push_back({row.run_label, general(m.dose), percent(m.peak_fraction_viable_epidermis),
                          hours(m.peak_fraction_viable_epidermis_time_s), percent(m.peak_fraction_dermis),
                          hours(m.peak_fraction_dermis_time_s), hours(m.time_above_ec_target_s),
                          hours(m.exposure_target_s), fixed(m.max_penetration_depth_um, 0),
                          percent(m.fraction_degraded), percent(m.fraction_cleared),
                          percent(m.fraction_internalised), percent(m.fraction_removed),
                          general(m.max_ledger_residual)});
  }
  return table;
}

Table layer_table(const Comparison& comparison, const SpeciesInfo& s) {
  Table table{{"run", "layer", "peak mean free conc [" + s.concentration_unit + "]", "at [h]",
               "AUC [" + s.concentration_unit + " h]"}};
  for (const auto& row : comparison.rows) {
    if (row.species != s.key) continue;
    for (const auto& layer : row.summary.layers)
      table.rows.push_back({row.run_label, layer.name, general(layer.peak_mean_concentration),
                            hours(layer.peak_time_s), general(layer.auc_conc_s / 3600)});
  }
  return table;
}


// Outside the tissue: the patient's plasma (treated area scaled) and what crossed the bottom.
Table body_table(const Comparison& comparison, const SpeciesInfo& s) {
  Table table{{"run", "plasma Cmax [" + s.concentration_unit + "]", "tmax [h]",
               "plasma AUC [" + s.concentration_unit + " h]", "lost bottom [%]",
               "in receptor [%]"}};
  for (const auto& row : comparison.rows) {
    if (row.species != s.key) continue;
    const run::SpeciesSummary& m = row.summary;
    table.rows.push_back({row.run_label, general(m.plasma_cmax), hours(m.plasma_tmax_s),
                          general(m.plasma_auc_conc_s / 3600), percent(m.fraction_lost_bottom),
                          percent(m.fraction_receptor)});
  }
  return table;
}

std::string csv_text(const Comparison& comparison) {
  std::ostringstream csv;
  csv << std::setprecision(12);
  csv << "run,run_dir,species,amount_unit,concentration_unit,window_h,dose,"
         "peak_fraction_viable_epidermis,peak_fraction_viable_epidermis_time_h,"
         "peak_fraction_dermis,peak_fraction_dermis_time_h,target_layer,effective_concentration,"
         "time_above_ec_target_h,exposure_target_h,max_penetration_depth_um,fraction_degraded,"
         "fraction_cleared,fraction_internalised,fraction_removed,fraction_lost_bottom,"
         "max_ledger_residual,plasma_cmax,plasma_tmax_h,plasma_auc_conc_h,fraction_receptor";
  for (const auto& layer : comparison.layer_names)
    csv << ',' << layer << "_peak_mean_conc," << layer << "_peak_time_h," << layer << "_auc_conc_h";
  csv << '\n';
  for (const auto& row : comparison.rows) {
    const SpeciesInfo* s = nullptr;
    for (const auto& info : comparison.species)
      if (info.key == row.species) s = &info;
    const run::SpeciesSummary& m = row.summary;
    const auto n = [](double value) { return run::CsvNumber{value}; };  // NaN as "nan"
    csv << row.run_label << ',' << row.run_dir << ',' << row.species << ',' << s->amount_unit << ','
        << s->concentration_unit << ',' << n(comparison.window_s / 3600) << ',' << n(m.dose) << ','
        << n(m.peak_fraction_viable_epidermis) << ',' << n(m.peak_fraction_viable_epidermis_time_s / 3600)
        << ',' << n(m.peak_fraction_dermis) << ',' << n(m.peak_fraction_dermis_time_s / 3600) << ','
        << s->target_layer << ',' << n(s->effective_concentration) << ','
        << n(m.time_above_ec_target_s / 3600) << ',' << n(m.exposure_target_s / 3600) << ','
        << n(m.max_penetration_depth_um) << ',' << n(m.fraction_degraded) << ',' << n(m.fraction_cleared)
        << ',' << n(m.fraction_internalised) << ',' << n(m.fraction_removed) << ','
        << n(m.fraction_lost_bottom) << ',' << n(m.max_ledger_residual) << ',' << n(m.plasma_cmax) << ','
        << n(m.plasma_tmax_s / 3600) << ',' << n(m.plasma_auc_conc_s / 3600) << ','
        << n(m.fraction_receptor);
    for (const auto& layer : m.layers)
      csv << ',' << n(layer.peak_mean_concentration) << ',' << n(layer.peak_time_s / 3600) << ','
          << n(layer.auc_conc_s / 3600);
    csv << '\n';
  }
  return csv.str();
}

std::string markdown_text(const Comparison& comparison) {
  std::ostringstream md;
  md << "# Comparison of delivery routes\n\n";
  for (std::size_t r = 0; r < comparison.labels.size(); ++r)
    md << "- **" << comparison.labels[r] << "**: `" << comparison.run_dirs[r] << "`\n";
  for (const auto& note : comparison.notes) md << "- Note: " << note << '\n';
  for (const auto& s : comparison.species) {
    md << "\n## " << species_heading(s, comparison) << "\n\n";
    route_table(comparison, s).markdown(md);
    md << '\n';
    layer_table(comparison, s).markdown(md);
    md << '\n';
    body_table(comparison, s).markdown(md);
  }
  md << "\nPeaks, AUC and exposure are taken at the runs' output times. VE: viable epidermis; "
        "dermis: papillary + reticular. Time >= EC: time with at least half of the target "
        "layer's volume at or above the effective concentration; exposure: the integral of that "
        "volume fraction over time.\n";
  return md.str();
}

std::string json_text(const Comparison& comparison) {
  nlohmann::ordered_json json;
  json["window_s"] = comparison.window_s;
  json["window_cut"] = comparison.window_cut;
  json["notes"] = comparison.notes;
  json["layers"] = comparison.layer_names;
  json["runs"] = nlohmann::ordered_json::array();
  for (std::size_t r = 0; r < comparison.labels.size(); ++r)
    json["runs"].push_back({{"label", comparison.labels[r]},
                            {"dir", fs::absolute(comparison.run_dirs[r]).lexically_normal().string()}});
  json["species"] = nlohmann::ordered_json::array();
  for (const auto& s : comparison.species)
    json["species"].push_back({{"key", s.key}, {"full_name", s.full_name},
                               {"amount_unit", s.amount_unit},
                               {"concentration_unit", s.concentration_unit},
                               {"target_layer", s.target_layer},
                               {"effective_concentration", s.effective_concentration}});
  json["rows"] = nlohmann::ordered_json::array();
  for (const auto& row : comparison.rows) {
    const run::SpeciesSummary& m = row.summary;
    nlohmann::ordered_json layers = nlohmann::ordered_json::object();
    for (const auto& layer : m.layers)
      layers[layer.name] = {{"peak_mean_concentration", layer.peak_mean_concentration},
                            {"peak_time_s", layer.peak_time_s},
                            {"auc_conc_s", layer.auc_conc_s}};
    json["rows"].push_back({{"run", row.run_label},
                            {"species", row.species},
                            {"dose", m.dose},
                            {"peak_fraction_viable_epidermis", m.peak_fraction_viable_epidermis},
                            {"peak_fraction_viable_epidermis_time_s", m.peak_fraction_viable_epidermis_time_s},
                            {"peak_fraction_dermis", m.peak_fraction_dermis},
                            {"peak_fraction_dermis_time_s", m.peak_fraction_dermis_time_s},
                            {"time_above_ec_target_s", m.time_above_ec_target_s},
                            {"exposure_target_s", m.exposure_target_s},
                            {"max_penetration_depth_um", m.max_penetration_depth_um},
                            {"fraction_degraded", m.fraction_degraded},
                            {"fraction_cleared", m.fraction_cleared},
                            {"fraction_internalised", m.fraction_internalised},
                            {"fraction_removed", m.fraction_removed},
                            {"fraction_lost_bottom", m.fraction_lost_bottom},
                            {"max_ledger_residual", m.max_ledger_residual},
                            {"plasma_cmax", m.plasma_cmax},
                            {"plasma_tmax_s", m.plasma_tmax_s},
                            {"plasma_auc_conc_s", m.plasma_auc_conc_s},
                            {"fraction_receptor", m.fraction_receptor},
                            {"layers", layers}});
  }
  return json.dump(2) + "\n";
}

}  // namespace

void print_tables(const Comparison& comparison, std::ostream& out) {
  for (const auto& note : comparison.notes) out << "note: " << note << '\n';
  for (const auto& s : comparison.species) {
    out << '\n' << species_heading(s, comparison) << "\n\n";
    route_table(comparison, s).print(out);
    out << '\n';
    layer_table(comparison, s).print(out);
    out << '\n';
    body_table(comparison, s).print(out);
  }
}

void write_tables(const Comparison& comparison, const std::string& out_dir) {
  const fs::path dir(out_dir);
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) throw IoError(out_dir, "cannot create the directory: " + error.message());
  output::write_atomically(dir / "compare.csv", csv_text(comparison));
  output::write_atomically(dir / "compare.md", markdown_text(comparison));
  output::write_atomically(dir / "compare.json", json_text(comparison));
}

}  // namespace skinrd::compare
