// Both backends run one Thomas sweep (thomas_sweep of kernels/implicit.hpp) and one per-voxel
// update per stage (explicit_update, implicit_rhs_update); what differs is how each gathers the
// inputs. These tests check the CPU's gathers against the per-voxel ones CUDA uses: the blocked
// line sweeps (many lines per SIMD loop, x lines through a transposed tile, rows from the
// sweep's tables) against solve_line (rows from implicit_row), bitwise where neither side
// contracts multiply-adds; the row tables' faces (RowFaces) against gather_voxel_faces,
// bitwise; and the CPU row loops of the right-hand side (implicit_rhs, add_constant_inflow),
// of the ledger (implicit_tallies, summed per layer and material) and of the explicit step
// against the per-voxel functions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "host/simulation.hpp"
#include "kernels/cpu/rows.hpp"
#include "kernels/implicit.hpp"
#include "kernels/launchers.hpp"

namespace {

using namespace skinrd;

// The launchers run batches of channels; these tests give them one (a batch of several is
// tests/test_batching.cpp's).
template <class Real>
kernels::ChannelBatch<Real> one_channel(const kernels::Channel<Real>& channel) {
  return {&channel, nullptr, 1};
}

template <class Real>
kernels::Channel<Real> channel_of(const kernels::SpeciesView<Real>& sp, Real source_scale) {
  kernels::Channel<Real> c;
  c.species = sp;
  c.source_scale = source_scale;
  return c;
}

struct SweepCase {
  int nx, ny;
  bool periodic, open_ends;
};

// Four materials at random (one impermeable, partitions 0.1 to 3), graded z, losses on, and
// a random field.
template <class Real>
struct HeterogeneousGrid {
  MaterialTable table{{"a", "b", "c", "closed"}, {"s"}};
  Grid grid;
  std::vector<Real> dz;
  kernels::GridView<Real> view;
  kernels::BoundaryView<Real> bc;
  std::vector<kernels::MaterialCoeffs<Real>> coeffs;
  std::mt19937 rng;
  std::vector<Real> start;

