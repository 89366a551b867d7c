#pragma once
// Typed, checked access to one TOML table: every value is read through here, so an
// error names its key path and line, and finish() reports any key nobody asked for.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "host/scenario/units.hpp"

namespace skinrd::scenario {

class TomlSection {
 public:
  TomlSection(const toml::table& table, std::string path);

  const std::string& path() const { return path_; }
  int line() const;
  bool has(const std::string& key) const;
  std::vector<std::string> keys() const;

  // "<number> <unit>" → internal unit; a default where the key is absent (nullopt: required).
  double quantity(const std::string& key, Dimension dimension, std::optional<double> fallback,
                  const SpeciesBasis& basis = {});
  double number(const std::string& key, std::optional<double> fallback);
  bool boolean(const std::string& key, std::optional<bool> fallback);
  std::string text(const std::string& key, std::optional<std::string> fallback,
                   const std::vector<std::string>& allowed = {});
  std::vector<std::string> texts(const std::string& key);
  std::optional<TomlSection> table(const std::string& key);
  std::vector<TomlSection> tables(const std::string& key);  // array of tables
  // The table under `key` as parsed (nullptr when absent), for keys that are not fixed names.
  const toml::table* raw_table(const std::string& key);
  int line_of(const std::string& key) const;
  // Marks a key as handled by someone else (so finish() does not report it).
  void accept(const std::string& key) { used_.insert(key); }

  // Throws ConfigError naming the first key that was never read (an unknown key).
  void finish() const;

  [[noreturn]] void fail(const std::string& key, const std::string& message) const;

 private:
  const toml::node* node(const std::string& key) const;
  std::string key_path(const std::string& key) const;

  const toml::table* table_;
  std::string path_;
  std::set<std::string> used_;
};

// Parses a file (ConfigError with the line on a syntax error) and applies
// "key.path=value" overrides, each value parsed as TOML (strings need quotes or are taken
// as strings when they are not valid TOML).
toml::table parse_toml_file(const std::string& path, const std::vector<std::string>& overrides);

}  // namespace skinrd::scenario
