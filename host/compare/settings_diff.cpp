#include "host/compare/settings_diff.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <set>
#include <sstream>

#include "host/error.hpp"
#include "host/scenario/units.hpp"

namespace skinrd::compare {
namespace {

constexpr const char* kNotSet = "(not set)";
// A needle goes in to length × this unless its entry says otherwise (microneedle_patch.cpp).
constexpr double kPenetrationEfficiency = 460.0 / 600.0;

std::optional<double> length_um(const std::string& text) {
  try {
    return scenario::parse_quantity(text, scenario::Dimension::length, "", 0);
  } catch (const Error&) {
    return std::nullopt;
  }
}

// Keys measured down into the skin; every other length is lateral.
bool depth_key(const std::string& key) {
  const std::string last = key.substr(key.rfind('.') + 1);
  return last == "length" || last == "depth" || last == "thickness" || last == "dz";
}

// The tissue cell layer holding depth_um below the surface (-1: none, or no grid read).
int cell_at(const RunData& run, double depth_um) {
  for (std::size_t k = 0; k < run.cell_depth_um.size(); ++k)
    if (depth_um <= run.cell_depth_um[k] + 0.5 * run.cell_dz_um[k]) return static_cast<int>(k);
  return -1;
}

// The deepest cell layer a needle inserted to depth_um reaches: the last whose centre is
// above that depth (needle_voxels).
int needle_cell(const RunData& run, double depth_um) {
  int deepest = -1;
  for (std::size_t k = 0; k < run.cell_depth_um.size(); ++k)
    if (run.cell_depth_um[k] <= depth_um) deepest = static_cast<int>(k);
  return deepest;
}

std::string number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace

std::vector<SettingDifference> differing_settings(const std::vector<RunData>& runs) {
  std::set<std::string> keys;
  for (const auto& run : runs)
    for (const auto& [key, value] : run.settings) keys.insert(key);
  std::vector<SettingDifference> differences;
  for (const auto& key : keys) {
    SettingDifference d{key, {}};
    for (const auto& run : runs) {
      const auto found = run.settings.find(key);
      d.values.push_back(found == run.settings.end() ? kNotSet : found->second);
    }
    if (std::adjacent_find(d.values.begin(), d.values.end(), std::not_equal_to<>()) != d.values.end())
      differences.push_back(std::move(d));
  }
  return differences;
}

std::vector<std::string> unresolved_differences(const std::vector<RunData>& runs,
                                                const std::vector<std::string>& labels,
                                                const std::vector<SettingDifference>& differences) {
  std::vector<std::string> warnings;
  for (const auto& d : differences) {
    std::vector<std::optional<double>> um;
    for (const auto& value : d.values) um.push_back(length_um(value));
    if (std::any_of(um.begin(), um.end(), [](const auto& v) { return !v; })) continue;
    const bool needle = d.key.starts_with("microneedle.") && d.key.ends_with(".length");
    const std::string entry = d.key.substr(0, d.key.rfind('.'));
    for (std::size_t a = 0; a < runs.size(); ++a)
      for (std::size_t b = a + 1; b < runs.size(); ++b) {
        const double ua = *um[a], ub = *um[b];
        if (ua == ub) continue;
        std::ostringstream why;
        if (needle) {
          auto inserted = [&](std::size_t r) {
            const auto found = runs[r].settings.find(entry + ".penetration_efficiency");
            const double efficiency =
                found == runs[r].settings.end() ? kPenetrationEfficiency : std::stod(found->second);
            return (r == a ? ua : ub) * efficiency;
          };
          const int ka = needle_cell(runs[a], inserted(a)), kb = needle_cell(runs[b], inserted(b));
          if (ka >= 0 && ka == kb)
            why << "voxelise to the same insertion depth (to cell layer " << ka + 1 << " below the "
                << "surface, centre " << number(runs[a].cell_depth_um[ka]) << " um, dz "
                << number(runs[a].cell_dz_um[ka]) << " um)";
        } else if (depth_key(d.key)) {
          const int ka = cell_at(runs[a], std::min(ua, ub)), kb = cell_at(runs[b], std::min(ua, ub));
          const double dz = std::max(ka >= 0 ? runs[a].cell_dz_um[ka] : 0.0, kb >= 0 ? runs[b].cell_dz_um[kb] : 0.0);
          if (std::abs(ua - ub) < dz)
            why << "differ by " << number(std::abs(ua - ub)) << " um, less than the cell depth there (dz "
                << number(dz) << " um)";
        } else {
          const double dx = std::max(runs[a].dx_um, runs[b].dx_um);
          if (std::abs(ua - ub) < dx)
            why << "differ by " << number(std::abs(ua - ub)) << " um, less than the cell width (dx "
                << number(dx) << " um)";
        }
        if (!why.str().empty())
          warnings.push_back(d.key + ": " + d.values[a] + " in " + labels[a] + " and " + d.values[b] +
                             " in " + labels[b] + " " + why.str() +
                             ": the grid does not resolve this difference; refine the grid to compare them");
      }
  }
  return warnings;
}

}  // namespace skinrd::compare