  HeterogeneousGrid(const SweepCase& c, unsigned seed, bool uniform_first_row = false)
      : grid(make_grid(c.nx, c.ny, 4.0, {{"x", 3, 1, 0}, {"y", 8, 4, 1}, {"z", 30, 10, 2}})),
        rng(seed) {
    table.at(0, 0) = {100, 1.0, 0.01, 0};
    table.at(1, 0) = {5, 0.1, 0, 0.5};
    table.at(2, 0) = {30, 3.0, 2.0, 0.3};
    table.at(3, 0) = {0, 1.0, 0, 0};
    for (auto& m : grid.material) m = static_cast<std::uint8_t>(rng() % 4);
    if (uniform_first_row)  // one row of one material: the broadcast path of the row loops
      std::fill(grid.material.begin(), grid.material.begin() + c.nx, std::uint8_t(2));
    dz.assign(grid.dz_um.begin(), grid.dz_um.end());
    view = {grid.nx, grid.ny, grid.nz, static_cast<Real>(grid.dx_um), dz.data(),
            grid.material.data()};
    bc.periodic_lateral = c.periodic;
    if (c.open_ends) {
      bc.top = kernels::TopBoundary::fixed_concentration;
      bc.bottom = kernels::BottomBoundary::perfect_sink;
    }
    coeffs = table.species_coeffs<Real>(0);
    start = random_values(0);
  }
  std::vector<Real> random_values(double shift) {
    std::uniform_real_distribution<double> value(0, 10);
    std::vector<Real> v(grid.voxel_count());
    for (auto& x : v) x = static_cast<Real>(value(rng) - shift);
    return v;
  }
};

template <class Real>
void expect_blocked_sweeps_match_reference(const SweepCase& c, Real tolerance) {
  HeterogeneousGrid<Real> h(c, 11);
  const Grid& grid = h.grid;
  const auto& view = h.view;
  const auto& bc = h.bc;
  const auto& coeffs = h.coeffs;
  const std::vector<Real>& start = h.start;
  const Real theta_dt_s = Real(0.7);

  for (int axis = 0; axis < 3; ++axis) {
    std::vector<Real> blocked = start, reference = start;
    std::vector<Real> scratch(3 * grid.voxel_count());
    kernels::Channel<Real> channel;
    channel.species.coeffs = coeffs.data();
    channel.next = blocked.data();
    kernels::cpu::line_sweep(view, nullptr, bc, one_channel(channel), axis, theta_dt_s,
                             kernels::ChannelField::next, scratch.data());
    Real* cp = scratch.data();
    Real* q = cp + grid.voxel_count();
    const int a_count = axis == 0 ? grid.ny : grid.nx, b_count = axis == 2 ? grid.ny : grid.nz;
    for (int b = 0; b < b_count; ++b)
      for (int a = 0; a < a_count; ++a) {
        const int i0 = axis == 0 ? 0 : a, j0 = axis == 0 ? a : (axis == 1 ? 0 : b);
        kernels::solve_line(view, bc, coeffs.data(), axis, i0, j0, axis == 2 ? 0 : b,
                            theta_dt_s, reference.data(), cp, q);
      }
    double worst = 0;
    for (std::size_t v = 0; v < reference.size(); ++v) {
      ASSERT_TRUE(std::isfinite(static_cast<double>(blocked[v]))) << "axis " << axis;
      const double scale = std::max(1.0, std::abs(static_cast<double>(reference[v])));
      worst = std::max(worst, std::abs(static_cast<double>(blocked[v]) - reference[v]) / scale);
    }
    EXPECT_LE(worst, tolerance) << "axis " << axis << ", " << c.nx << " × " << c.ny
                                << (c.periodic ? " periodic" : " closed sides")
                                << (c.open_ends ? ", open ends" : "");
  }
}

// More than one block of 64 lanes, a partial block, lines of 1, 2 and 3 cells (a periodic
// line of 2 is solved directly), periodic and closed sides, open and closed ends.
const SweepCase kCases[] = {{70, 67, true, true},  {70, 67, false, false}, {3, 130, true, false},
                            {130, 3, false, true}, {1, 5, true, true},     {2, 2, true, false},
                            {2, 9, false, true},   {5, 1, false, false}};

TEST(LineSweeps, BlockedSweepEqualsReferenceLineSolveInDouble) {
  for (const SweepCase& c : kCases) expect_blocked_sweeps_match_reference<double>(c, 1e-13);
}

TEST(LineSweeps, BlockedSweepEqualsReferenceLineSolveInFloat) {
  for (const SweepCase& c : kCases) expect_blocked_sweeps_match_reference<float>(c, 1e-5f);
}


struct RowCase {
  int nx, ny;
  bool periodic, open_ends, source;
};

template <class Real>
double max_relative_difference(const std::vector<Real>& a, const std::vector<double>& b,
                               double scale) {
  double worst = 0;
  for (std::size_t v = 0; v < a.size(); ++v) {
    if (!std::isfinite(static_cast<double>(a[v]))) return INFINITY;
    worst = std::max(worst, std::abs(static_cast<double>(a[v]) - b[v]) / scale);
  }
  return worst;
}

template <class Real>
void expect_rows_match_reference(const RowCase& c, double tolerance) {
  HeterogeneousGrid<Real> h({c.nx, c.ny, c.periodic, c.open_ends}, 23 + c.nx * 7 + c.ny,
                            c.ny > 1);
  const Grid& grid = h.grid;
  const auto& view = h.view;
  const auto& bc = h.bc;
  const std::size_t voxels = grid.voxel_count();
  std::vector<Real> c_old = h.start, c_new = h.random_values(0), source = h.random_values(3);
  kernels::SpeciesView<Real> sp{h.coeffs.data(), c_old.data(), c.source ? source.data() : nullptr,
                                Real(2.5)};
  const Real dt = Real(0.3), scale = Real(0.8);
  const std::string where = std::to_string(c.nx) + " × " + std::to_string(c.ny) +
                            (c.periodic ? " periodic" : " closed sides") +
                            (c.open_ends ? ", open ends" : "") + (c.source ? ", source" : "");

  // Right-hand side and constant inflow.
  std::vector<Real> rhs(voxels), inflow = c_new;
  kernels::Channel<Real> channel = channel_of(sp, scale);
  channel.work = rhs.data();
  channel.next = inflow.data();
  kernels::cpu::implicit_rhs(view, bc, one_channel(channel), dt);
  kernels::cpu::add_constant_inflow(view, bc, one_channel(channel), dt);
  std::vector<double> rhs_reference(voxels), inflow_reference(voxels);
  double rhs_scale = 1, inflow_scale = 1;
  for (int k = 0; k < grid.nz; ++k)
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i) {
        const std::size_t idx = view.index(i, j, k);
        rhs_reference[idx] = kernels::implicit_rhs(view, bc, sp, i, j, k, dt, scale);
        inflow_reference[idx] =
            c_new[idx] + kernels::constant_inflow(view, bc, sp, i, j, k, dt, scale);
        rhs_scale = std::max(rhs_scale, std::abs(rhs_reference[idx]));
        inflow_scale = std::max(inflow_scale, std::abs(inflow_reference[idx]));
      }
  EXPECT_LE(max_relative_difference(rhs, rhs_reference, rhs_scale), tolerance)
      << "implicit_rhs, " << where;
  EXPECT_LE(max_relative_difference(inflow, inflow_reference, inflow_scale), tolerance)
      << "add_constant_inflow, " << where;

