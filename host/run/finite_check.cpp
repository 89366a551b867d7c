#include "host/run/finite_check.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "host/error.hpp"
#include "host/run/member_run.hpp"
#include "host/run/problem_builder.hpp"

namespace skinrd::run {
namespace {

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}

// A member's tissue that applies nothing: it records the largest concentration each species'
// events place in a voxel (doses, sources' totals, fixed tops), for the float limits.
class DoseProbe final : public delivery::DeliveryTissue {
 public:
  DoseProbe(const scenario::Scenario& scenario, const Grid& grid)
      : grid_(grid), surface_k_(first_tissue_k(grid, scenario)), material_(grid.material),
        peak_(scenario.species.size(), 0.0) {}

  const std::vector<double>& peak() const { return peak_; }
  void at(double t_s) { t_s_ = t_s; }

  const Grid& grid() const override { return grid_; }
  int surface_k() const override { return surface_k_; }
  double time_s() const override { return t_s_; }
  delivery::SkinState& skin() override { return skin_; }
  void set_top_cells(int species, int, double value, Tally) override { record(species, value); }
  double amount_in_top_cells(int, int) override { return 0; }
  void add_to(int species, const std::vector<std::size_t>&, double per_volume) override {
    record(species, per_volume);
  }
  void empty(int, const std::vector<std::size_t>&) override {}
  void add_source(int species, const std::vector<std::size_t>&, double per_volume,
                  std::function<double(double)> delivered, std::optional<double>) override {
    record(species, per_volume * std::abs(delivered(1e300) - delivered(0)));
  }
  const std::vector<std::uint8_t>& voxel_materials() const override { return material_; }
  const std::vector<std::uint8_t>& original_voxel_materials() const override { return grid_.material; }
  void set_voxel_materials(std::vector<std::uint8_t> material) override { material_ = std::move(material); }
  void set_top(kernels::TopBoundary, const std::vector<double>& concentration) override {
    for (std::size_t s = 0; s < concentration.size() && s < peak_.size(); ++s)
      record(static_cast<int>(s), concentration[s]);
  }
  void coefficients_changed(bool) override {}

 private:
  void record(int species, double value) {
    double& peak = peak_.at(species);
    peak = std::isfinite(value) ? std::max(peak, std::abs(value)) : value;
  }
  const Grid& grid_;
  int surface_k_;
  double t_s_ = 0;
  delivery::SkinState skin_;
  std::vector<std::uint8_t> material_;
  std::vector<double> peak_;
};

// The smallest cell size of each layer: the one D·dt/h² is largest for.
double smallest_cell_um(const Grid& grid, const LayerRange& layer) {
  double h = grid.dx_um;
  for (int k = layer.k_begin; k < layer.k_end; ++k) h = std::min(h, grid.dz_um[k]);
  return h;
}

// The step the run takes at most: its fixed dt, or the controller's dt_max.
double largest_step_s(const scenario::RunSettings& run) {
  return run.dt_s > 0 ? run.dt_s : run.adaptive.dt_max_s;
}

struct DiffusionNumber {
  double value = 0;
  std::string layer;
};

DiffusionNumber largest_diffusion_number(const Grid& grid, const MaterialTable& materials,
                                         int lane, double dt_s) {
  DiffusionNumber largest;
  for (const LayerRange& layer : grid.layers) {
    const double h = smallest_cell_um(grid, layer);
    const double a = materials.at(layer.material, lane).diffusion_um2_per_s * dt_s / (h * h);
    if (a > largest.value) largest = {a, layer.name};
  }
  return largest;
}

bool finite(const SpeciesLedger& g) {
  for (double v : {g.dosed, g.removed, g.entered_top, g.added_by_source, g.degraded, g.cleared,
                   g.lost_bottom, g.bound_net, g.internalised})
    if (!std::isfinite(v)) return false;
  for (const auto* list : {&g.free_by_layer, &g.bound_by_layer, &g.internalised_by_layer})
    for (double v : *list)
      if (!std::isfinite(v)) return false;
  return true;
}

}  // namespace

