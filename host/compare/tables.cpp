#include "host/compare/tables.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "host/compare/glossary.hpp"
#include "host/compare/headline.hpp"
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

// A column of a per-run table: its header, its value in a row, how it is shown, and the value
// that says whether it has anything to show (an "at" column: its peak's).
struct Column {
  std::string header;
  std::function<double(const ComparedRow&)> value;
  std::function<std::string(double)> format;
  std::function<double(const ComparedRow&)> presence = nullptr;
};

std::vector<const ComparedRow*> rows_of(const Comparison& comparison, const std::string& species) {
  std::vector<const ComparedRow*> rows;
  for (const auto& row : comparison.rows)
    if (row.species == species) rows.push_back(&row);
  return rows;
}

// The table of `rows` with the columns that are not 0 in every row; the others are named in
// `zero` (a column of zeros says nothing a sentence cannot).
Table per_run_table(const std::vector<const ComparedRow*>& rows, const std::vector<Column>& columns,
                    std::vector<std::string>& zero) {
  Table table{{"run"}, {}};
  std::vector<const Column*> shown;
  for (const auto& column : columns) {
    const auto& presence = column.presence ? column.presence : column.value;
    const bool all_zero = std::all_of(rows.begin(), rows.end(), [&](const ComparedRow* r) { return presence(*r) == 0; });
    if (all_zero) {
      if (!column.presence) zero.push_back(glossary_term(column.header));
      continue;
    }
    shown.push_back(&column);
    table.header.push_back(column.header);
  }
  for (const ComparedRow* row : rows) {
    std::vector<std::string> cells{row->run_label};
    for (const Column* column : shown) cells.push_back(column->format(column->value(*row)));
    table.rows.push_back(std::move(cells));
  }
  return table;
}

using Summary = run::SpeciesSummary;
auto field(double Summary::*member) {
  return [member](const ComparedRow& r) { return r.summary.*member; };
}
const auto as_percent = [](double v) { return percent(v); };
const auto as_hours = [](double s) { return hours(s); };
const auto as_general = [](double v) { return general(v); };

Column peak_time(double Summary::*time, double Summary::*peak) {
  return {"at [h]", field(time), as_hours, field(peak)};
}

Table route_table(const Comparison& comparison, const SpeciesInfo& s, std::vector<std::string>& zero) {
  auto amount = [](const ComparedRow& r) { return r.summary.dose_applied; };
  const std::vector<Column> columns = {
      {"applied [" + s.amount_unit + "]", amount, as_general},
      {"delivered [% applied]", field(&Summary::fraction_delivered), as_percent},
      {"peak in VE [% applied]", field(&Summary::peak_fraction_viable_epidermis), as_percent},
      peak_time(&Summary::peak_fraction_viable_epidermis_time_s, &Summary::peak_fraction_viable_epidermis),
      {"peak in dermis [% applied]", field(&Summary::peak_fraction_dermis), as_percent},
      peak_time(&Summary::peak_fraction_dermis_time_s, &Summary::peak_fraction_dermis),
      {"time >= EC in target [h]", field(&Summary::time_above_ec_target_s), as_hours},
      {"exposure in target [h]", field(&Summary::exposure_target_s), as_hours},
      {"depth [um]", field(&Summary::max_penetration_depth_um),
       [](double um) { return um == 0 ? std::string("not reached") : fixed(um, 0); }},
      {"degraded [%]", field(&Summary::fraction_degraded), as_percent},
      {"cleared [%]", field(&Summary::fraction_cleared), as_percent},
      {"internalised [%]", field(&Summary::fraction_internalised), as_percent},
      {"left in device [%]", field(&Summary::fraction_left_in_device), as_percent},
      {"lost bottom [%]", field(&Summary::fraction_lost_bottom), as_percent},
      {"ledger residual", field(&Summary::max_ledger_residual), as_general},
  };
  return per_run_table(rows_of(comparison, s.key), columns, zero);
}

// Outside the tissue: the patient's plasma (treated area scaled) and a receptor.
Table body_table(const Comparison& comparison, const SpeciesInfo& s, std::vector<std::string>& zero) {
  const std::vector<Column> columns = {
      {"plasma Cmax [" + s.concentration_unit + "]", field(&Summary::plasma_cmax), as_general},
      {"tmax [h]", field(&Summary::plasma_tmax_s), as_hours, field(&Summary::plasma_cmax)},
      {"plasma AUC [" + s.concentration_unit + " h]",
       [](const ComparedRow& r) { return r.summary.plasma_auc_conc_s / 3600; }, as_general},
      {"in receptor [%]", field(&Summary::fraction_receptor), as_percent},
  };
  return per_run_table(rows_of(comparison, s.key), columns, zero);
}

