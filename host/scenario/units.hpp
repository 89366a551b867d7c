#pragma once
// Dimensional values of scenario files: "15 um", "2 h", "5 ng/mL", "100 pM", "1e10 particles/mL",
// "10 uL/cm^2", "50 ng/needle", "0.5 uL/min". Each is converted to skinrd's internal unit for
// its dimension. A bare number where a unit is needed, a unit of another dimension, and an
// unknown unit are ConfigErrors naming the key and the line.
#include <string>
#include <string_view>
#include <vector>

namespace skinrd::scenario {

// Factors between the units of scenario files and skinrd's internal ones (um, s, ng/mL or
// particles/mL; an amount is a concentration × um^3).
constexpr double kUm3PerUL = 1e9;              // 1 uL = 1 mm^3
constexpr double kInternalPerAmount = 1e12;    // 1 ng = 1e12 (ng/mL)·um^3, likewise particles
constexpr double kCmPerUm = 1e-4;
constexpr double kFilmUmPerUL_per_cm2 = 10;    // 1 uL spread over 1 cm^2 is 10 um thick

enum class Dimension {
  length,             // um
  time,               // s
  concentration,      // ng/mL for proteins, particles/mL for vesicles
  diffusivity,        // um^2/s
  rate,               // 1/s
  volume,             // uL
  volume_per_area,    // uL/cm^2
  amount,             // ng, or particles
  amount_per_area,    // ng/cm^2, or particles/cm^2
  amount_per_needle,  // ng/needle, or particles/needle
  flow_rate,          // uL/s
  binding_rate,       // k_on: 1/(concentration·s), per internal concentration unit
  molar_mass,         // g/mol
  speed,              // um/s (a film's evaporation)
  volume_per_mass,    // L/kg (a volume of distribution)
  mass,               // kg (a body)
  area,               // um^2 (a treated area)
  flow_per_area,      // uL/cm^2/s (a flow-through receptor's flow)
};

const char* internal_unit(Dimension dimension, bool particles);
const char* to_string(Dimension dimension);

// What a concentration or amount refers to: a protein of known molecular weight (molar
// values convert exactly), or vesicles counted as particles (molar values through
// Avogadro's number). Mass units are refused for particles and particle units for proteins.
struct SpeciesBasis {
  double molecular_weight_g_per_mol = 0;  // 0: unknown, molar units are refused
  bool particles = false;
};

// Parses "<number> <unit>" (spaces optional between them) into the internal unit.
double parse_quantity(std::string_view text, Dimension dimension, const std::string& key,
                      int line, const SpeciesBasis& basis = {});

// Values for the user to read, 3 significant figures. A time in the largest unit it fills (ms,
// s, min, h, d, or years from 2 years on), the zeros kept: 35 d reads "35.0 d", 90 min "1.50 h".
std::string format_time(double s);
// A length from micrometres in nm, um or mm, the zeros kept ("500 um", "20.5 um", "1.73 mm").
std::string format_length(double um);
// A plain number with `significant` figures and no trailing zeros ("0.001", "1.3e+05").
std::string format_number(double value, int significant = 3);

// The units accepted for a dimension, for error messages and documentation.
std::vector<std::string> accepted_units(Dimension dimension, bool particles);

}  // namespace skinrd::scenario
