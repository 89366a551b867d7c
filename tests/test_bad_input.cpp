// Bad input is a typed error whose message names the offending key and value.
#include <gtest/gtest.h>

#include <cmath>

#include "host/backend.hpp"
#include "host/error.hpp"
#include "host/simulation.hpp"

namespace {

using namespace skinrd;

// Expects ConfigError whose key contains key_part and whose message contains value_text.
template <class F>
void expect_config_error(F&& f, const std::string& key_part, const std::string& value_text) {
  try {
    f();
    FAIL() << "no ConfigError for " << key_part;
  } catch (const ConfigError& e) {
    EXPECT_NE(e.key().find(key_part), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(value_text), std::string::npos) << e.what();
  }
}

TEST(BadInput, NonPositiveThicknessNamesLayerAndValue) {
  expect_config_error([] { make_grid(2, 2, 5, {{"dermis", 0.0, 2.0, 0}}); },
                      "layers[0] 'dermis'.thickness_um", "got 0 um");
  expect_config_error([] { make_grid(2, 2, 5, {{"epidermis", 50, 2, 0}, {"dermis", -5, 2, 0}}); },
                      "layers[1] 'dermis'.thickness_um", "-5 um");
}

TEST(BadInput, NonPositiveOrNonFiniteSpacing) {
  expect_config_error([] { make_grid(2, 2, 5, {{"sc", 15, 0.0, 0}}); }, "'sc'.dz_um", "0 um");
  expect_config_error([] { make_grid(2, 2, 5, {{"sc", 15, -1.0, 0}}); }, "'sc'.dz_um", "-1 um");
  expect_config_error([] { make_grid(2, 2, 5, {{"sc", 15, std::nan(""), 0}}); }, "'sc'.dz_um",
                      "nan");
  expect_config_error([] { make_grid(2, 2, -3, {{"sc", 15, 1, 0}}); }, "grid.dx_um", "-3 um");
}

TEST(BadInput, EmptyGrid) {
  expect_config_error([] { make_grid(0, 4, 5, {{"sc", 15, 1, 0}}); }, "grid.nx", "got 0");
  expect_config_error([] { make_grid(4, -1, 5, {{"sc", 15, 1, 0}}); }, "grid.ny", "got -1");
  expect_config_error([] { make_grid(4, 4, 5, {}); }, "grid.layers", "empty");
}

TEST(BadInput, NegativeDiffusionOrNonPositivePartition) {
  MaterialTable table({"dermis"}, {"VEGF"});
  table.at(0, 0) = {-1.0, 1.0, 0, 0};
  expect_config_error([&] { table.validate(); }, "materials.dermis.VEGF.diffusion_um2_per_s",
                      "got -1");
  table.at(0, 0) = {10.0, 0.0, 0, 0};
  expect_config_error([&] { table.validate(); }, "materials.dermis.VEGF.partition", "got 0");
  table.at(0, 0) = {10.0, -2.0, 0, 0};
  expect_config_error([&] { table.validate(); }, "materials.dermis.VEGF.partition", "got -2");
  table.at(0, 0) = {10.0, 1.0, -0.1, 0};
  expect_config_error([&] { table.validate(); }, "materials.dermis.VEGF.degradation_per_s",
                      "got -0.1");
}

TEST(BadInput, MaterialIdOutsideTheTable) {
  MaterialTable table({"dermis"}, {"VEGF"});
  table.at(0, 0) = {10.0, 1.0, 0, 0};
  Grid grid = make_grid(2, 2, 5, {{"dermis", 20, 5, 0}});
  grid.material[3] = 4;
  expect_config_error([&] { Simulation<double>(Problem{grid, table, {}}, BackendKind::cpu); },
                      "grid.material", "material id 4");
}

TEST(BadInput, BackendNames) {
  expect_config_error([] { select_backend("gpu"); }, "backend", "'gpu'");
  // An explicit CUDA request without a usable device is an error, never a silent fallback.
  if (!cuda_device_available()) {
    EXPECT_THROW(select_backend("cuda"), Error);
    EXPECT_EQ(select_backend("auto").kind, BackendKind::cpu);
  } else {
    EXPECT_EQ(select_backend("cuda").kind, BackendKind::cuda);
    EXPECT_EQ(select_backend("auto").kind, BackendKind::cuda);
  }
}

}  // namespace
