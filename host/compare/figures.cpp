#include "host/compare/figures.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>

#include "host/error.hpp"

#ifndef SKINRD_VIZ_DIR
#define SKINRD_VIZ_DIR "viz"
#endif

extern char** environ;

namespace skinrd::compare {
namespace {

namespace fs = std::filesystem;

// Exit status of argv[0] run with argv, or -1 when it cannot be started. No shell: paths
// with spaces or quotes pass through untouched.
int run_program(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

fs::path viz_dir() {
  if (const char* dir = std::getenv("SKINRD_VIZ_DIR")) return dir;
  return SKINRD_VIZ_DIR;
}

}  // namespace

std::string find_plotting_python() {
  std::vector<std::string> candidates;
  if (const char* python = std::getenv("SKINRD_PYTHON")) candidates.push_back(python);
  candidates.push_back("/usr/bin/python3");
  candidates.push_back("python3");
  for (const auto& python : candidates)
    if (run_program({python, "-c", "import matplotlib"}) == 0) return python;
  return {};
}

bool make_figures_and_report(const std::string& out_dir, const FigureOptions& options,
                             std::ostream& progress) {
  const std::string python = find_plotting_python();
  if (python.empty()) {
    progress << "no figures or report: no Python 3 with matplotlib found (install Debian's "
                "python3-matplotlib, or set SKINRD_PYTHON)\n";
    return false;
  }
  const fs::path scripts = viz_dir();
  for (const char* script : {"compare_plots.py", "compare_report.py"})
    if (!fs::exists(scripts / script))
      throw IoError((scripts / script).string(), "plot script not found (set SKINRD_VIZ_DIR)");
  std::vector<std::string> plot = {python, (scripts / "compare_plots.py").string(), out_dir};
  if (!options.profile_times_h.empty()) {
    std::string times;
    for (double t : options.profile_times_h) times += (times.empty() ? "" : ",") + std::to_string(t);
    plot.insert(plot.end(), {"--times-h", times});
  }
  progress.flush();  // the scripts write to the same terminal
  if (run_program(plot) != 0) throw Error("viz/compare_plots.py failed (its message is above)");
  if (run_program({python, (scripts / "compare_report.py").string(), out_dir}) != 0)
    throw Error("viz/compare_report.py failed (its message is above)");
  return true;
}

}  // namespace skinrd::compare
