#pragma once
// A scenario run for a test: into a folder of the system's temporary directory, progress
// swallowed.
#include <filesystem>
#include <sstream>
#include <string>

#include "host/run/runner.hpp"

namespace skinrd::test_support {

inline run::RunReport run_in_temp(const scenario::Scenario& s, const std::string& folder) {
  run::RunOptions options;
  options.out_dir = (std::filesystem::temp_directory_path() / folder).string();
  options.force = true;
  std::ostringstream progress;
  return run::run_scenario(s, options, progress);
}

}  // namespace skinrd::test_support