  // The explicit step: new values and its ledger.
  {
    std::vector<Real> next(voxels);
    double rows[kernels::tally_count] = {}, reference[kernels::tally_count] = {};
    kernels::Channel<Real> step = channel_of(sp, scale);
    step.next = next.data();
    step.tallies = rows;
    kernels::cpu::explicit_step(view, bc, one_channel(step), dt);
    std::vector<double> next_reference(voxels);
    double next_scale = 1, magnitude = 1;
    for (int k = 0; k < grid.nz; ++k)
      for (int j = 0; j < grid.ny; ++j)
        for (int i = 0; i < grid.nx; ++i) {
          const auto r = kernels::explicit_voxel_step(view, bc, sp, i, j, k, dt, scale);
          next_reference[view.index(i, j, k)] = r.concentration;
          next_scale = std::max(next_scale, std::abs(static_cast<double>(r.concentration)));
          for (int t = 0; t < kernels::tally_count; ++t) {
            reference[t] += r.tally[t];
            magnitude = std::max(magnitude, std::abs(r.tally[t]));
          }
        }
    EXPECT_LE(max_relative_difference(next, next_reference, next_scale), tolerance)
        << "explicit_step, " << where;
    for (int t = 0; t < kernels::tally_count; ++t)
      EXPECT_NEAR(rows[t], reference[t], 1e-12 * magnitude * static_cast<double>(voxels))
          << "explicit tally " << t << ", " << where;
  }

  // Ledger tallies, θ = ½ and 1; the per-voxel sums in double.
  for (const Real theta : {Real(0.5), Real(1)}) {
    double rows[kernels::tally_count] = {}, reference[kernels::tally_count] = {};
    kernels::Channel<Real> tallies = channel_of(sp, scale);
    tallies.next = c_new.data();
    tallies.tallies = rows;
    kernels::cpu::implicit_tallies(view, bc, one_channel(tallies), theta, dt, false);
    // Douglas–Gunn's form: next = c_old + work written in the same pass, the same tallies.
    std::vector<Real> correction(voxels), corrected(voxels);
    for (std::size_t v = 0; v < voxels; ++v) correction[v] = c_new[v] - c_old[v];
    double corrected_rows[kernels::tally_count] = {};
    kernels::Channel<Real> fused = tallies;
    fused.work = correction.data();
    fused.next = corrected.data();
    fused.tallies = corrected_rows;
    kernels::cpu::implicit_tallies(view, bc, one_channel(fused), theta, dt, true);
    for (std::size_t v = 0; v < voxels; ++v)
      ASSERT_EQ(corrected[v], c_old[v] + correction[v]) << "voxel " << v << ", " << where;
    double magnitude = 1;
    for (int k = 0; k < grid.nz; ++k)
      for (int j = 0; j < grid.ny; ++j)
        for (int i = 0; i < grid.nx; ++i) {
          auto r =
              kernels::implicit_tallies(view, bc, sp, c_new.data(), i, j, k, theta, dt, scale);
          if (kernels::in_top_slab(bc, k))  // the fixed top's inflow: the top slab's budget
            r.tally[kernels::Tally::entered_top] += kernels::implicit_top_slab_share(
                view, bc, sp, kernels::NewValues<Real>{c_old.data(), nullptr, c_new.data()}, i, j,
                k, theta, dt, scale);
          for (int t = 0; t < kernels::tally_count; ++t) {
            reference[t] += r.tally[t];
            magnitude = std::max(magnitude, std::abs(r.tally[t]));
          }
        }
    for (int t = 0; t < kernels::tally_count; ++t) {
      const double bound = 1e-12 * magnitude * static_cast<double>(voxels);
      EXPECT_NEAR(rows[t], reference[t], bound) << "tally " << t << ", θ " << theta << ", " << where;
      // c_old + (c_new − c_old) rounds back to c_new only to within an ulp.
      EXPECT_NEAR(corrected_rows[t], rows[t], 1e-5 * magnitude * static_cast<double>(voxels))
          << "fused tally " << t << ", θ " << theta << ", " << where;
    }
    if (!c.open_ends) {
      EXPECT_EQ(rows[kernels::Tally::entered_top], 0.0);
      EXPECT_EQ(rows[kernels::Tally::lost_bottom], 0.0);
    } else {
      EXPECT_NE(rows[kernels::Tally::entered_top], 0.0);
    }
  }
}

