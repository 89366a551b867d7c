// Units of scenario values: conversions to the internal units and the errors for bare
// numbers, wrong dimensions, unknown units and mass/particle/molar mismatches.
#include <gtest/gtest.h>

#include "host/error.hpp"
#include "host/scenario/units.hpp"

namespace {

using namespace skinrd;
using namespace skinrd::scenario;

constexpr double kVegfMw = 38200;  // g/mol, for a molar-conversion check done by hand here

TEST(Units, ConvertsToInternalUnits) {
  EXPECT_DOUBLE_EQ(parse_quantity("15 um", Dimension::length, "k", 1), 15);
  EXPECT_DOUBLE_EQ(parse_quantity("1.9 mm", Dimension::length, "k", 1), 1900);
  EXPECT_DOUBLE_EQ(parse_quantity("2 h", Dimension::time, "k", 1), 7200);
  EXPECT_DOUBLE_EQ(parse_quantity("30 min", Dimension::time, "k", 1), 1800);
  EXPECT_DOUBLE_EQ(parse_quantity("5ng/mL", Dimension::concentration, "k", 1), 5);
  EXPECT_DOUBLE_EQ(parse_quantity("1e-6 cm^2/s", Dimension::diffusivity, "k", 1), 100);
  EXPECT_DOUBLE_EQ(parse_quantity("0.044 1/h", Dimension::rate, "k", 1), 0.044 / 3600);
  EXPECT_DOUBLE_EQ(parse_quantity("10 uL/cm^2", Dimension::volume_per_area, "k", 1), 10);
  EXPECT_DOUBLE_EQ(parse_quantity("50 ng/needle", Dimension::amount_per_needle, "k", 1), 50);
  EXPECT_DOUBLE_EQ(parse_quantity("0.5 uL/min", Dimension::flow_rate, "k", 1), 0.5 / 60);
}

// 100 pM of a 38.2 kDa protein: 100e-12 mol/L × 38200 g/mol = 3.82e-6 g/L = 3.82 ng/mL.
TEST(Units, MolarThroughMolecularWeight) {
  const SpeciesBasis vegf{kVegfMw, false};
  EXPECT_NEAR(parse_quantity("100 pM", Dimension::concentration, "k", 1, vegf), 3.82, 1e-12);
  EXPECT_NEAR(parse_quantity("2 nM", Dimension::concentration, "k", 1, vegf), 76.4, 1e-10);
  // k_on = 1e6 /(M s) per ng/mL: 1e6 / (38200 × 1e6 ng/mL per M) = 2.6178e-5 /(ng/mL s)
  EXPECT_NEAR(parse_quantity("1e6 1/(M*s)", Dimension::binding_rate, "k", 1, vegf),
              1e6 / (kVegfMw * 1e6), 1e-18);
}

// Vesicles: 1 nM of particles = 1e-9 × 6.02214076e23 / 1000 = 6.02214076e11 particles/mL.
TEST(Units, ParticlesThroughAvogadro) {
  const SpeciesBasis exosomes{0, true};
  EXPECT_DOUBLE_EQ(parse_quantity("1e10 particles/mL", Dimension::concentration, "k", 1, exosomes), 1e10);
  EXPECT_NEAR(parse_quantity("1 nM", Dimension::concentration, "k", 1, exosomes), 6.02214076e11, 1e-3);
}

// Expects a ConfigError naming the key and the line, whose message contains `text`.
void expect_error(std::string_view value, Dimension dimension, const std::string& text,
                  const SpeciesBasis& basis = {}) {
  try {
    parse_quantity(value, dimension, "delivery.topical.thickness", 17, basis);
    FAIL() << "no error for \"" << value << "\"";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "delivery.topical.thickness");
    EXPECT_EQ(e.line(), 17);
    const std::string message = e.what();
    EXPECT_NE(message.find("line 17"), std::string::npos) << message;
    EXPECT_NE(message.find(text), std::string::npos) << message;
  }
}

TEST(Units, ErrorsNameKeyAndLine) {
  expect_error("20", Dimension::length, "a bare number needs a unit");
  expect_error("5 um", Dimension::time, "is a length, but a duration is needed");
  expect_error("5 furlongs", Dimension::length, "unknown unit \"furlongs\"");
  expect_error("thick", Dimension::length, "expected a length");
  expect_error("5 ng/mL", Dimension::concentration, "is a mass unit", {0, true});
  expect_error("5 particles/mL", Dimension::concentration, "counts particles", {38200, false});
  expect_error("100 pM", Dimension::concentration, "needs the species' molecular weight");
}

}  // namespace
