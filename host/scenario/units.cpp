#include "host/scenario/units.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "host/error.hpp"

namespace skinrd::scenario {
namespace {

constexpr double kAvogadro = 6.02214076e23;  // 1/mol, exact (SI 2019)

// A unit: its name, the dimension it measures, and the factor to the internal unit.
// kind: 0 plain, 1 mass-based (proteins only), 2 particle-based (vesicles only),
// 3 molar (needs a molecular weight, or Avogadro's number for particles).
struct Unit {
  const char* name;
  Dimension dimension;
  double factor;
  int kind;
};

// Concentrations: internal ng/mL (proteins) or particles/mL. Molar factors are in mol/L,
// converted by the basis: ng/mL = mol/L × MW[g/mol] × 1e6; particles/mL = mol/L × N_A × 1e-3.
constexpr Unit kUnits[] = {
    {"nm", Dimension::length, 1e-3, 0},       {"um", Dimension::length, 1, 0},
    {"µm", Dimension::length, 1, 0},          {"mm", Dimension::length, 1e3, 0},
    {"cm", Dimension::length, 1e4, 0},        {"m", Dimension::length, 1e6, 0},
    {"ms", Dimension::time, 1e-3, 0},         {"s", Dimension::time, 1, 0},
    {"min", Dimension::time, 60, 0},          {"h", Dimension::time, 3600, 0},
    {"d", Dimension::time, 86400, 0},         {"week", Dimension::time, 604800, 0},
    {"weeks", Dimension::time, 604800, 0},
    {"pg/mL", Dimension::concentration, 1e-3, 1}, {"ng/mL", Dimension::concentration, 1, 1},
    {"ug/mL", Dimension::concentration, 1e3, 1},  {"µg/mL", Dimension::concentration, 1e3, 1},
    {"mg/mL", Dimension::concentration, 1e6, 1},  {"particles/mL", Dimension::concentration, 1, 2},
    {"fM", Dimension::concentration, 1e-15, 3},   {"pM", Dimension::concentration, 1e-12, 3},
    {"nM", Dimension::concentration, 1e-9, 3},    {"uM", Dimension::concentration, 1e-6, 3},
    {"µM", Dimension::concentration, 1e-6, 3},
    {"um^2/s", Dimension::diffusivity, 1, 0},     {"µm^2/s", Dimension::diffusivity, 1, 0},
    {"cm^2/s", Dimension::diffusivity, 1e8, 0},   {"m^2/s", Dimension::diffusivity, 1e12, 0},
    {"1/s", Dimension::rate, 1, 0},               {"1/min", Dimension::rate, 1.0 / 60, 0},
    {"1/h", Dimension::rate, 1.0 / 3600, 0},      {"1/d", Dimension::rate, 1.0 / 86400, 0},
    {"nL", Dimension::volume, 1e-3, 0},           {"uL", Dimension::volume, 1, 0},
    {"µL", Dimension::volume, 1, 0},              {"mL", Dimension::volume, 1e3, 0},
    {"uL/cm^2", Dimension::volume_per_area, 1, 0}, {"µL/cm^2", Dimension::volume_per_area, 1, 0},
    {"mL/cm^2", Dimension::volume_per_area, 1e3, 0},
    {"pg", Dimension::amount, 1e-3, 1},           {"ng", Dimension::amount, 1, 1},
    {"ug", Dimension::amount, 1e3, 1},            {"µg", Dimension::amount, 1e3, 1},
    {"mg", Dimension::amount, 1e6, 1},            {"particles", Dimension::amount, 1, 2},
    {"pg/cm^2", Dimension::amount_per_area, 1e-3, 1}, {"ng/cm^2", Dimension::amount_per_area, 1, 1},
    {"ug/cm^2", Dimension::amount_per_area, 1e3, 1},  {"µg/cm^2", Dimension::amount_per_area, 1e3, 1},
    {"particles/cm^2", Dimension::amount_per_area, 1, 2},
    {"pg/needle", Dimension::amount_per_needle, 1e-3, 1},
    {"ng/needle", Dimension::amount_per_needle, 1, 1},
    {"ug/needle", Dimension::amount_per_needle, 1e3, 1},
    {"µg/needle", Dimension::amount_per_needle, 1e3, 1},
    {"particles/needle", Dimension::amount_per_needle, 1, 2},
    {"nL/min", Dimension::flow_rate, 1e-3 / 60, 0}, {"uL/min", Dimension::flow_rate, 1.0 / 60, 0},
    {"µL/min", Dimension::flow_rate, 1.0 / 60, 0},  {"uL/h", Dimension::flow_rate, 1.0 / 3600, 0},
    {"uL/s", Dimension::flow_rate, 1, 0},
    {"1/(ng/mL*s)", Dimension::binding_rate, 1, 1},
    {"1/(particles/mL*s)", Dimension::binding_rate, 1, 2},
    {"1/(M*s)", Dimension::binding_rate, 1, 3},
    {"Da", Dimension::molar_mass, 1, 0},          {"kDa", Dimension::molar_mass, 1e3, 0},
    {"g/mol", Dimension::molar_mass, 1, 0},
    {"um/s", Dimension::speed, 1, 0},             {"um/min", Dimension::speed, 1.0 / 60, 0},
    {"um/h", Dimension::speed, 1.0 / 3600, 0},
    {"L/kg", Dimension::volume_per_mass, 1, 0},   {"mL/kg", Dimension::volume_per_mass, 1e-3, 0},
    {"kg", Dimension::mass, 1, 0},                {"g", Dimension::mass, 1e-3, 0},
    {"um^2", Dimension::area, 1, 0},              {"mm^2", Dimension::area, 1e6, 0},
    {"cm^2", Dimension::area, 1e8, 0},            {"m^2", Dimension::area, 1e12, 0},
    {"uL/cm^2/s", Dimension::flow_per_area, 1, 0},
    {"uL/cm^2/min", Dimension::flow_per_area, 1.0 / 60, 0},
    {"uL/cm^2/h", Dimension::flow_per_area, 1.0 / 3600, 0},
    {"mL/cm^2/h", Dimension::flow_per_area, 1e3 / 3600, 0},
};

std::string trim(std::string_view text) {
  std::size_t first = 0, last = text.size();
  while (first < last && std::isspace(static_cast<unsigned char>(text[first]))) ++first;
  while (last > first && std::isspace(static_cast<unsigned char>(text[last - 1]))) --last;
  return std::string(text.substr(first, last - first));
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string formatted(const char* format, double value, const char* unit) {
  char text[48];
  std::snprintf(text, sizeof text, format, value, unit);
  return text;
}

// `value unit` with 3 significant figures, the zeros kept (35.0, 1.50, 500); from 1000 to
// 10000 as whole numbers, outside 0.001 to 10000 in exponent form.
std::string with_unit(double value, const char* unit) {
  char rounded[32];
  std::snprintf(rounded, sizeof rounded, "%.3g", value);
  const double r = std::strtod(rounded, nullptr);  // 99.96 rounds to 100: 0 decimals
  const double magnitude = std::fabs(r);
  if (!(magnitude >= 1e-3 && magnitude < 1e4)) return formatted("%.3g %s", r, unit);
  const int decimals = std::max(0, 2 - static_cast<int>(std::floor(std::log10(magnitude))));
  char text[64];
  std::snprintf(text, sizeof text, "%.*f %s", decimals, r, unit);
  return text;
}

}  // namespace

const char* to_string(Dimension dimension) {
  switch (dimension) {
    case Dimension::length: return "a length";
    case Dimension::time: return "a duration";
    case Dimension::concentration: return "a concentration";
    case Dimension::diffusivity: return "a diffusion coefficient";
    case Dimension::rate: return "a rate";
    case Dimension::volume: return "a volume";
    case Dimension::volume_per_area: return "a volume per area";
    case Dimension::amount: return "an amount";
    case Dimension::amount_per_area: return "an amount per area";
    case Dimension::amount_per_needle: return "an amount per needle";
    case Dimension::flow_rate: return "a flow rate";
    case Dimension::binding_rate: return "a binding rate constant";
    case Dimension::molar_mass: return "a molar mass";
    case Dimension::speed: return "a speed";
    case Dimension::volume_per_mass: return "a volume per body mass";
    case Dimension::mass: return "a mass";
    case Dimension::area: return "an area";
    case Dimension::flow_per_area: return "a flow rate per area";
  }
  return "?";
}

const char* internal_unit(Dimension dimension, bool particles) {
  switch (dimension) {
    case Dimension::length: return "um";
    case Dimension::time: return "s";
    case Dimension::concentration: return particles ? "particles/mL" : "ng/mL";
    case Dimension::diffusivity: return "um^2/s";
    case Dimension::rate: return "1/s";
    case Dimension::volume: return "uL";
    case Dimension::volume_per_area: return "uL/cm^2";
    case Dimension::amount: return particles ? "particles" : "ng";
    case Dimension::amount_per_area: return particles ? "particles/cm^2" : "ng/cm^2";
    case Dimension::amount_per_needle: return particles ? "particles/needle" : "ng/needle";
    case Dimension::flow_rate: return "uL/s";
    case Dimension::binding_rate: return particles ? "1/(particles/mL*s)" : "1/(ng/mL*s)";
    case Dimension::molar_mass: return "g/mol";
    case Dimension::speed: return "um/s";
    case Dimension::volume_per_mass: return "L/kg";
    case Dimension::mass: return "kg";
    case Dimension::area: return "um^2";
    case Dimension::flow_per_area: return "uL/cm^2/s";
  }
  return "?";
}

std::vector<std::string> accepted_units(Dimension dimension, bool particles) {
  std::vector<std::string> names;
  for (const Unit& unit : kUnits)
    if (unit.dimension == dimension && unit.kind != (particles ? 1 : 2)) names.push_back(unit.name);
  return names;
}

namespace {
// A finite number whose conversion to the internal unit overflows ("1e308 L") is refused too.
double finite_internal(double internal, const std::string& text, const std::string& key, int line) {
  if (!std::isfinite(internal))
    throw ConfigError(key, "\"" + text + "\" is too large to hold in skinrd's internal unit", line);
  return internal;
}
}  // namespace

double parse_quantity(std::string_view text, Dimension dimension, const std::string& key,
                      int line, const SpeciesBasis& basis) {
  const std::string s = trim(text);
  double value = 0;
  const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (error != std::errc() || end == s.data())
    throw ConfigError(key, "expected " + std::string(to_string(dimension)) +
                               " such as \"5 " + internal_unit(dimension, basis.particles) +
                               "\", got \"" + s + "\"",
                      line);
  if (!std::isfinite(value))
    throw ConfigError(key, "the number in \"" + s + "\" is not finite", line);
  const std::string unit_name = trim(std::string_view(end, s.data() + s.size() - end));
  if (unit_name.empty())
    throw ConfigError(key, "a bare number needs a unit: " + std::string(to_string(dimension)) +
                               " in one of " + join(accepted_units(dimension, basis.particles)),
                      line);
  for (const Unit& unit : kUnits) {
    if (unit_name != unit.name) continue;
    if (unit.dimension != dimension)
      throw ConfigError(key, "\"" + s + "\" is " + to_string(unit.dimension) + ", but " +
                                 to_string(dimension) + " is needed (" +
                                 join(accepted_units(dimension, basis.particles)) + ")",
                        line);
    if (unit.kind == 1 && basis.particles)
      throw ConfigError(key, "\"" + unit_name + "\" is a mass unit; this species is counted "
                                 "in particles (" + join(accepted_units(dimension, true)) + ")",
                        line);
    if (unit.kind == 2 && !basis.particles)
      throw ConfigError(key, "\"" + unit_name + "\" counts particles; this species is a "
                                 "protein measured by mass (" +
                                 join(accepted_units(dimension, false)) + ")",
                        line);
    if (unit.kind == 3) {
      // mol/L → internal concentration: a binding rate per molar scales inversely.
      double per_molar;
      if (basis.particles) {
        per_molar = kAvogadro * 1e-3;  // particles/mL per mol/L
      } else {
        if (!(basis.molecular_weight_g_per_mol > 0))
          throw ConfigError(key, "molar unit \"" + unit_name + "\" needs the species' "
                                     "molecular weight, which is not set",
                            line);
        per_molar = basis.molecular_weight_g_per_mol * 1e6;  // ng/mL per mol/L
      }
      return finite_internal(dimension == Dimension::binding_rate ? value * unit.factor / per_molar
                                                                  : value * unit.factor * per_molar,
                             s, key, line);
    }
    return finite_internal(value * unit.factor, s, key, line);
  }
  throw ConfigError(key, "unknown unit \"" + unit_name + "\" for " + to_string(dimension) +
                             "; use one of " + join(accepted_units(dimension, basis.particles)),
                    line);
}

std::string format_time(double s) {
  const struct { double seconds, from; const char* unit; } units[] = {
      {365.25 * 86400, 2 * 365.25 * 86400, "years"}, {86400, 86400, "d"}, {3600, 3600, "h"},
      {60, 60, "min"}, {1, 1, "s"}, {1e-3, 1e-3, "ms"}};
  if (s == 0) return "0 s";
  char rounded[32];  // 59.996 s is 60.0 s, which reads 1.00 min
  std::snprintf(rounded, sizeof rounded, "%.3g", s);
  for (const auto& u : units)
    if (std::fabs(std::strtod(rounded, nullptr)) >= u.from) return with_unit(s / u.seconds, u.unit);
  return formatted("%.3g %s", s, "s");
}

std::string format_length(double um) {
  if (um != 0 && std::fabs(um) < 1) return with_unit(um * 1e3, "nm");
  if (std::fabs(um) >= 1000) return with_unit(um / 1e3, "mm");
  return um == 0 ? "0 um" : with_unit(um, "um");
}

std::string format_number(double value, int significant) {
  char text[48];
  std::snprintf(text, sizeof text, "%.*g", significant, value);
  return text;
}

}  // namespace skinrd::scenario
