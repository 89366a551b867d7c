// Coarse output fields (host/output/downsample): block means that never mix tissue layers,
// keep the amount, are exact for linear data, and refuse factors that do not tile the grid.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "host/error.hpp"
#include "host/grid.hpp"
#include "host/output/downsample.hpp"

namespace {

using skinrd::Grid;
using skinrd::output::Downsampler;

// Layers of 3, 5 and 2 cells (none a multiple of 2 or 4) with dz growing 1.3× per cell, so
// the block means must weight by dz and blocks must stop at layer boundaries.
Grid graded_grid(int nx, int ny) {
  Grid grid;
  grid.nx = nx;
  grid.ny = ny;
  grid.dx_um = 20;
  grid.z_faces_um = {0.0};
  double dz_um = 5;
  for (const auto& [name, cells] : {std::pair{"stratum_corneum", 3}, {"epidermis", 5}, {"dermis", 2}}) {
    skinrd::LayerRange range{name, grid.nz, grid.nz + cells, grid.z_faces_um.back(), 0, 0};
    for (int c = 0; c < cells; ++c, dz_um *= 1.3) {
      grid.z_faces_um.push_back(grid.z_faces_um.back() + dz_um);
      grid.dz_um.push_back(grid.z_faces_um.back() - grid.z_faces_um[grid.z_faces_um.size() - 2]);
    }
    grid.nz += cells;
    range.z_bottom_um = grid.z_faces_um.back();
    grid.layers.push_back(range);
  }
  grid.material.assign(grid.voxel_count(), 0);
  return grid;
}

// Σ value × cell volume (um³ × value).
double amount(const Grid& grid, const std::vector<float>& field) {
  double total = 0;
  for (int k = 0; k < grid.nz; ++k)
    for (int v = 0; v < grid.nx * grid.ny; ++v)
      total += field[k * grid.nx * grid.ny + v] * grid.dx_um * grid.dx_um * grid.dz_um[k];
  return total;
}

TEST(Downsampler, BlocksNeverCrossALayerBoundary) {
  const Grid fine = graded_grid(8, 8);
  const float layer_value[] = {1, 10, 100};
  std::vector<float> field(fine.voxel_count());
  for (std::size_t l = 0; l < fine.layers.size(); ++l)
    for (int k = fine.layers[l].k_begin; k < fine.layers[l].k_end; ++k)
      for (int v = 0; v < fine.nx * fine.ny; ++v) field[fine.index(0, 0, k) + v] = layer_value[l];

  for (int factor : {2, 4}) {
    SCOPED_TRACE("factor " + std::to_string(factor));
    const Downsampler down(fine, factor);
    const Grid& coarse = down.coarse();
    const std::vector<float> mean = down.mean(field);
    ASSERT_EQ(mean.size(), coarse.voxel_count());
    ASSERT_EQ(coarse.layers.size(), fine.layers.size());
    int k_next = 0;  // coarse layers tile the column in order
    for (std::size_t l = 0; l < fine.layers.size(); ++l) {
      const auto& fine_layer = fine.layers[l];
      const auto& coarse_layer = coarse.layers[l];
      EXPECT_EQ(coarse_layer.name, fine_layer.name);
      EXPECT_EQ(coarse_layer.k_begin, k_next);
      // `factor` fine cells per coarse cell, the last one of a layer shorter.
      const int fine_cells = fine_layer.k_end - fine_layer.k_begin;
      EXPECT_EQ(coarse_layer.k_end - coarse_layer.k_begin, (fine_cells + factor - 1) / factor);
      k_next = coarse_layer.k_end;
      double thickness_um = 0;
      for (int K = coarse_layer.k_begin; K < coarse_layer.k_end; ++K) {
        thickness_um += coarse.dz_um[K];
        // A block reaching into the next layer would give a blend of 1, 10 and 100.
        for (int v = 0; v < coarse.nx * coarse.ny; ++v)
          EXPECT_FLOAT_EQ(mean[coarse.index(0, 0, K) + v], layer_value[l]) << "K " << K;
      }
      EXPECT_NEAR(thickness_um, fine_layer.z_bottom_um - fine_layer.z_top_um, 1e-9);
    }
    EXPECT_EQ(k_next, coarse.nz);
    EXPECT_NEAR(coarse.depth_um(), fine.depth_um(), 1e-9);
  }
}

TEST(Downsampler, KeepsTheAmount) {
  const Grid fine = graded_grid(8, 4);
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> value(0.01f, 5.0f);
  std::vector<float> field(fine.voxel_count());
  for (float& c : field) c = value(rng);
  for (int factor : {2, 4}) {
    const Downsampler down(fine, factor);
    EXPECT_NEAR(amount(down.coarse(), down.mean(field)) / amount(fine, field), 1.0, 1e-6)
        << "factor " << factor;
  }
}

TEST(Downsampler, LinearLateralFieldGoesToTheCoarseCellCentre) {
  // A volume mean of linear data is its value at the block's centroid; x and y separately,
  // so a swapped lateral index shows.
  const Grid fine = graded_grid(9, 6);
  std::vector<float> x_um(fine.voxel_count()), y_um(fine.voxel_count());
  for (int k = 0; k < fine.nz; ++k)
    for (int j = 0; j < fine.ny; ++j)
      for (int i = 0; i < fine.nx; ++i) {
        x_um[fine.index(i, j, k)] = static_cast<float>(fine.x_center_um(i));
        y_um[fine.index(i, j, k)] = static_cast<float>(fine.x_center_um(j));  // dy = dx
      }
  const Downsampler down(fine, 3);
  const Grid& coarse = down.coarse();
  EXPECT_DOUBLE_EQ(coarse.dx_um, 3 * fine.dx_um);
  const std::vector<float> x_mean = down.mean(x_um), y_mean = down.mean(y_um);
  for (int K = 0; K < coarse.nz; ++K)
    for (int J = 0; J < coarse.ny; ++J)
      for (int I = 0; I < coarse.nx; ++I) {
        EXPECT_NEAR(x_mean[coarse.index(I, J, K)], coarse.x_center_um(I), 1e-4);
        EXPECT_NEAR(y_mean[coarse.index(I, J, K)], coarse.x_center_um(J), 1e-4);
      }
}

TEST(Downsampler, FactorOneIsTheIdentity) {
  const Grid fine = graded_grid(5, 3);
  std::vector<float> field(fine.voxel_count());
  for (std::size_t n = 0; n < field.size(); ++n) field[n] = 0.5f + static_cast<float>(n % 7);
  const Downsampler down(fine, 1);
  EXPECT_EQ(down.coarse().nz, fine.nz);
  const std::vector<float> mean = down.mean(field);
  ASSERT_EQ(mean.size(), field.size());
  for (std::size_t n = 0; n < field.size(); ++n) EXPECT_FLOAT_EQ(mean[n], field[n]);
}

TEST(Downsampler, RefusesAFactorThatDoesNotTileTheLateralCells) {
  const Grid fine = graded_grid(6, 4);
  for (int factor : {0, 3 /* divides nx only */, 4 /* divides ny only */}) {
    try {
      Downsampler(fine, factor);
      ADD_FAILURE() << "factor " << factor << " accepted";
    } catch (const skinrd::ConfigError& e) {
      EXPECT_EQ(e.key(), "output.downsample");
      EXPECT_NE(std::string(e.what()).find("output.downsample"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
