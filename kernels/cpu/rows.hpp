#pragma once
// The CPU backend's row machinery, shared by its implicit and explicit loops: per-material and
// per-layer tables built by the shared functions of kernels/*.hpp, gathers by material, and
// one (j, k) row of x with its neighbour rows, from which each cell's faces (VoxelFaces) are
// gathered for the stage's per-voxel update, every cell of a row in one SIMD loop.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/implicit.hpp"

namespace skinrd::kernels::cpu {

// Per-material and per-layer inputs of one sweep's rows, computed once per sweep by the
// shared functions of kernels/implicit.hpp, so the line loops only look them up. At θ·dt = dt,
// a lateral and a z table (OperatorTables) hold all that the operator A needs.
template <class Real>
struct SweepTables {
  int materials = 0;
  std::vector<Real> inv_partition;     // [material]
  std::vector<Real> half_cell;         // [material] lateral (h = dx), [k][material] along z
  std::vector<Real> diagonal_extra;    // [k][material], z only
  std::vector<Real> top_conductance;   // [material] boundary conductance of layer 0, z only
  std::vector<Real> bottom_conductance;  // [material] of layer nz − 1, z only
  std::vector<Real> weight;            // [k] θ·dt/V
  std::vector<Real> area_um2;          // [k] lateral faces; [0] for z faces
};

// Entries of the coefficient tables: given by the grid, or 1 + the largest material id.
template <class Real>
int material_count(const GridView<Real>& grid) {
  if (grid.material_count > 0) return grid.material_count;
  const std::uint8_t* material = grid.material;
  const auto voxels = static_cast<std::ptrdiff_t>(grid.voxel_count());
  std::uint8_t largest = 0;
#pragma omp parallel for simd schedule(static) reduction(max : largest)
  for (std::ptrdiff_t idx = 0; idx < voxels; ++idx)
    largest = material[idx] > largest ? material[idx] : largest;
  return largest + 1;
}

template <class Real>
SweepTables<Real> sweep_tables(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                               const MaterialCoeffs<Real>* coeffs, int axis, Real theta_dt_s,
                               int materials) {
  SweepTables<Real> t;
  const int nm = t.materials = materials;
  for (int a = 0; a < nm; ++a) t.inv_partition.push_back(reciprocal_partition(coeffs[a]));
  for (int k = 0; k < grid.nz; ++k) {
    t.weight.push_back(row_weight_per_conductance(grid, k, theta_dt_s));
    t.area_um2.push_back(grid.dx_um * grid.dz_um[k]);  // as face_towards: dy = dx
  }
  if (axis < 2) {
    for (int a = 0; a < nm; ++a) t.half_cell.push_back(half_cell_conductance(coeffs[a], grid.dx_um));
    return t;
  }
  t.area_um2.assign(1, grid.dx_um * grid.dx_um);
  for (int a = 0; a < nm; ++a) {
    t.top_conductance.push_back(boundary_conductances(grid, bc, coeffs[a], 0).top);
    t.bottom_conductance.push_back(boundary_conductances(grid, bc, coeffs[a], grid.nz - 1).bottom);
  }
  for (int k = 0; k < grid.nz; ++k)
    for (int a = 0; a < nm; ++a) {
      t.half_cell.push_back(half_cell_conductance(coeffs[a], grid.dz_um[k]));
      t.diagonal_extra.push_back(z_row_diagonal_extra(grid, bc, coeffs[a], k, theta_dt_s));
    }
  return t;
}

// out[l] = table[material[l]]. Layered tissue makes most rows of materials uniform: those
// become a broadcast, the rest a scalar gather.
template <class Real>
void gather(const Real* table, const std::uint8_t* material, int lanes, Real* out) {
  std::uint8_t differs = 0;
  for (int l = 0; l < lanes; ++l) differs |= material[l] ^ material[0];
  if (differs == 0) {
    const Real value = table[material[0]];
    for (int l = 0; l < lanes; ++l) out[l] = value;
  } else {
    for (int l = 0; l < lanes; ++l) out[l] = table[material[l]];
  }
}

// A row's top and bottom boundary conductances from a z table: gathered on layers 0 and nz − 1,
// 0 elsewhere.
template <class Real>
void gather_boundary(const SweepTables<Real>& vertical, const GridView<Real>& grid,
                     const std::uint8_t* material, int k, Real* top, Real* bottom) {
  if (k == 0) gather(vertical.top_conductance.data(), material, grid.nx, top);
  else std::fill(top, top + grid.nx, Real(0));
  if (k == grid.nz - 1) gather(vertical.bottom_conductance.data(), material, grid.nx, bottom);
  else std::fill(bottom, bottom + grid.nx, Real(0));
}

// The tables of the whole operator A at step dt (θ·dt = dt): lateral (1/K, half cells at
// h = dx, dt/V and face areas per layer) and vertical (half cells, diagonal extra and boundary
// conductances per layer and material).
template <class Real>
struct OperatorTables {
  SweepTables<Real> lateral, vertical;
  OperatorTables(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                 const MaterialCoeffs<Real>* coeffs, Real dt_s, int materials)
      : lateral(sweep_tables(grid, bc, coeffs, 0, dt_s, materials)),
        vertical(sweep_tables(grid, bc, coeffs, 2, dt_s, materials)) {}
};

// The faces of the cells of one row, gathered from the row buffers of RowNeighbourhood: the
// x faces' conductances (face i between cells i − 1 and i), u with one halo cell each side, and
// u and half cells of the four neighbour rows. Copied into the SIMD loop by value, so its
// pointers are loop invariants.
template <class Real>
struct RowFaces {
  const Real *u, *half_cell, *face_x, *u_y[2], *half_cell_y[2], *u_z[2], *half_cell_z[2],
      *half_cell_z_self;
  Real area_lateral_um2, area_z_um2;
  // Cell i's faces in gather_voxel_faces's order, −x, +x, −y, +y, −z, +z.
  VoxelFaces<Real> at(int i) const {
    return {u[i],
            {face_x[i], face_x[i + 1],
             face_conductance(half_cell[i], half_cell_y[0][i], area_lateral_um2),
             face_conductance(half_cell[i], half_cell_y[1][i], area_lateral_um2),
             face_conductance(half_cell_z_self[i], half_cell_z[0][i], area_z_um2),
             face_conductance(half_cell_z_self[i], half_cell_z[1][i], area_z_um2)},
            {u[i - 1], u[i + 1], u_y[0][i], u_y[1][i], u_z[0][i], u_z[1][i]}};
  }
};

// One (j, k) row of x at a time: u = c/K and the half-cell conductances of the row and of
// its four neighbour rows are looked up in the tables; then RowFaces gives each cell's faces
// to the stage's per-voxel update in one SIMD loop. A missing neighbour (closed side, top,
// bottom) has u = 0 and half-cell conductance 0, hence a face conductance of exactly 0.
template <class Real>
struct RowNeighbourhood {
  int nx;
  std::vector<Real> storage;
  Real *u, *half_cell, *face_x;  // the row, u and half cells with one halo cell each side
  Real *u_y[2], *half_cell_y[2], *u_z[2], *half_cell_z[2], *half_cell_z_self;
  const Real* zeros;  // nx zeros: the source rates where there is no source
  explicit RowNeighbourhood(int n) : nx(n), storage(std::size_t(13) * (n + 2)) {
    Real* p = storage.data();
    auto next = [&]() { Real* q = p; p += nx + 2; return q; };
    u = next() + 1;
    half_cell = next() + 1;
    face_x = next();
    for (int side = 0; side < 2; ++side) {
      u_y[side] = next();
      half_cell_y[side] = next();
      u_z[side] = next();
      half_cell_z[side] = next();
    }
    half_cell_z_self = next();
    zeros = next();  // storage is zero-initialised and this part never written
  }
  // u and half cells of the row of cells c with materials mat, or zeros where there is none.
  void fill(const SweepTables<Real>& inv_partitions, const Real* half_cells, const Real* c,
            const std::uint8_t* mat, Real* u_out, Real* half_cell_out) const {
    if (!c) {
      std::fill(u_out, u_out + nx, Real(0));
      std::fill(half_cell_out, half_cell_out + nx, Real(0));
      return;
    }
    gather(inv_partitions.inv_partition.data(), mat, nx, u_out);
    gather(half_cells, mat, nx, half_cell_out);
#pragma omp simd
    for (int i = 0; i < nx; ++i) u_out[i] = reference_phase(c[i], u_out[i]);
  }
  // Row (j, k) of the field c: the buffers that RowFaces reads, returned.
  RowFaces<Real> load(const GridView<Real>& grid, const BoundaryView<Real>& bc, const Real* c,
                      const OperatorTables<Real>& t, int j, int k) {
    const std::size_t row = nx, plane = row * grid.ny;
    const int nm = t.lateral.materials;
    auto fill_row = [&](int jj, int kk, const Real* half_cells, Real* u_out, Real* hc_out) {
      const bool exists = jj >= 0 && kk >= 0 && kk < grid.nz;
      const std::size_t at = exists ? kk * plane + jj * row : 0;
      fill(t.lateral, half_cells, exists ? c + at : nullptr, grid.material + at, u_out, hc_out);
    };
    fill_row(j, k, t.lateral.half_cell.data(), u, half_cell);
    for (int side = 0; side < 2; ++side) {
      const int step = side ? 1 : -1, kk = k + step;
      fill_row(lateral_neighbour(j, grid.ny, step, bc.periodic_lateral), k,
               t.lateral.half_cell.data(), u_y[side], half_cell_y[side]);
      fill_row(j, kk,
               t.vertical.half_cell.data() + std::size_t(kk >= 0 && kk < grid.nz ? kk : 0) * nm,
               u_z[side], half_cell_z[side]);
    }
    gather(t.vertical.half_cell.data() + std::size_t(k) * nm, grid.material + k * plane + j * row,
           nx, half_cell_z_self);
    // The x faces of the row, face i between cells i − 1 and i.
    const bool periodic_x = bc.periodic_lateral && nx > 1;
    u[-1] = periodic_x ? u[nx - 1] : Real(0);
    half_cell[-1] = periodic_x ? half_cell[nx - 1] : Real(0);
    u[nx] = periodic_x ? u[0] : Real(0);
    half_cell[nx] = periodic_x ? half_cell[0] : Real(0);
    const Real area_lateral = t.lateral.area_um2[k], area_z = t.vertical.area_um2[0];
    Real* gx = face_x;
    const Real* hc = half_cell;
#pragma omp simd
    for (int i = 0; i <= nx; ++i) gx[i] = face_conductance(hc[i - 1], hc[i], area_lateral);
    return {u,
            half_cell,
            face_x,
            {u_y[0], u_y[1]},
            {half_cell_y[0], half_cell_y[1]},
            {u_z[0], u_z[1]},
            {half_cell_z[0], half_cell_z[1]},
            half_cell_z_self,
            area_lateral,
            area_z};
  }
};

// Σ values[i] in double into sums[material[i]], and one SIMD sum where the row is uniform.
template <class Real>
void add_by_material(const Real* values, const std::uint8_t* material, int n, double* sums) {
  std::uint8_t differs = 0;
  for (int i = 0; i < n; ++i) differs |= material[i] ^ material[0];
  if (differs == 0) {
    double sum = 0;
#pragma omp simd reduction(+ : sum)
    for (int i = 0; i < n; ++i) sum += values[i];
    sums[material[0]] += sum;
  } else {
    for (int i = 0; i < n; ++i) sums[material[i]] += values[i];
  }
}

// Σ values[i] in double.
template <class Real>
double row_sum(const Real* values, int n) {
  double sum = 0;
#pragma omp simd reduction(+ : sum)
  for (int i = 0; i < n; ++i) sum += values[i];
  return sum;
}

}  // namespace skinrd::kernels::cpu
