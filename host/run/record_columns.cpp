#include "host/run/record_columns.hpp"

#include <cmath>
#include <iomanip>
#include <ostream>
#include <tuple>

namespace skinrd::run {
namespace {

const char* amount_unit(bool particles) { return particles ? "particles" : "ng"; }
const char* concentration_unit(bool particles) { return particles ? "particles/mL" : "ng/mL"; }

void write_cell(std::ostream& out, const Cell& cell) {
  if (const double* number = std::get_if<double>(&cell)) out << CsvNumber{*number};
  else out << std::get<std::string>(cell);
}

}  // namespace

std::ostream& operator<<(std::ostream& out, CsvNumber number) {
  if (std::isnan(number.value)) return out << "nan";
  return out << number.value;
}

std::vector<MetricsColumn> metrics_columns(const std::vector<LayerRange>& layers) {
  using Row = const MetricsRow&;
  auto amount = [](double internal) { return internal * kAmountPerInternal; };
  std::vector<MetricsColumn> columns = {
      {"time_s", "s", [](Row r) -> Cell { return r.record.time_s; }},
      {"time_h", "h", [](Row r) -> Cell { return r.record.time_s / 3600; }},
      {"species", "", [](Row r) -> Cell { return r.record.ledger.species; }},
      {"amount_unit", "", [](Row r) -> Cell { return std::string(amount_unit(r.particles)); }},
  };
  // The ledger's compartments (host/ledger.hpp), cumulative amounts.
  const std::pair<const char*, double (*)(const SpeciesLedger&)> ledger[] = {
      {"dosed", [](const SpeciesLedger& g) { return g.dosed; }},
      {"entered_top", [](const SpeciesLedger& g) { return g.entered_top; }},
      {"added_by_source", [](const SpeciesLedger& g) { return g.added_by_source; }},
      {"degraded", [](const SpeciesLedger& g) { return g.degraded; }},
      {"cleared", [](const SpeciesLedger& g) { return g.cleared; }},
      {"lost_bottom", [](const SpeciesLedger& g) { return g.lost_bottom; }},
      {"removed", [](const SpeciesLedger& g) { return g.removed; }},
      {"in_device", [](const SpeciesLedger& g) { return g.in_device; }},
      {"internalised_total", [](const SpeciesLedger& g) { return g.internalised; }},
      {"stored", [](const SpeciesLedger& g) { return g.stored(); }},
  };
  // Init-captures: clang before 16 cannot capture structured bindings (the fuzz build uses clang).
  for (const auto& [name, get] : ledger)
    columns.push_back({name, "amount", [get = get, amount](Row r) -> Cell { return amount(get(r.record.ledger)); }});
  // Per layer: amounts, mean free concentration, fraction at or above the effective one.
  const std::tuple<const char*, const char*, double LayerRecord::*, bool> per_layer[] = {
      {"_free", "amount", &LayerRecord::free, true},
      {"_bound", "amount", &LayerRecord::bound, true},
      {"_internalised", "amount", &LayerRecord::internalised, true},
      {"_mean_conc", "concentration", &LayerRecord::mean_free_concentration, false},
      {"_frac_ge_ec", "1", &LayerRecord::fraction_at_or_above_ec, false},
  };
  for (std::size_t l = 0; l < layers.size(); ++l)
    for (const auto& [suffix, unit, field, is_amount] : per_layer)
      columns.push_back({layers[l].name + suffix, unit, [l, field = field, is_amount = is_amount, amount](Row r) -> Cell {
                           const double value = r.record.layers[l].*field;
                           return is_amount ? amount(value) : value;
                         }});
  for (std::size_t l = 0; l + 1 < layers.size(); ++l)
    columns.push_back({layers[l].name + "_to_" + layers[l + 1].name + "_flux_per_s", "amount/s",
                       [l, amount](Row r) -> Cell { return amount(r.record.interface_flux_per_s[l]); }});
  columns.push_back({"penetration_depth_um", "um", [](Row r) -> Cell { return r.record.penetration_depth_um; }});
  columns.push_back({"ledger_residual", "1", [](Row r) -> Cell { return r.record.ledger_residual; }});
  columns.push_back({"bleb_fluid_uL", "uL", [](Row r) -> Cell { return r.record.bleb_fluid_uL; }});
  // Outside the tissue (host/body/): the patient's systemic compartment (scaled by the treated
  // area) and the receptor under the simulated area; concentrations per mL in amount_unit.
  const std::tuple<const char*, const char*, double body::BodyRecord::*, bool> outside[] = {
      {"plasma_conc_per_mL", "concentration", &body::BodyRecord::plasma_concentration, false},
      {"systemic_amount", "amount", &body::BodyRecord::systemic_amount, true},
      {"eliminated", "amount", &body::BodyRecord::eliminated, true},
      {"plasma_cmax_per_mL", "concentration", &body::BodyRecord::plasma_peak_concentration, false},
      {"plasma_tmax_s", "s", &body::BodyRecord::plasma_peak_time_s, false},
      {"plasma_auc_per_mL_s", "concentration*s", &body::BodyRecord::plasma_auc_conc_s, false},
      {"receptor_amount", "amount", &body::BodyRecord::receptor_amount, true},
      {"receptor_conc_per_mL", "concentration", &body::BodyRecord::receptor_concentration, false},
      {"collected", "amount", &body::BodyRecord::collected, true},
      {"body_residual", "1", &body::BodyRecord::residual, false},
  };
  for (const auto& [name, unit, field, is_amount] : outside)
    columns.push_back({name, unit, [field = field, is_amount = is_amount, amount](Row r) -> Cell {
                         const double value = r.record.body.*field;
                         return is_amount ? amount(value) : value;
                       }});
  return columns;
}

void write_csv_header(std::ostream& out, const std::vector<MetricsColumn>& columns) {
  for (std::size_t c = 0; c < columns.size(); ++c) out << (c ? "," : "") << columns[c].name;
  out << '\n';
}

void write_csv_row(std::ostream& out, const std::vector<MetricsColumn>& columns, const MetricsRow& row) {
  out << std::setprecision(10);
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (c) out << ',';
    write_cell(out, columns[c].value(row));
  }
  out << '\n';
}

