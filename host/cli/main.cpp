// The skinrd command line. The only file that includes CLI11, and the only place errors
// are caught: each is printed as one line and the program exits non-zero.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>

#include "host/backend.hpp"
#include "host/bench/kernel_bench.hpp"
#include "host/compare/comparison.hpp"
#include "host/compare/figures.hpp"
#include "host/compare/tables.hpp"
#include "host/error.hpp"
#include "host/output/paraview_state.hpp"
#include "host/output/run_directory.hpp"
#include "host/run/runner.hpp"
#include "host/scenario/library.hpp"
#include "host/scenario/scenario.hpp"
#include "host/scenario/units.hpp"
#include "host/validation/suite.hpp"

namespace {

using namespace skinrd;

struct ValidateOptions {
  std::string backend = "auto";
  std::string precision = "double";
  std::string scheme = "explicit";
  int steps = 50;
  std::vector<std::string> cases;
  std::string csv_path;
};

std::vector<validation::CaseId> selected_cases(const std::vector<std::string>& names) {
  std::vector<validation::CaseId> ids;
  for (const auto& info : validation::case_catalogue())
    if (names.empty() || std::find(names.begin(), names.end(), info.name) != names.end())
      ids.push_back(info.id);
  for (const auto& name : names) {
    bool known = false;
    std::string all;
    for (const auto& info : validation::case_catalogue()) {
      known |= name == info.name;
      all += std::string(all.empty() ? "" : ", ") + info.name;
    }
    if (!known) throw ConfigError("--case", "unknown case '" + name + "'; the cases: " + all);
  }
  return ids;
}

std::string format_row(const validation::ValidationRow& row) {
  char order[32] = "-";
  // An order between errors at rounding level says nothing; show it where it means something.
  if (row.order && (row.min_order > 0 || row.error > 1e-9)) std::snprintf(order, sizeof order, "%.2f", *row.order);
  char tolerance[32] = "-";
  if (row.tolerance > 0) std::snprintf(tolerance, sizeof tolerance, "%.0e", row.tolerance);
  char line[512];
  char resolution[32];
  std::snprintf(resolution, sizeof resolution, "%.4g %s", row.resolution, row.resolution_unit.c_str());
  std::snprintf(line, sizeof line, "%-22s %-42s %11s %11.3e %6s %8s %5s %7.1f", row.case_name.c_str(),
                row.quantity.c_str(), resolution, row.error, order, tolerance,
                row.tolerance > 0 ? (row.pass ? "pass" : "FAIL") : "-", row.seconds);
  return line;
}

int run_validate(const ValidateOptions& options) {
  const std::vector<validation::CaseId> cases = selected_cases(options.cases);  // before any output
  const BackendChoice backend = select_backend(options.backend);
  const auto precision = options.precision == "float" ? validation::Precision::single
                                                      : validation::Precision::double_;
  std::cout << "skinrd validate: backend " << backend.description << ", " << options.precision
            << " fields\n"
            << "levels double every layer's cells (h) or halve the step (dt); orders are judged\n"
               "in double between the two finest levels; coarser rows only feed the orders\n\n";
  std::printf("%-22s %-42s %11s %11s %6s %8s %5s %7s\n", "case", "error norm", "h or dt", "error",
              "order", "tol", "pass", "time[s]");
  std::cout << std::flush;
  validation::CaseOptions case_options{backend.kind, parse_scheme(options.scheme)};
  if (case_options.scheme != Scheme::explicit_euler) {
    if (options.steps < 1) throw ConfigError("--steps", "must be >= 1, got " + std::to_string(options.steps));
    case_options.steps = options.steps;
    std::cout << "core cases: " << options.scheme << " with " << options.steps
              << " steps over each case's span (tolerance x10 for adi, 2 % for lod)\n";
  }
  const auto rows = validation::run_suite(
      case_options, precision, cases,
      [](const validation::ValidationRow& row) { std::cout << format_row(row) << std::endl; });

  if (!options.csv_path.empty()) {
    std::ofstream csv(options.csv_path);
    if (!csv) throw IoError(options.csv_path, "cannot open for writing");
    csv << "case,quantity,level,resolution,resolution_unit,error,observed_order,tolerance,min_order,pass,seconds\n";
    for (const auto& row : rows)
      csv << row.case_name << ",\"" << row.quantity << "\"," << row.level << ','
          << row.resolution << ',' << row.resolution_unit << ',' << row.error << ','
          << (row.order ? std::to_string(*row.order) : "") << ',' << row.tolerance << ','
          << row.min_order << ',' << (row.pass ? "true" : "false") << ',' << row.seconds << '\n';
    if (!csv) throw IoError(options.csv_path, "write failed");
  }
  int passed = 0, failed = 0, reference_rows = 0;
  for (const auto& row : rows) {
    if (row.tolerance == 0) ++reference_rows;
    else (row.pass ? passed : failed) += 1;
  }
  std::cout << '\n' << reference_rows << " coarser rows only feed the observed orders\n"
            << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}

struct ScenarioOptions {
  std::string path, library, out_dir, backend = "auto", ensemble;
  std::vector<std::string> overrides;
  bool force = false;
  std::string resume_dir, stop_after, checkpoint_interval = "10 min";
};

std::string absolute(const std::string& path) {
  return path.empty() ? path : std::filesystem::absolute(path).lexically_normal().string();
}

scenario::Scenario load(const ScenarioOptions& options) {
  const scenario::Library library =
      scenario::load_library(scenario::find_library(options.path, options.library));
  return scenario::load_scenario(options.path, options.overrides, library);
}

// An ensemble's members, with the command line's --set before each member's own overrides.
std::vector<scenario::Scenario> load_members(const scenario::EnsembleSpec& spec,
                                             const ScenarioOptions& options) {
  const scenario::Library library =
      scenario::load_library(scenario::find_library(spec.scenario_path, options.library));
  return scenario::load_members(spec, options.overrides, library);
}

int run_species(const std::string& library_dir) {
  const scenario::Library library = scenario::load_library(
      library_dir.empty() ? scenario::find_library("scenarios/x.toml", "") : library_dir);
  std::vector<std::string> cited;  // in order of first citation
  auto print = [&cited](const std::map<std::string, scenario::SourcedValue>& provenance) {
    for (const auto& [name, value] : provenance) {
      std::cout << "  " << std::left << std::setw(34) << name << ' ' << std::setw(26) << value.text
                << " [" << value.tag << "] " << value.source << '\n';
      for (const std::string& key : scenario::cited_references(value.source))
        if (std::find(cited.begin(), cited.end(), key) == cited.end()) cited.push_back(key);
    }
  };
  std::cout << "intact stratum corneum (barrier.toml: the pathways every SC permeability comes from)\n";
  print(library.barrier.provenance);
  for (const auto& [key, entry] : library.species) {
    std::cout << key << ": " << entry.full_name << " (" << entry.kind << ", "
              << (entry.basis.particles ? "particles/mL" : "ng/mL") << ")\n";
    print(entry.provenance);
  }
  std::cout << "\ntags: M measured, D derived, E estimate or model parameter, U unverified\n";
  if (!cited.empty()) std::cout << "\nreferences (references.toml: [ref:<key>] in a source cites these works)\n";
  for (const std::string& key : cited) {
    const scenario::Reference& r = library.references.at(key);  // load_library checked them
    std::cout << "[ref:" << key << "] " << r.title << "\n";
    for (const std::string& work : r.works) std::cout << "  - " << work << "\n";
  }
  return 0;
}

struct CompareOptions {
  std::vector<std::string> run_dirs;
  std::string out_dir = "comparison";
  std::vector<double> profile_times_h;
  bool figures = true;
  bool allow_incomplete = false;
};

int run_compare(const CompareOptions& options) {
  std::vector<compare::RunData> runs;
  for (const auto& dir : options.run_dirs) runs.push_back(compare::load_run(dir, options.allow_incomplete));
  const compare::Comparison comparison = compare::compare_runs(runs);
  compare::print_tables(comparison, std::cout);
  compare::write_tables(comparison, options.out_dir);
  std::cout << "\nwrote " << options.out_dir << "/{compare.csv, compare.md, compare.json}\n";
  if (options.figures &&
      compare::make_figures_and_report(options.out_dir, {options.profile_times_h}, std::cout))
    std::cout << "wrote " << options.out_dir << "/{profiles.png, compartments.png, "
              << "time_above_ec.png, report.html}\n";
  std::cout << "fields for ParaView: fields.pvd in each run directory\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"skinrd: reaction-diffusion of growth factors and exosomes through skin"};
  app.set_version_flag("--version", std::string("skinrd ") + SKINRD_VERSION);
  app.require_subcommand(1);

  ValidateOptions validate;
  CLI::App* validate_cmd =
      app.add_subcommand("validate", "run the analytic suite: errors and observed orders");
  validate_cmd->add_option("--backend", validate.backend, "auto, cpu or cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
      ->capture_default_str();
  validate_cmd->add_option("--precision", validate.precision, "field precision: float or double")
      ->check(CLI::IsMember({"float", "double"}))
      ->capture_default_str();
  validate_cmd->add_option("--scheme", validate.scheme,
                           "scheme for the analytic cases of the core: explicit, adi or lod")
      ->check(CLI::IsMember({"explicit", "adi", "lod"}))
      ->capture_default_str();
  validate_cmd->add_option("--steps", validate.steps,
                           "steps over each core case's span with adi or lod")
      ->capture_default_str();
  validate_cmd->add_option("--case", validate.cases, "run only these cases (repeatable)");
  validate_cmd->add_option("--csv", validate.csv_path, "also write the table as CSV");

  ScenarioOptions run_options;
  CLI::App* run_cmd = app.add_subcommand("run", "run a scenario and write its outputs");
  run_cmd->add_option("scenario", run_options.path,
                      "scenario file (TOML); with --ensemble, if the ensemble file names none");
  run_cmd->add_option("--ensemble", run_options.ensemble,
                      "run the members of this ensemble file together (one run directory each)");
  CLI::Option* out_option = run_cmd->add_option("--out", run_options.out_dir, "output directory");
  run_cmd->add_option("--resume", run_options.resume_dir,
                      "continue the interrupted run in this directory from its checkpoint")
      ->excludes(out_option);
  run_cmd->add_option("--stop-after", run_options.stop_after,
                      "stop with a checkpoint once the simulated time reaches this (e.g. \"12 h\")");
  run_cmd->add_option("--checkpoint-interval", run_options.checkpoint_interval,
                      "wall time between checkpoints (\"0 s\": only when stopped)")
      ->capture_default_str();
  run_cmd->add_flag("--force", run_options.force, "replace the outputs of a previous run in --out (other files stay)");
  run_cmd->add_option("--set", run_options.overrides, "override a value: key.path=value (repeatable)");
  run_cmd->add_option("--library", run_options.library, "species and site library directory");
  run_cmd->add_option("--backend", run_options.backend, "auto, cpu or cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
      ->capture_default_str();

  ScenarioOptions check_options;
  CLI::App* check_cmd = app.add_subcommand("check", "validate a scenario; print grid, memory, steps");
  check_cmd->add_option("scenario", check_options.path,
                        "scenario file (TOML); with --ensemble, if the ensemble file names none");
  check_cmd->add_option("--ensemble", check_options.ensemble, "check an ensemble file's members");
  check_cmd->add_option("--backend", check_options.backend,
                        "size the run for auto, cpu or cuda (cuda works without a device)")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
      ->capture_default_str();
  check_cmd->add_option("--set", check_options.overrides, "override a value: key.path=value");
  check_cmd->add_option("--library", check_options.library, "species and site library directory");

  std::string species_library;
  CLI::App* species_cmd = app.add_subcommand("species", "list the species library with sources");
  species_cmd->add_option("--library", species_library, "species and site library directory");

  CompareOptions compare_options;
  CLI::App* compare_cmd =
      app.add_subcommand("compare", "compare finished runs: table, CSV, Markdown, plots, report");
  compare_cmd->add_option("runs", compare_options.run_dirs, "run directories (skinrd run --out)")
      ->required()
      ->check(CLI::ExistingDirectory);
  compare_cmd->add_option("--out", compare_options.out_dir, "directory for the tables, plots and report")
      ->capture_default_str();
  compare_cmd->add_option("--times-h", compare_options.profile_times_h,
                          "times of the depth profiles, in hours (comma-separated)")
      ->delimiter(',');
  compare_cmd->add_flag("!--no-figures", compare_options.figures, "only the tables");
  compare_cmd->add_flag("--allow-incomplete", compare_options.allow_incomplete,
                        "also compare runs whose run.json does not say completed");

  bench::BenchOptions bench_options;
  std::string bench_size = "128", bench_precision = "float";
  CLI::App* bench_cmd = app.add_subcommand(
      "bench", "time each kernel: ms per call, voxel-updates/s, effective GB/s");
  bench_cmd->add_option("--backend", bench_options.backend, "auto, cpu or cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
      ->capture_default_str();
  bench_cmd->add_option("--size", bench_size, "grid: NXxNYxNZ or N (a cube)")->capture_default_str();
  bench_cmd->add_option("--species", bench_options.species, "species")->capture_default_str();
  bench_cmd->add_option("--members", bench_options.members,
                        "also time an ADI step of N members batched against one by one")
      ->capture_default_str();
  bench_cmd->add_option("--precision", bench_precision, "field precision: float or double")
      ->check(CLI::IsMember({"float", "double"}))
      ->capture_default_str();
  bench_cmd->add_option("--repeat", bench_options.repeat, "timed calls per kernel (median)")
      ->capture_default_str();
  bench_cmd->add_option("--csv", bench_options.csv_path, "also write the rows as CSV");

  std::string paraview_dir;
  CLI::App* paraview_cmd = app.add_subcommand(
      "paraview", "write DIR/skinrd_state.py: a ParaView state of a run, depth down, its peak time set");
  paraview_cmd->add_option("run", paraview_dir, "run directory (skinrd run --out)")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version exit 0 as CLI11 prints them; every usage error is a user error: 2.
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(error);
    std::cerr << "skinrd: error: " << error.what() << " (skinrd --help lists the commands and options)\n";
    return 2;
  }
  try {
    if (*validate_cmd) return run_validate(validate);
    if (*species_cmd) return run_species(species_library);
    if (*bench_cmd) {
      bench::parse_size(bench_size, bench_options);
      bench_options.double_precision = bench_precision == "double";
      bench::run_kernel_bench(bench_options, std::cout);
      return 0;
    }
    if (*compare_cmd) return run_compare(compare_options);
    if (*paraview_cmd) {
      std::cout << "wrote " << output::write_paraview_state(paraview_dir)
                << " (open: paraview --state=FILE, or pvpython FILE --screenshot PNG)\n";
      return 0;
    }
    if (*check_cmd) {
      if (!check_options.ensemble.empty()) {
        const auto spec = scenario::load_ensemble(check_options.ensemble, check_options.path);
        run::check_ensemble(spec, load_members(spec, check_options), std::cout, check_options.backend);
        return 0;
      }
      if (check_options.path.empty())
        throw ConfigError("check", "give a scenario file (or --ensemble FILE)");
      run::check_scenario(load(check_options), std::cout, check_options.backend);
      return 0;
    }
    if (*run_cmd) {
      run::RunOptions options;
      if (!run_options.resume_dir.empty()) {
        // The run goes on from what it was started with, as its checkpoint recorded.
        if (output::run_status(run_options.resume_dir) == "completed")
          throw ConfigError("--resume", run_options.resume_dir + " holds a completed run: nothing to resume");
        const run::RunInputs inputs = run::read_checkpoint_header(run_options.resume_dir).inputs;
        if (!run_options.path.empty() || !run_options.ensemble.empty() || !run_options.overrides.empty())
          throw ConfigError("--resume", "takes the scenario, ensemble and --set of the checkpoint; give none");
        run_options.path = inputs.scenario_path;
        run_options.ensemble = inputs.ensemble_path;
        run_options.library = inputs.library;
        run_options.overrides = inputs.overrides;
        if (run_options.backend == "auto") run_options.backend = inputs.backend;
        run_options.out_dir = run_options.resume_dir;
        options.resume = true;
      }
      if (run_options.out_dir.empty()) throw ConfigError("--out", "give the output directory (or --resume DIR)");
      options.out_dir = run_options.out_dir;
      options.force = run_options.force;
      options.inputs = {absolute(run_options.path), absolute(run_options.ensemble),
                        absolute(run_options.library), run_options.overrides, run_options.backend};
      options.checkpoint_interval_s =
          scenario::parse_quantity(run_options.checkpoint_interval, scenario::Dimension::time,
                                   "--checkpoint-interval", 0);
      if (!run_options.stop_after.empty()) {
        const double stop_s = scenario::parse_quantity(run_options.stop_after, scenario::Dimension::time,
                                                       "--stop-after", 0);
        options.stop_when = [stop_s](const run::RunProgress& p) { return p.time_s >= stop_s; };
      }
      for (int a = 0; a < argc; ++a) options.command_line += (a ? " " : "") + std::string(argv[a]);
      if (!run_options.ensemble.empty()) {
        const auto spec = scenario::load_ensemble(run_options.ensemble, run_options.path);
        const std::vector<scenario::Scenario> members = load_members(spec, run_options);
        options.backend = select_backend(run_options.backend);
        run::run_ensemble(spec, members, options, std::cerr);
        return 0;
      }
      if (run_options.path.empty())
        throw ConfigError("run", "give a scenario file (or --ensemble FILE)");
      const scenario::Scenario scenario = load(run_options);
      options.backend = select_backend(run_options.backend);
      run::run_scenario(scenario, options, std::cerr);
      return 0;
    }
  } catch (const skinrd::RunInterrupted& stop) {
    std::cerr << "skinrd: " << stop.what() << '\n';
    return stop.exit_code();
  } catch (const skinrd::Error& error) {
    std::cerr << "skinrd: error: " << error.what() << '\n';
    return 2;
  } catch (const std::filesystem::filesystem_error& error) {  // the user's files, not a bug
    std::cerr << "skinrd: error: " << error.path1().string() << ": " << error.code().message() << '\n';
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "skinrd: internal error: " << error.what() << '\n';
    return 3;
  }
  return 0;
}
