#pragma once
// The figures and the HTML report of a comparison, made by the Python scripts in viz/
// (matplotlib) from the compare.json that write_tables left in out_dir.
#include <ostream>
#include <string>
#include <vector>

namespace skinrd::compare {

struct FigureOptions {
  std::vector<double> profile_times_h;  // depth profiles at these times; empty: the scripts choose
};

// A Python 3 that can import matplotlib: $SKINRD_PYTHON, else /usr/bin/python3 (Debian's,
// where python3-matplotlib installs), else python3 on PATH. Empty when there is none.
std::string find_plotting_python();

// Runs viz/compare_plots.py and viz/compare_report.py; returns false (and says why on
// progress) when no plotting Python is found. Throws Error when a script fails.
bool make_figures_and_report(const std::string& out_dir, const FigureOptions& options,
                             std::ostream& progress);

}  // namespace skinrd::compare
