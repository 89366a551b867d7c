#include "host/delivery/entries.hpp"

#include <cmath>

#include "host/scenario/units.hpp"

namespace skinrd::delivery {

using scenario::Dimension;

int species_index(const scenario::Scenario& scenario, scenario::TomlSection& entry) {
  const std::string name = entry.text("species", std::nullopt);
  for (std::size_t s = 0; s < scenario.species.size(); ++s)
    if (scenario.species[s].key == name) return static_cast<int>(s);
  entry.fail("species", "\"" + name + "\" is not among species.use");
}

std::vector<double> repeats(scenario::TomlSection& entry, double at_s) {
  const double count = entry.number("times", 1.0);
  if (!(count >= 1) || count != std::floor(count) || count > 100000)
    entry.fail("times", "must be a whole number from 1 to 100000");
  const int times = static_cast<int>(count);
  const double every_s = entry.quantity("every", Dimension::time, 0.0);
  if (times > 1 && !(every_s > 0)) entry.fail("times", "repeats need an interval: every = \"12 h\"");
  std::vector<double> starts;
  for (int n = 0; n < times; ++n) starts.push_back(at_s + n * every_s);
  return starts;
}

double tissue_depth_um(const scenario::Scenario& scenario) {
  double depth = 0;
  for (const auto& layer : scenario.tissue.layers) depth += layer.thickness_um;
  return depth;
}

void check_within_run(const scenario::Scenario& scenario, scenario::TomlSection& root,
                      const std::string& key, const std::string& what, double at_s) {
  const double duration = scenario.run.duration_s;
  if (at_s < 0 || at_s >= duration)
    root.fail(key, what + " at " + scenario::format_time(at_s) + " lies outside the run (0 to " +
                       scenario::format_time(duration) + ")");
}

std::string concentration_text(const scenario::Scenario& scenario, int species, double concentration) {
  const scenario::SpeciesEntry& entry = scenario.species[species];
  return entry.key + " " + scenario::format_number(concentration) +
         (entry.basis.particles ? " particles/mL" : " ng/mL");
}

std::string amount_text(const scenario::Scenario& scenario, int species, double amount) {
  const scenario::SpeciesEntry& entry = scenario.species[species];
  return entry.key + " " + scenario::format_number(amount) +
         (entry.basis.particles ? " particles" : " ng");
}

}  // namespace skinrd::delivery
