#pragma once
// What every kind's reader shares: the species an entry names, its repeats, the tissue depth,
// and the check that its applications lie within the run.
#include <string>
#include <vector>

#include "host/scenario/scenario.hpp"
#include "host/scenario/toml_reader.hpp"

namespace skinrd::delivery {

// The index in species.use of the entry's `species`; ConfigError when it is not listed.
int species_index(const scenario::Scenario& scenario, scenario::TomlSection& entry);

// "every" and "times" repeat an entry: the start times it expands to.
std::vector<double> repeats(scenario::TomlSection& entry, double at_s);

// The depth of the tissue's layers, um (without a film).
double tissue_depth_um(const scenario::Scenario& scenario);

// ConfigError on `key` of the root when an application at at_s lies outside the run.
void check_within_run(const scenario::Scenario& scenario, scenario::TomlSection& root,
                      const std::string& key, const std::string& what, double at_s);

// A species' concentration or amount (ng or particles, as scenario files give it) for the user: "VEGF 1000 ng/mL",
// "exosome 1e+10 particles/mL", "VEGF 0.5 ng".
std::string concentration_text(const scenario::Scenario& scenario, int species, double concentration);
std::string amount_text(const scenario::Scenario& scenario, int species, double amount);

// The entries that start an application: entries applied at the same time (sorted by time)
// are one application (a film of several species, a patch loaded with several), and the
// first stands for it.
template <class Entry>
std::vector<int> first_of_each_application(const std::vector<Entry>& entries) {
  std::vector<int> firsts;
  for (std::size_t i = 0; i < entries.size(); ++i)
    if (i == 0 || entries[i - 1].at_s != entries[i].at_s) firsts.push_back(static_cast<int>(i));
  return firsts;
}

// Whether entry i repeats the species of an earlier entry applied at the same time.
template <class Entry>
bool species_repeated(const std::vector<Entry>& entries, std::size_t i) {
  for (std::size_t j = i; j-- > 0 && entries[j].at_s == entries[i].at_s;)
    if (entries[j].species == entries[i].species) return true;
  return false;
}

}  // namespace skinrd::delivery