// Lines of 1, 2 and 3 cells along x and y (a periodic 2 has both faces to one neighbour),
// rows longer than a SIMD register, periodic and closed sides, open and closed ends, with and
// without a source.
const RowCase kRowCases[] = {
    {70, 67, true, true, true},  {70, 67, false, false, false}, {3, 13, true, false, true},
    {13, 3, false, true, true},  {1, 5, true, true, false},     {2, 2, true, false, true},
    {2, 9, false, true, false},  {5, 1, false, false, true},    {1, 1, true, true, true},
    {17, 2, true, true, true}};

// The faces a CPU row gathers from its tables are the ones gather_voxel_faces reads from the
// grid, bit for bit: the same conductances (series_conductance is symmetric) and the same u.
template <class Real>
void expect_row_faces_equal_voxel_faces(const RowCase& c) {
  HeterogeneousGrid<Real> h({c.nx, c.ny, c.periodic, c.open_ends}, 5 + c.nx + c.ny, c.ny > 1);
  const auto& view = h.view;
  const int materials = kernels::cpu::material_count(view);
  const kernels::cpu::OperatorTables<Real> tables(view, h.bc, h.coeffs.data(), Real(0.3),
                                                  materials);
  kernels::cpu::RowNeighbourhood<Real> rows(view.nx);
  for (int k = 0; k < view.nz; ++k)
    for (int j = 0; j < view.ny; ++j) {
      const kernels::cpu::RowFaces<Real> faces = rows.load(view, h.bc, h.start.data(), tables, j, k);
      for (int i = 0; i < view.nx; ++i) {
        const kernels::VoxelFaces<Real> row = faces.at(i);
        const kernels::VoxelFaces<Real> voxel = kernels::gather_voxel_faces(
            view, h.bc.periodic_lateral, h.coeffs.data(), i, j, k, h.start[view.index(i, j, k)],
            kernels::FieldValues<Real>{h.start.data()});
        ASSERT_EQ(row.u, voxel.u) << i << ", " << j << ", " << k;
        for (int f = 0; f < kernels::kFaceCount; ++f) {
          ASSERT_EQ(row.conductance[f], voxel.conductance[f])
              << "face " << f << " of " << i << ", " << j << ", " << k << " in " << c.nx << " × "
              << c.ny;
          ASSERT_EQ(row.u_neighbour[f], voxel.u_neighbour[f])
              << "face " << f << " of " << i << ", " << j << ", " << k << " in " << c.nx << " × "
              << c.ny;
        }
      }
    }
}

TEST(CpuRows, RowFacesEqualVoxelFacesBitwise) {
  for (const RowCase& c : kRowCases) {
    expect_row_faces_equal_voxel_faces<float>(c);
    expect_row_faces_equal_voxel_faces<double>(c);
  }
}

TEST(CpuRows, RowLoopsEqualPerVoxelReferenceInDouble) {
  for (const RowCase& c : kRowCases) expect_rows_match_reference<double>(c, 1e-14);
}

TEST(CpuRows, RowLoopsEqualPerVoxelReferenceInFloat) {
  for (const RowCase& c : kRowCases) expect_rows_match_reference<float>(c, 1e-6);
}

}  // namespace
