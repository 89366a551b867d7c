#pragma once
// The columns of what a run writes, each named once with its unit and how it is read off a
// record: metrics.csv from OutputRecords, summary.json and ensemble.csv from SpeciesSummaries.
// A column is added here and every writer has it.
#include <functional>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "host/grid.hpp"
#include "host/run/metrics.hpp"

namespace skinrd::run {

using Cell = std::variant<double, std::string>;

// A number as skinrd's CSV files write it: NaN as "nan" whatever its sign bit (iostreams print
// "-nan" for some), so a run gone wrong reads the same in every file and table.
struct CsvNumber {
  double value;
};
std::ostream& operator<<(std::ostream& out, CsvNumber number);

// One species' record at one output time, with what its units depend on.
struct MetricsRow {
  const OutputRecord& record;
  bool particles;
};

struct MetricsColumn {
  std::string name;
  std::string unit;  // "amount": the row's amount_unit (ng or particles)
  std::function<Cell(const MetricsRow&)> value;
};

// metrics.csv's columns for a grid's layers (the film's too, where there is one).
std::vector<MetricsColumn> metrics_columns(const std::vector<LayerRange>& layers);
void write_csv_header(std::ostream& out, const std::vector<MetricsColumn>& columns);
void write_csv_row(std::ostream& out, const std::vector<MetricsColumn>& columns,
                   const MetricsRow& row);

// One species' route metrics (DESIGN §5), with what its units depend on.
struct SummaryRow {
  const SpeciesSummary& summary;
  const std::string& full_name;
  double effective_concentration;
  bool particles;
};

struct SummaryField {
  std::string name;
  // summary.json's key is the name with this unit appended ("dose_ng"); ensemble.csv gives
  // the unit in its amount_unit column.
  enum class UnitInKey { none, amount, concentration } unit_in_key = UnitInKey::none;
  bool in_json = true, in_csv = true;
  std::function<nlohmann::ordered_json(const SummaryRow&)> value;
};

const std::vector<SummaryField>& summary_fields();
// One species' object of summary.json.
nlohmann::ordered_json summary_json(const SummaryRow& row);
// ensemble.csv's columns of a species (after its member column).
void write_summary_csv_header(std::ostream& out);
void write_summary_csv_row(std::ostream& out, const SummaryRow& row);

}  // namespace skinrd::run
