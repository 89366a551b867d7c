#include "host/scenario/toml_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "host/error.hpp"
#include "host/scenario/toml_precheck.hpp"
#include "host/scenario/units.hpp"

namespace skinrd::scenario {

TomlSection::TomlSection(const toml::table& table, std::string path)
    : table_(&table), path_(std::move(path)) {}

int TomlSection::line() const { return static_cast<int>(table_->source().begin.line); }

bool TomlSection::has(const std::string& key) const { return table_->contains(key); }

std::vector<std::string> TomlSection::keys() const {
  std::vector<std::string> names;
  for (auto&& [k, v] : *table_) names.emplace_back(k.str());
  return names;
}

const toml::node* TomlSection::node(const std::string& key) const { return table_->get(key); }

int TomlSection::line_of(const std::string& key) const {
  for (auto&& [k, v] : *table_)
    if (k.str() == key) return static_cast<int>(k.source().begin.line ? k.source().begin.line
                                                                      : v.source().begin.line);
  return line();
}

std::string TomlSection::key_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

void TomlSection::fail(const std::string& key, const std::string& message) const {
  throw ConfigError(key_path(key), message, line_of(key));
}

double TomlSection::quantity(const std::string& key, Dimension dimension,
                             std::optional<double> fallback, const SpeciesBasis& basis) {
  used_.insert(key);
  const toml::node* n = node(key);
  if (!n) {
    if (fallback) return *fallback;
    fail(key, std::string("is required: ") + to_string(dimension) + " such as \"5 " +
                  internal_unit(dimension, basis.particles) + "\"");
  }
  if (n->is_number())
    fail(key, "a bare number needs a unit: write it as a string such as \"" +
                  format_number(n->value<double>().value_or(0), 6) + " " +
                  internal_unit(dimension, basis.particles) + "\"");
  const auto value = n->value<std::string>();
  if (!value) fail(key, std::string("expected ") + to_string(dimension) + " as a string with a unit");
  return parse_quantity(*value, dimension, key_path(key), line_of(key), basis);
}

double TomlSection::number(const std::string& key, std::optional<double> fallback) {
  used_.insert(key);
  const toml::node* n = node(key);
  if (!n) {
    if (fallback) return *fallback;
    fail(key, "is required (a number)");
  }
  std::optional<double> value = n->value<double>();
  if (auto s = n->value<std::string>(); !value && s) {  // dimensionless values may be written as strings
    try {
      std::size_t used = 0;
      const double v = std::stod(*s, &used);
      if (used == s->size()) value = v;
    } catch (const std::exception&) {
    }
  }
  if (!value) fail(key, "expected a number");
  // TOML has inf and nan literals; no setting means either.
  if (!std::isfinite(*value)) fail(key, "must be a finite number, got " + std::string(std::isnan(*value) ? "nan" : "inf"));
  return *value;
}

bool TomlSection::boolean(const std::string& key, std::optional<bool> fallback) {
  used_.insert(key);
  const toml::node* n = node(key);
  if (!n) {
    if (fallback) return *fallback;
    fail(key, "is required (true or false)");
  }
  if (auto v = n->value<bool>()) return *v;
  fail(key, "expected true or false");
}

std::string TomlSection::text(const std::string& key, std::optional<std::string> fallback,
                              const std::vector<std::string>& allowed) {
  used_.insert(key);
  const toml::node* n = node(key);
  std::string value;
  if (!n) {
    if (!fallback) fail(key, "is required (a string)");
    value = *fallback;
  } else if (auto v = n->value<std::string>()) {
    value = *v;
  } else {
    fail(key, "expected a string");
  }
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    fail(key, "must be one of " + list + ", got \"" + value + "\"");
  }
  return value;
}

std::vector<std::string> TomlSection::texts(const std::string& key) {
  used_.insert(key);
  std::vector<std::string> values;
  const toml::node* n = node(key);
  if (!n) return values;
  const toml::array* array = n->as_array();
  if (!array) fail(key, "expected an array of strings");
  for (const toml::node& item : *array) {
    auto v = item.value<std::string>();
    if (!v) fail(key, "expected an array of strings");
    values.push_back(*v);
  }
  return values;
}

std::optional<TomlSection> TomlSection::table(const std::string& key) {
  used_.insert(key);
  const toml::node* n = node(key);
  if (!n) return std::nullopt;
  const toml::table* t = n->as_table();
  if (!t) fail(key, "expected a table");
  return TomlSection(*t, key_path(key));
}