Table headline_table(const Comparison& comparison, const SpeciesInfo& s, const Headline& h,
                     std::vector<std::string>& zero) {
  std::vector<const ComparedRow*> ranked;
  for (std::size_t i : h.ranked) ranked.push_back(&comparison.rows[i]);
  auto target = [&s](const ComparedRow& r, double run::SpeciesSummary::Layer::*member) {
    const auto* layer = target_layer_of(r, s.target_layer);
    return layer ? layer->*member : 0.0;
  };
  const std::vector<Column> columns = {
      {"applied [" + s.amount_unit + "]",
       [](const ComparedRow& r) { return r.summary.dose_applied; }, as_general},
      {"delivered [% applied]", field(&Summary::fraction_delivered), as_percent},
      {"exposure in target [h]", field(&Summary::exposure_target_s), as_hours},
      {"time >= EC in target [h]", field(&Summary::time_above_ec_target_s), as_hours},
      {"peak in target [" + s.concentration_unit + "]",
       [target](const ComparedRow& r) { return target(r, &run::SpeciesSummary::Layer::peak_mean_concentration); },
       as_general},
      {"at [h]", [target](const ComparedRow& r) { return target(r, &run::SpeciesSummary::Layer::peak_time_s); },
       as_hours,
       [target](const ComparedRow& r) { return target(r, &run::SpeciesSummary::Layer::peak_mean_concentration); }},
      {"systemic Cmax [" + s.concentration_unit + "]", field(&Summary::plasma_cmax), as_general},
  };
  Table table = per_run_table(ranked, columns, zero);
  table.header.insert(table.header.begin(), "rank");
  for (std::size_t n = 0; n < table.rows.size(); ++n)
    table.rows[n].insert(table.rows[n].begin(), std::to_string(n + 1));
  return table;
}

// The layers worth a row: the target layer and any whose peak (in some run) is at least 1 %
// of the highest layer peak; the others are named in `left_out` (all are in compare.csv).
Table layer_table(const Comparison& comparison, const SpeciesInfo& s, std::vector<std::string>& left_out) {
  const auto rows = rows_of(comparison, s.key);
  double highest = 0;
  for (const ComparedRow* row : rows)
    for (const auto& layer : row->summary.layers) highest = std::max(highest, layer.peak_mean_concentration);
  std::vector<std::string> kept;
  for (const auto& name : comparison.layer_names) {
    double peak = 0;
    for (const ComparedRow* row : rows)
      for (const auto& layer : row->summary.layers)
        if (layer.name == name) peak = std::max(peak, layer.peak_mean_concentration);
    if (name == s.target_layer || (highest > 0 && peak >= 0.01 * highest)) kept.push_back(name);
    else left_out.push_back(name);
  }
  Table table{{"run", "layer", "peak mean free conc [" + s.concentration_unit + "]", "at [h]",
               "AUC [" + s.concentration_unit + " h]"}};
  for (const auto& name : kept)
    for (const ComparedRow* row : rows)
      for (const auto& layer : row->summary.layers)
        if (layer.name == name)
          table.rows.push_back({row->run_label, layer.name, general(layer.peak_mean_concentration),
                                hours(layer.peak_time_s), general(layer.auc_conc_s / 3600)});
  return table;
}

// The runs whose value of d is set (not "(not set)").
std::vector<bool> set_in(const SettingDifference& d) {
  std::vector<bool> set;
  for (const auto& value : d.values) set.push_back(value != "(not set)");
  return set;
}