std::vector<std::string> float_limit_problems(const scenario::Scenario& scenario,
                                              const Problem& problem) {
  std::vector<std::string> problems;
  if (scenario.run.double_precision) return problems;
  // D·dt/h² of every species and layer, with the coefficients as each event leaves them (a
  // film's D is the film's only while it is on). The explicit scheme's step is below its
  // stability limit (D·dt/h² < 1/2).
  const double dt_s = largest_step_s(scenario.run);
  std::vector<DiffusionNumber> largest(scenario.species.size());
  auto diffusion_numbers = [&](const MaterialTable& table) {
    if (scenario.run.scheme == Scheme::explicit_euler) return;
    for (std::size_t s = 0; s < largest.size(); ++s) {
      const DiffusionNumber a = largest_diffusion_number(problem.grid, table, static_cast<int>(s), dt_s);
      if (a.value > largest[s].value) largest[s] = a;
    }
  };
  diffusion_numbers(problem.materials);
  DoseProbe probe(scenario, problem.grid);
  for (const auto& kind : scenario.deliveries) kind->add_sources(scenario, probe);
  for (const delivery::Event& event : schedule(scenario)) {
    probe.at(event.time_s);
    event.delivery->apply(event, scenario, probe);
    MaterialTable table = problem.materials;
    for (const auto& kind : scenario.deliveries)
      kind->set_coefficients(table, scenario, probe.skin(), event.time_s);
    diffusion_numbers(table);
  }
  for (std::size_t s = 0; s < largest.size(); ++s)
    if (largest[s].value > kFloatMaxDiffusionNumber)
      problems.push_back("D*dt/dx^2 of " + scenario.species[s].full_name + " is " +
                         number_text(largest[s].value) + " in " + largest[s].layer + " (dt " +
                         number_text(dt_s) + " s); float fields lose it above " +
                         number_text(kFloatMaxDiffusionNumber) +
                         ": use precision = \"double\", a smaller D or a smaller dt");
  for (std::size_t s = 0; s < scenario.species.size(); ++s) {
    const double peak = probe.peak()[s];
    if (!(peak <= kFloatMaxConcentration))
      problems.push_back("a dose of " + scenario.species[s].full_name + " puts " + number_text(peak) +
                         " " + scenario::internal_unit(scenario::Dimension::concentration,
                                                       scenario.species[s].basis.particles) +
                         " into a voxel, more than float fields hold (at most " +
                         number_text(kFloatMaxConcentration) + "; float's maximum is 3.4e38): use "
                         "precision = \"double\"");
  }
  return problems;
}

void require_float_limits(const scenario::Scenario& scenario, const Problem& problem) {
  const std::vector<std::string> problems = float_limit_problems(scenario, problem);
  if (problems.empty()) return;
  std::string message;
  for (const std::string& p : problems) message += (message.empty() ? "" : "; ") + p;
  throw ConfigError("run.precision", "float (the default) cannot hold this run: " + message);
}

template <class Real>
void require_finite(const Simulation<Real>& sim, const scenario::RunSettings& run) {
  for (int lane = 0; lane < sim.species_count(); ++lane) {
    if (finite(sim.ledger(lane))) continue;
    const Problem& problem = sim.problem();
    const Grid& grid = problem.grid;
    const std::size_t plane = static_cast<std::size_t>(grid.nx) * grid.ny;
    std::vector<std::vector<Real>> fields{sim.concentration(lane)};
    if (sim.has_bound_field(lane)) {
      fields.push_back(sim.bound(lane));
      fields.push_back(sim.internalised(lane));
    }
    // Where the values are non-finite, layer by layer, and the largest finite value.
    std::string layers;
    double largest = 0;
    for (const LayerRange& layer : grid.layers) {
      std::size_t bad = 0;
      for (const auto& field : fields)
        for (std::size_t v = plane * layer.k_begin; v < plane * layer.k_end; ++v) {
          if (!std::isfinite(field[v])) ++bad;
          else largest = std::max(largest, std::abs(static_cast<double>(field[v])));
        }
      if (bad > 0)
        layers += (layers.empty() ? "" : ", ") + layer.name + " (" + std::to_string(bad) + " of " +
                  std::to_string(plane * (layer.k_end - layer.k_begin) * fields.size()) + " values)";
    }
    if (layers.empty()) layers = "the ledger only (the fields are finite)";
    const bool single = sizeof(Real) == sizeof(float);
    const DiffusionNumber a =
        largest_diffusion_number(grid, problem.materials, lane, largest_step_s(run));
    std::string cause;
    if (single && largest > kFloatMaxConcentration)
      cause = "the dose exceeds what float holds (max 3.4e38 per voxel; " + number_text(largest) +
              " reached); use precision = \"double\"";
    else if (run.scheme != Scheme::explicit_euler &&
             a.value > (single ? kFloatMaxDiffusionNumber : kDoubleMaxDiffusionNumber))
      cause = "D*dt/dx^2 is " + number_text(a.value) + " in " + a.layer +
              (single ? "; use precision = \"double\" or a smaller D" : "; use a smaller D or dt");
    else
      cause = "D*dt/dx^2 is at most " + number_text(a.value) + " (in " + a.layer +
              "), the largest finite value " + number_text(largest) +
              "; check the species' coefficients and doses" +
              (single ? ", or use precision = \"double\"" : "");
    throw NumericalError("the fields of " + problem.materials.species_name(lane) +
                         " became non-finite (NaN or inf) by t = " + number_text(sim.time_s()) +
                         " s, in " + layers + ": " + cause +
                         ". The outputs written before this time are kept.");
  }
}

template void require_finite<float>(const Simulation<float>&, const scenario::RunSettings&);
template void require_finite<double>(const Simulation<double>&, const scenario::RunSettings&);

}  // namespace skinrd::run