std::vector<TomlSection> TomlSection::tables(const std::string& key) {
  used_.insert(key);
  std::vector<TomlSection> sections;
  const toml::node* n = node(key);
  if (!n) return sections;
  const toml::array* array = n->as_array();
  if (!array) fail(key, "expected an array of tables ([[" + key_path(key) + "]])");
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::table* t = array->get(i)->as_table();
    if (!t) fail(key, "expected an array of tables ([[" + key_path(key) + "]])");
    sections.emplace_back(*t, key_path(key) + "[" + std::to_string(i) + "]");
  }
  return sections;
}

const toml::table* TomlSection::raw_table(const std::string& key) {
  used_.insert(key);
  const toml::node* n = node(key);
  if (n && !n->is_table()) fail(key, "expected a table of key = value entries");
  return n ? n->as_table() : nullptr;
}

void TomlSection::finish() const {
  for (auto&& [k, v] : *table_)
    if (!used_.count(std::string(k.str()))) {
      std::string known;
      for (const auto& u : used_) known += (known.empty() ? "" : ", ") + u;
      fail(std::string(k.str()), "unknown key (known here: " + known + ")");
    }
}

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path, std::string("cannot open: ") + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw IoError(path, std::string("read failed: ") + std::strerror(errno));
  return text.str();
}

// toml::parse behind the pre-check (toml_precheck.hpp: inputs that reach toml++ 3.3.0's bug).
toml::table parse_checked(const std::string& text, const std::string& source) {
  check_toml_input(text, source);
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream message;
    message << e.description();
    throw ConfigError(source, message.str(), static_cast<int>(e.source().begin.line));
  }
}

}  // namespace

toml::table parse_toml_file(const std::string& path, const std::vector<std::string>& overrides) {
  toml::table root = parse_checked(read_file(path), path);
  for (const std::string& assignment : overrides) {
    check_utf8(assignment, "--set");
    const auto equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0)
      throw ConfigError("--set", "expected key.path=value, got \"" + assignment + "\"");
    const std::string key_path = assignment.substr(0, equals);
    const std::string value = assignment.substr(equals + 1);
    toml::table parsed;
    try {
      parsed = parse_checked("v = " + value, "--set");
    } catch (const ConfigError&) {
      parsed = toml::table{{"v", value}};  // not TOML: take the text as a string
    }
    // Walk (and create) the tables of the path, then set the last key. A number after an
    // array of tables picks its entry: "intradermal.0.volume" is the first [[intradermal]].
    toml::table* table = &root;
    std::size_t start = 0;
    while (true) {
      const auto dot = key_path.find('.', start);
      const std::string part = key_path.substr(start, dot - start);
      if (part.empty()) throw ConfigError("--set", "empty key in \"" + key_path + "\"");
      if (dot == std::string::npos) {
        parsed.get("v")->visit([&](auto&& node) { table->insert_or_assign(part, node); });
        break;
      }
      toml::node* next = table->get(part);
      if (!next) next = &table->insert_or_assign(part, toml::table{}).first->second;
      start = dot + 1;
      if (toml::array* entries = next->as_array()) {
        const auto index_end = key_path.find('.', start);
        const std::string index = key_path.substr(start, index_end - start);
        const std::string array_path = key_path.substr(0, dot);
        if (index.empty() || index.size() > 9 ||
            index.find_first_not_of("0123456789") != std::string::npos || index_end == std::string::npos)
          throw ConfigError("--set", "\"" + array_path + "\" is a list: name an entry and a key, as in \"" +
                                         array_path + ".0.<key>\"");
        const std::size_t n = std::stoul(index);
        if (n >= entries->size())
          throw ConfigError("--set", "\"" + array_path + "\" has " + std::to_string(entries->size()) +
                                         " entries (numbered from 0), not an entry " + index);
        if (!entries->get(n)->is_table())
          throw ConfigError("--set", "entry " + index + " of \"" + array_path + "\" is not a table");
        next = entries->get(n);
        start = index_end + 1;
      }
      if (!next->is_table())
        throw ConfigError("--set", "\"" + key_path.substr(0, start - 1) + "\" is not a table");
      table = next->as_table();
    }
  }
  return root;
}

}  // namespace skinrd::scenario
