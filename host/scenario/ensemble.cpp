#include "host/scenario/ensemble.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <sstream>

#include "host/error.hpp"
#include "host/scenario/units.hpp"
#include "host/scenario/toml_reader.hpp"

namespace skinrd::scenario {
namespace {

// A parsed value written back as TOML text, as `--set key=value` takes it.
std::string toml_text(const toml::node& value) {
  std::ostringstream text;
  value.visit([&](auto&& v) { text << v; });
  return text.str();
}

bool safe_name(const std::string& name) {
  if (name.empty() || name == "." || name == "..") return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return false;
  return true;
}

std::vector<std::string> assignments(TomlSection& section, const std::string& key) {
  std::vector<std::string> result;
  const toml::table* table = section.raw_table(key);
  if (!table) return result;
  for (auto&& [k, v] : *table) {
    if (v.is_table() || v.is_array_of_tables())
      section.fail(key, "\"" + std::string(k.str()) +
                            "\": give one value per key, with the key's whole path as the name, "
                            "as in \"intradermal.0.volume\" = \"0.02 uL\"");
    result.push_back(std::string(k.str()) + "=" + toml_text(v));
  }
  return result;
}

}  // namespace

EnsembleSpec load_ensemble(const std::string& path, const std::string& scenario_given) {
  namespace fs = std::filesystem;
  const toml::table table = parse_toml_file(path, {});
  TomlSection root(table, "");
  EnsembleSpec spec;
  spec.path = path;
  spec.name = root.text("name", fs::path(path).stem().string());
  spec.write_vtk = root.boolean("vtk", false);
  if (root.has("scenario")) {
    if (!scenario_given.empty())
      root.fail("scenario", "a scenario is also given on the command line: give one of them");
    const fs::path given = root.text("scenario", std::nullopt);
    spec.scenario_path = (given.is_absolute() ? given : fs::path(path).parent_path() / given)
                             .lexically_normal()
                             .string();
  } else if (scenario_given.empty()) {
    root.fail("scenario", "is required: the scenario file the members vary (or give it on the "
                          "command line)");
  } else {
    spec.scenario_path = scenario_given;
  }

  std::vector<EnsembleMember> listed;
  for (TomlSection& member : root.tables("member")) {
    EnsembleMember m;
    m.name = member.text("name", std::nullopt);
    if (!safe_name(m.name))
      member.fail("name", "\"" + m.name + "\" names the member's output folder: use letters, "
                                          "digits, '-', '_' and '.'");
    m.overrides = assignments(member, "set");
    member.finish();
    listed.push_back(std::move(m));
  }
  if (listed.empty()) listed.push_back({"member", {}});

  // The sweep: every combination of its values, the first key slowest.
  std::vector<std::pair<std::string, std::vector<std::string>>> axes;
  if (const toml::table* sweep = root.raw_table("sweep")) {
    TomlSection section(*sweep, "sweep");
    // In the file's order (a parsed table iterates its keys sorted by name).
    std::vector<std::pair<const toml::key*, const toml::node*>> entries;
    for (auto&& [k, v] : *sweep) entries.emplace_back(&k, &v);
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      const auto &pa = a.first->source().begin, &pb = b.first->source().begin;
      return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
    });
    for (const auto& [k, node] : entries) {
      const toml::node& v = *node;
      const std::string key(k->str());
      section.accept(key);
      const toml::array* values = v.as_array();
      if (!values || values->empty() || values->is_array_of_tables())
        section.fail(key, "expected a list of values, one per member, as in [\"0.5 um^2/s\", \"2 um^2/s\"]");
      std::vector<std::string> texts;
      for (const toml::node& value : *values) texts.push_back(key + "=" + toml_text(value));
      axes.emplace_back(key, std::move(texts));
    }
  }
  // Counted in double before any member is made: 6 keys of 40 values are 4.1e9 members.
  double count = static_cast<double>(listed.size());
  std::string sizes, keys;
  for (const auto& axis : axes) {
    count *= static_cast<double>(axis.second.size());
    sizes += " x " + std::to_string(axis.second.size());
    keys += (keys.empty() ? "" : ", ") + axis.first;
  }
  if (count > kMaxMembers) {
    std::ostringstream message;
    message << std::to_string(listed.size()) << " member" << (listed.size() > 1 ? "s" : "")
            << sizes << " values (" << keys << ") make " << count
            << " members, more than the limit of " << kMaxMembers
            << ": sweep fewer keys or values, or split the ensemble";
    root.fail(axes.empty() ? "member" : "sweep", message.str());
  }
  std::size_t combinations = 1;
  for (const auto& axis : axes) combinations *= axis.second.size();
  const int digits = static_cast<int>(std::to_string(combinations - 1).size());
  for (const EnsembleMember& base : listed)
    for (std::size_t c = 0; c < combinations; ++c) {
      EnsembleMember m = base;
      std::size_t rest = c;
      for (std::size_t a = axes.size(); a-- > 0;) {  // the last key fastest
        const auto& values = axes[a].second;
        m.overrides.push_back(values[rest % values.size()]);
        rest /= values.size();
      }
      if (!axes.empty()) {
        std::string index = std::to_string(c);
        m.name += "-" + std::string(digits - index.size(), '0') + index;
        // Overrides in key order, the sweep's after the member's own.
        std::reverse(m.overrides.end() - static_cast<long>(axes.size()), m.overrides.end());
      }
      spec.members.push_back(std::move(m));
    }
  std::set<std::string> names;
  for (const EnsembleMember& member : spec.members)
    if (!names.insert(member.name).second)
      root.fail("member", "two members are named \"" + member.name + "\"");
  root.finish();
  return spec;
}

std::vector<Scenario> load_members(const EnsembleSpec& spec,
                                   const std::vector<std::string>& overrides,
                                   const Library& library) {
  std::vector<Scenario> scenarios;
  for (const EnsembleMember& member : spec.members) {
    std::vector<std::string> all = overrides;
    all.insert(all.end(), member.overrides.begin(), member.overrides.end());
    try {
      scenarios.push_back(load_scenario(spec.scenario_path, all, library));
    } catch (const ConfigError& error) {
      throw ConfigError(spec.path + ": member \"" + member.name + "\"", error.what());
    }
  }
  // Members step together and record at the same times: each gets every member's outputs
  // (those dense after its own events and after the others'). Members whose regular outputs
  // differ keep theirs, and the ensemble check refuses them.
  const auto regular_as_first = [&](const Scenario& s) {
    return s.run.duration_s == scenarios.front().run.duration_s &&
           s.run.output_interval_s == scenarios.front().run.output_interval_s;
  };
  std::vector<double> times;
  for (const Scenario& s : scenarios)
    if (regular_as_first(s)) times.insert(times.end(), s.run.output_times_s.begin(), s.run.output_times_s.end());
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  if (times.size() > kMaxOutputs)
    throw ConfigError(spec.path, "the members' outputs together are more than the limit of " +
                                     format_number(kMaxOutputs) + " output times");
  for (Scenario& s : scenarios)
    if (regular_as_first(s)) s.run.output_times_s = times;
  return scenarios;
}

}  // namespace skinrd::scenario
