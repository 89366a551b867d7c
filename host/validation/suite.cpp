#include "host/validation/suite.hpp"

#include <chrono>
#include <cmath>

namespace skinrd::validation {

std::vector<ValidationRow> run_suite(const CaseOptions& options, Precision precision,
                                     const std::vector<CaseId>& cases,
                                     const std::function<void(const ValidationRow&)>& on_row) {
  std::vector<ValidationRow> rows;
  for (CaseId id : cases) {
    const CaseInfo& info = case_info(id);
    std::vector<double> previous;
    for (int level = 0; level < 3; ++level) {
      const auto start = std::chrono::steady_clock::now();
      const CaseRun run = precision == Precision::double_ ? run_case<double>(id, options, level)
                                                          : run_case<float>(id, options, level);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      for (std::size_t q = 0; q < run.errors.size(); ++q) {
        ValidationRow row;
        row.case_name = info.name;
        row.quantity = run.errors[q].quantity;
        row.level = level;
        row.resolution = run.resolution;
        row.resolution_unit = info.resolution_unit;
        row.error = run.errors[q].error;
        // Float rounding hides convergence at fine grids: orders are judged in double.
        const bool in_double = precision == Precision::double_;
        const bool implicit_core = !is_time_case(id) && options.scheme != Scheme::explicit_euler;
        row.min_order = in_double && !implicit_core ? info.min_order : 0;
        row.seconds = seconds;
        // Coarser levels only feed the observed order; they are reported, not judged.
        const bool judged = level >= info.default_level;
        if (judged && run.errors[q].judged) {
          row.tolerance = in_double ? info.tolerance : info.float_tolerance;
          if (implicit_core) row.tolerance = options.scheme == Scheme::adi ? 10 * row.tolerance : 2e-2;
          row.pass = std::isfinite(row.error) && row.error <= row.tolerance;
        }
        if (level > 0 && previous[q] > 0 && row.error > 0) {
          row.order = std::log2(previous[q] / row.error);
          if (judged && row.min_order > 0 && !(*row.order >= row.min_order)) row.pass = false;
        }
        rows.push_back(row);
        if (on_row) on_row(row);
      }
      previous.clear();
      for (const auto& m : run.errors) previous.push_back(m.error);
    }
  }
  return rows;
}

}  // namespace skinrd::validation
