#pragma once
// What differs between compared runs: the settings of their resolved scenario.toml that do
// not agree, and which of those differences the runs' grid cannot resolve.
#include <string>
#include <vector>

#include "host/compare/run_data.hpp"

namespace skinrd::compare {

struct SettingDifference {
  std::string key;                  // "microneedle.0.length"
  std::vector<std::string> values;  // one per run, "(not set)" where a run lacks the key
};

// The keys whose values are not the same in every run, in key order.
std::vector<SettingDifference> differing_settings(const std::vector<RunData>& runs);

// Differences of lengths smaller than a cell in their direction (depth keys: the cell's dz at
// that depth; others: dx), and needle lengths that voxelise to the same insertion depth.
std::vector<std::string> unresolved_differences(const std::vector<RunData>& runs,
                                                const std::vector<std::string>& labels,
                                                const std::vector<SettingDifference>& differences);

}  // namespace skinrd::compare