const std::vector<SummaryField>& summary_fields() {
  using Row = const SummaryRow&;
  using Json = nlohmann::ordered_json;
  using Unit = SummaryField::UnitInKey;
  // A field of the summary itself, as it is.
  auto of = [](auto SpeciesSummary::*field) {
    return [field](Row r) -> Json { return r.summary.*field; };
  };
  static const std::vector<SummaryField> fields = {
      {"species", Unit::none, true, true, of(&SpeciesSummary::species)},
      {"amount_unit", Unit::none, false, true, [](Row r) -> Json { return amount_unit(r.particles); }},
      {"full_name", Unit::none, true, false, [](Row r) -> Json { return r.full_name; }},
      {"dose", Unit::amount, true, true, [](Row r) -> Json { return r.summary.dose * kAmountPerInternal; }},
      {"dose_applied", Unit::amount, true, true,
       [](Row r) -> Json { return r.summary.dose_applied * kAmountPerInternal; }},
      {"fraction_delivered", Unit::none, true, true, of(&SpeciesSummary::fraction_delivered)},
      {"effective_concentration", Unit::concentration, true, false,
       [](Row r) -> Json { return r.effective_concentration; }},
      {"peak_fraction_viable_epidermis", Unit::none, true, true,
       of(&SpeciesSummary::peak_fraction_viable_epidermis)},
      {"peak_fraction_viable_epidermis_time_s", Unit::none, true, false,
       of(&SpeciesSummary::peak_fraction_viable_epidermis_time_s)},
      {"peak_fraction_dermis", Unit::none, true, true, of(&SpeciesSummary::peak_fraction_dermis)},
      {"peak_fraction_dermis_time_s", Unit::none, true, false, of(&SpeciesSummary::peak_fraction_dermis_time_s)},
      {"layers", Unit::none, true, false,
       [](Row r) -> Json {
         const std::string unit = concentration_unit(r.particles);
         Json layers = Json::object();
         for (const auto& layer : r.summary.layers)
           layers[layer.name] = {{"peak_mean_concentration_" + unit, layer.peak_mean_concentration},
                                 {"peak_time_s", layer.peak_time_s},
                                 {"auc_" + unit + "_s", layer.auc_conc_s}};
         return layers;
       }},
      {"target_layer", Unit::none, true, true, of(&SpeciesSummary::target_layer)},
      {"exposure_target_s", Unit::none, true, true, of(&SpeciesSummary::exposure_target_s)},
      {"time_above_ec_target_s", Unit::none, true, true, of(&SpeciesSummary::time_above_ec_target_s)},
      {"max_penetration_depth_um", Unit::none, true, true, of(&SpeciesSummary::max_penetration_depth_um)},
      {"fraction_degraded", Unit::none, true, true, of(&SpeciesSummary::fraction_degraded)},
      {"fraction_cleared", Unit::none, true, true, of(&SpeciesSummary::fraction_cleared)},
      {"fraction_internalised", Unit::none, true, true, of(&SpeciesSummary::fraction_internalised)},
      {"fraction_removed", Unit::none, true, true, of(&SpeciesSummary::fraction_removed)},
      {"fraction_lost_bottom", Unit::none, true, true, of(&SpeciesSummary::fraction_lost_bottom)},
      {"fraction_left_in_device", Unit::none, true, true, of(&SpeciesSummary::fraction_left_in_device)},
      {"max_ledger_residual", Unit::none, true, true, of(&SpeciesSummary::max_ledger_residual)},
      {"plasma_cmax", Unit::concentration, true, true, of(&SpeciesSummary::plasma_cmax)},
      {"plasma_tmax_s", Unit::none, true, true, of(&SpeciesSummary::plasma_tmax_s)},
      {"plasma_auc_conc_s", Unit::concentration, true, true, of(&SpeciesSummary::plasma_auc_conc_s)},
      {"fraction_receptor", Unit::none, true, true, of(&SpeciesSummary::fraction_receptor)},
  };
  return fields;
}

nlohmann::ordered_json summary_json(const SummaryRow& row) {
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  for (const SummaryField& field : summary_fields()) {
    if (!field.in_json) continue;
    std::string key = field.name;
    if (field.unit_in_key == SummaryField::UnitInKey::amount) key += std::string("_") + amount_unit(row.particles);
    if (field.unit_in_key == SummaryField::UnitInKey::concentration)
      key += std::string("_") + concentration_unit(row.particles);
    object[key] = field.value(row);
  }
  return object;
}

void write_summary_csv_header(std::ostream& out) {
  bool first = true;
  for (const SummaryField& field : summary_fields())
    if (field.in_csv) out << (first ? "" : ",") << field.name, first = false;
}

void write_summary_csv_row(std::ostream& out, const SummaryRow& row) {
  bool first = true;
  out << std::setprecision(10);
  for (const SummaryField& field : summary_fields()) {
    if (!field.in_csv) continue;
    out << (first ? "" : ",");
    first = false;
    const nlohmann::ordered_json value = field.value(row);
    if (value.is_string()) out << value.get<std::string>();
    else if (value.is_null()) out << "nan";  // json holds no NaN: a null is one
    else out << CsvNumber{value.get<double>()};
  }
}

}  // namespace skinrd::run