// The differing settings, with the delivery entries that only one run has (routes compared
// with each other) summarised as one row per kind: "[[topical]]: 2 entries (VEGF, exosome)";
// their settings are in that run's scenario.toml.
Table settings_table(const Comparison& comparison) {
  Table table{{"key"}, {}};
  for (const auto& label : comparison.labels) table.header.push_back(label);
  const std::size_t runs = comparison.labels.size();
  // kind -> per run: its entries' species ("kind.N.species"), for entries set in one run only.
  std::map<std::string, std::vector<std::vector<std::string>>> only_one_run;
  std::map<std::string, std::vector<bool>> entry_runs;  // "kind.N" -> where any key of it is set
  for (const auto& d : comparison.differing_settings) {
    const auto first = d.key.find('.'), second = d.key.find('.', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string entry = d.key.substr(0, second);
    auto& where = entry_runs[entry];
    where.resize(runs, false);
    const auto set = set_in(d);
    for (std::size_t r = 0; r < runs; ++r) where[r] = where[r] || set[r];
  }
  auto single_run = [&](const std::string& entry) {
    const auto found = entry_runs.find(entry);
    return found != entry_runs.end() && runs > 1 &&
           std::count(found->second.begin(), found->second.end(), true) == 1;
  };
  for (const auto& d : comparison.differing_settings) {
    const auto first = d.key.find('.'), second = d.key.find('.', first + 1);
    const std::string entry = second == std::string::npos ? "" : d.key.substr(0, second);
    if (!entry.empty() && single_run(entry)) {
      auto& per_run = only_one_run[d.key.substr(0, first)];
      per_run.resize(runs);
      if (d.key.substr(second + 1) == "species")
        for (std::size_t r = 0; r < runs; ++r)
          if (set_in(d)[r]) per_run[r].push_back(d.values[r]);
      continue;
    }
    std::vector<std::string> cells{d.key};
    cells.insert(cells.end(), d.values.begin(), d.values.end());
    table.rows.push_back(std::move(cells));
  }
  std::size_t summary_row = 0;
  for (const auto& [kind, per_run] : only_one_run) {
    std::vector<std::string> cells{"[[" + kind + "]] entries"};
    for (const auto& species : per_run) {
      std::string listed;
      for (const auto& name : species) listed += (listed.empty() ? "" : ", ") + name;
      cells.push_back(species.empty() ? "none"
                                      : std::to_string(species.size()) + (species.size() == 1 ? " entry (" : " entries (") +
                                            listed + ")");
    }
    table.rows.insert(table.rows.begin() + summary_row++, std::move(cells));
  }
  return table;
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

// Everything the reader sees, in order: built once, printed as text, Markdown and JSON.
struct TitledTable {
  std::string title;
  Table table;
};
struct SpeciesSection {
  std::string species, heading, sentence;
  Table headline;
  std::vector<TitledTable> tables;
  std::vector<std::string> notes;
};
struct Report {
  std::vector<SpeciesSection> species;
  Table settings;
  std::vector<std::string> warnings;
};

Report build_report(const Comparison& comparison) {
  Report report;
  report.settings = settings_table(comparison);
  report.warnings = comparison.unresolved;
  if (comparison.labels.size() > 1 && comparison.differing_settings.empty())
    report.warnings.push_back("the runs' scenario.toml settings are all the same (name and description aside)");
  for (const auto& s : comparison.species) {
    SpeciesSection section{s.key, species_heading(s, comparison), "", {}, {}, {}};
    const Headline h = headline(comparison, s);
    section.sentence = h.sentence;
    std::vector<std::string> zero_headline, zero_route, zero_body, layers_left_out;
    section.headline = headline_table(comparison, s, h, zero_headline);
    section.tables.push_back({"Routes", route_table(comparison, s, zero_route)});
    section.tables.push_back({"Layers", layer_table(comparison, s, layers_left_out)});
    Table body = body_table(comparison, s, zero_body);
    const bool systemic = body.header.size() > 1;
    if (systemic) section.tables.push_back({"Outside the tissue", std::move(body)});
    for (const auto& term : zero_headline) zero_route.push_back(term);
    std::vector<std::string> zero;
    for (const auto& term : zero_route)
      if (std::find(zero.begin(), zero.end(), term) == zero.end()) zero.push_back(term);
    if (!zero.empty())
      report.warnings.push_back(s.key + ": " + joined(zero) + (zero.size() > 1 ? " are" : " is") +
                                " 0 in every run: left out of the tables");
    if (!systemic)
      section.notes.push_back("no systemic compartment or receptor in these runs (plasma and receptor "
                              "values are 0): their table is left out");
    else if (!zero_body.empty())
      section.notes.push_back(joined(zero_body) + " 0 in every run: left out");
    if (!layers_left_out.empty())
      section.notes.push_back("layers left out (peak below 1 % of the highest layer's): " +
                              joined(layers_left_out) + "; every layer is in compare.csv");
    report.species.push_back(std::move(section));
  }
  return report;
}

nlohmann::ordered_json table_json(const Table& table) {
  return {{"header", table.header}, {"rows", table.rows}};
}

std::string csv_text(const Comparison& comparison) {
  std::ostringstream csv;
  csv << std::setprecision(12);
  csv << "run,run_dir,species,amount_unit,concentration_unit,window_h,dose,dose_applied,"
         "fraction_delivered,fraction_left_in_device,"
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
        << n(m.dose_applied) << ',' << n(m.fraction_delivered) << ','
        << n(m.fraction_left_in_device) << ','
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

std::string markdown_text(const Comparison& comparison, const Report& report) {
  std::ostringstream md;
  md << "# Comparison of delivery routes\n\n## Headline\n";
  for (const auto& section : report.species) {
    md << "\n" << section.sentence << "\n\n";
    section.headline.markdown(md);
  }
  md << "\n## Runs\n\n";
  for (std::size_t r = 0; r < comparison.labels.size(); ++r)
    md << "- **" << comparison.labels[r] << "**"
       << (r < comparison.descriptions.size() && !comparison.descriptions[r].empty()
               ? ": " + comparison.descriptions[r] : "") << " (`"
       << comparison.run_dirs[r] << "`)\n";
  md << "\n## Settings that differ\n\n";
  if (report.settings.rows.empty()) md << "None.\n";
  else report.settings.markdown(md);
  if (!report.warnings.empty()) md << "\n## Warnings\n\n";
  for (const auto& warning : report.warnings) md << "- " << warning << '\n';
  if (!comparison.notes.empty()) md << '\n';
  for (const auto& note : comparison.notes) md << "- Note: " << note << '\n';
  for (const auto& section : report.species) {
    md << "\n## " << section.heading << "\n";
    for (const auto& [title, table] : section.tables) {
      md << "\n### " << title << "\n\n";
      table.markdown(md);
    }
    for (const auto& note : section.notes) md << "\n- " << note << '\n';
  }
  md << "\n## Glossary\n\n";
  for (const auto& entry : glossary()) md << "- **" << entry.term << "**: " << entry.definition << '\n';
  md << "\nPeaks, AUC and exposure are taken at the runs' output times; shares are of the applied dose. "
        "VE: viable epidermis; dermis: papillary + reticular; target: the scenario's target layer.\n";
  return md.str();
}

nlohmann::ordered_json report_json(const Comparison& comparison, const Report& report) {
  nlohmann::ordered_json json;
  json["headline"] = nlohmann::ordered_json::array();
  json["sections"] = nlohmann::ordered_json::array();
  for (const auto& section : report.species) {
    json["headline"].push_back({{"species", section.species}, {"sentence", section.sentence},
                                {"table", table_json(section.headline)}});
    nlohmann::ordered_json tables = nlohmann::ordered_json::array();
    for (const auto& [title, table] : section.tables)
      tables.push_back({{"title", title}, {"header", table.header}, {"rows", table.rows}});
    json["sections"].push_back({{"species", section.species}, {"heading", section.heading},
                                {"tables", tables}, {"notes", section.notes}});
  }
  json["runs"] = nlohmann::ordered_json::array();
  for (std::size_t r = 0; r < comparison.labels.size(); ++r)
    json["runs"].push_back({{"label", comparison.labels[r]},
                            {"description", r < comparison.descriptions.size() ? comparison.descriptions[r] : ""}});
  json["settings"] = table_json(report.settings);
  json["warnings"] = report.warnings;
  json["glossary"] = nlohmann::ordered_json::array();
  for (const auto& entry : glossary())
    json["glossary"].push_back({{"term", entry.term}, {"definition", entry.definition}});
  return json;
}

std::string json_text(const Comparison& comparison, const Report& report) {
  nlohmann::ordered_json json;
  json["report"] = report_json(comparison, report);
  json["window_s"] = comparison.window_s;
  json["window_cut"] = comparison.window_cut;
  json["notes"] = comparison.notes;
  json["layers"] = comparison.layer_names;
  json["runs"] = nlohmann::ordered_json::array();
  for (std::size_t r = 0; r < comparison.labels.size(); ++r)
    json["runs"].push_back({{"label", comparison.labels[r]},
                            {"description", r < comparison.descriptions.size() ? comparison.descriptions[r] : ""},
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
                            {"dose_applied", m.dose_applied},
                            {"fraction_delivered", m.fraction_delivered},
                            {"fraction_left_in_device", m.fraction_left_in_device},
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
  const Report report = build_report(comparison);
  for (const auto& section : report.species) {
    out << section.sentence << "\n\n";
    section.headline.print(out);
    out << '\n';
  }
  if (!report.settings.rows.empty()) {
    out << "settings that differ:\n";
    report.settings.print(out);
    out << '\n';
  }
  for (const auto& warning : report.warnings) out << "warning: " << warning << '\n';
  for (const auto& note : comparison.notes) out << "note: " << note << '\n';
  for (const auto& section : report.species) {
    out << '\n' << section.heading << '\n';
    for (const auto& [title, table] : section.tables) {
      out << '\n';
      table.print(out);
    }
    for (const auto& note : section.notes) out << "note: " << note << '\n';
  }
  out << "\nColumns are defined in compare.md's glossary.\n";
}

void write_tables(const Comparison& comparison, const std::string& out_dir) {
  const fs::path dir(out_dir);
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) throw IoError(out_dir, "cannot create the directory: " + error.message());
  output::write_atomically(dir / "compare.csv", csv_text(comparison));
  const Report report = build_report(comparison);
  output::write_atomically(dir / "compare.md", markdown_text(comparison, report));
  output::write_atomically(dir / "compare.json", json_text(comparison, report));
}

}  // namespace skinrd::compare
