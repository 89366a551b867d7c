// OpenMP loops over the transport functions of kernels/transport.hpp.
#include <algorithm>

#include "kernels/cpu/parallel_for.hpp"
#include "kernels/cpu/react_row.hpp"
#include "kernels/cpu/rows.hpp"
#include "kernels/instantiate.hpp"
#include "kernels/transport.hpp"

namespace skinrd::kernels::cpu {
namespace {

// Row by row (kernels/cpu/rows.hpp): each cell's inputs gathered from the row's tables (its faces,
// the exponential integrator's constants of its material) into explicit_update, the update
// CUDA's kernels call, in one SIMD loop; the ledger from per-layer, per-material sums of the
// amounts lost, the top slab's shares (a fixed top), the bottom rates and the source rates.
template <class Real>
void explicit_step_channel(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                           const Channel<Real>& ch, Real dt_s) {
  const SpeciesView<Real>& sp = ch.species;
  Real* next = ch.next;
  const Real source_scale = ch.source_scale;
  const bool react = reacts_after(ch);
  const int nm = material_count(grid), nz = grid.nz, nx = grid.nx;
  const OperatorTables<Real> t(grid, bc, sp.coeffs, dt_s, nm);
  std::vector<Real> lost_fraction(nm), phi(nm);
  std::vector<double> degraded_share(nm);
  for (int a = 0; a < nm; ++a) {
    const ExplicitLoss<Real> loss = explicit_loss(sp.coeffs[a], dt_s);
    lost_fraction[a] = loss.lost_fraction;
    phi[a] = loss.phi;
    degraded_share[a] = loss.degraded_share;
  }
  const std::size_t row = nx, plane = row * grid.ny;
  std::vector<double> lost_sum(std::size_t(nz) * nm), source_sum(nz);
  double top_in_sum = 0, bottom_out_sum = 0, reacted[tally_count] = {};
#pragma omp parallel
  {
    RowNeighbourhood<Real> r(nx);
    std::vector<Real> fraction(row), phis(row), top(row), bottom(row), lost(row), bottom_out(row),
        rates(row);
    std::vector<double> top_in(row);
    std::vector<double> local_lost(lost_sum.size()), local_source(nz);
    double local_top_in = 0, local_bottom_out = 0, local_reacted[tally_count] = {};
#pragma omp for collapse(2) schedule(static) nowait
    for (int k = 0; k < nz; ++k)
      for (int j = 0; j < grid.ny; ++j) {
        const std::size_t start = k * plane + j * row;
        const std::uint8_t* mat = grid.material + start;
        const RowFaces<Real> faces = r.load(grid, bc, sp.concentration, t, j, k);
        gather(lost_fraction.data(), mat, nx, fraction.data());
        gather(phi.data(), mat, nx, phis.data());
        gather_boundary(t.vertical, grid, mat, k, top.data(), bottom.data());
        const Real volume_um3 = grid.volume_um3(k), top_value = sp.top_concentration,
                   bottom_value = sp.bottom_concentration;
        const bool slab = in_top_slab(bc, k), slab_bottom = top_slab_last_layer(bc, k);
        const Real *c = sp.concentration + start, *fractions = fraction.data(),
                   *phi_row = phis.data(), *top_conductance = top.data(),
                   *bottom_conductance = bottom.data();
        const Real* source = sp.source_per_s ? sp.source_per_s + start : r.zeros;
        Real *out = next + start, *lost_row = lost.data(), *bottom_row = bottom_out.data(),
             *rate_row = rates.data();
        double* top_row = top_in.data();
#pragma omp simd
        for (int i = 0; i < nx; ++i) {
          rate_row[i] = scaled_source_rate(source[i], source_scale);
          const ExplicitVoxel<Real> voxel{faces.at(i),
                                          {top_conductance[i], bottom_conductance[i]},
                                          top_value,
                                          c[i],
                                          volume_um3,
                                          rate_row[i],
                                          fractions[i],
                                          phi_row[i],
                                          bottom_value};
          const ExplicitResult<Real> result = explicit_update(voxel, dt_s);
          out[i] = result.concentration;
          lost_row[i] = result.lost;
          top_row[i] = slab ? explicit_top_slab_share(voxel, result, slab_bottom, dt_s) : 0.0;
          bottom_row[i] = result.rate.bottom_out_per_s;
        }
        add_by_material(lost_row, mat, nx, local_lost.data() + std::size_t(k) * nm);
        if (sp.source_per_s) local_source[k] += row_sum(rate_row, nx);
        if (slab) local_top_in += row_sum(top_row, nx);
        if (k == nz - 1) local_bottom_out += row_sum(bottom_row, nx);
        if (react)
          react_row(grid, sp.coeffs, k, start, ch.react_after_s, out, ch.bound + start,
                    ch.internalised + start, local_reacted);
      }
#pragma omp critical
    {
      for (std::size_t n = 0; n < lost_sum.size(); ++n) lost_sum[n] += local_lost[n];
      for (int k = 0; k < nz; ++k) source_sum[k] += local_source[k];
      top_in_sum += local_top_in;
      bottom_out_sum += local_bottom_out;
      for (int q = 0; q < tally_count; ++q) reacted[q] += local_reacted[q];
    }
  }
  double total[tally_count] = {};
  for (int k = 0; k < nz; ++k) {
    const double volume_um3 = grid.volume_um3(k);
    for (int a = 0; a < nm; ++a)
      add_explicit_loss_tallies(lost_sum[std::size_t(k) * nm + a] * volume_um3, degraded_share[a],
                                total);
    add_source_tally(static_cast<double>(dt_s), source_sum[k], volume_um3, total);
  }
  add_explicit_boundary_tallies(top_in_sum, bottom_out_sum, static_cast<double>(dt_s), total);
  for (int q = 0; q < tally_count; ++q) ch.tallies[q] += total[q] + reacted[q];
}

}  // namespace

template <class Real>
void explicit_step(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                   const ChannelBatch<Real>& batch, Real dt_s) {
  for_each_channel(batch, [&](const Channel<Real>& ch) {
    explicit_step_channel(grid, bc, ch, dt_s);
  });
}

template <class Real>
Real max_explicit_rate_per_s(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                             const MaterialCoeffs<Real>* coeffs) {
  Real rate = 0;
#pragma omp parallel for collapse(2) schedule(static) reduction(max : rate)
  for (int k = 0; k < grid.nz; ++k)
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i)
        rate = std::max(rate, explicit_rate_bound_per_s(grid, bc, coeffs, i, j, k));
  return rate;
}

SKINRD_INSTANTIATE_FOR_FLOAT_AND_DOUBLE(SKINRD_INSTANTIATE_DIFFUSION)
template float max_explicit_rate_per_s<float>(const GridView<float>&, const BoundaryView<float>&,
                                              const MaterialCoeffs<float>*);
template double max_explicit_rate_per_s<double>(const GridView<double>&,
                                                const BoundaryView<double>&,
                                                const MaterialCoeffs<double>*);

}  // namespace skinrd::kernels::cpu
