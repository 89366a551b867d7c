#include "host/run/records.hpp"

#include <cmath>
#include <limits>

#include "kernels/transport.hpp"

namespace skinrd::run {

template <class Real>
OutputRecord make_record(double t_s, int species, const RecordTissue& tissue,
                         std::span<const Real> c, const SpeciesLedger& ledger, double ec) {
  const Grid& grid = tissue.grid;
  const auto& material = tissue.material;
  const MaterialTable& materials = tissue.materials;
  const std::size_t plane = static_cast<std::size_t>(grid.nx) * grid.ny;
  OutputRecord r;
  r.time_s = t_s;
  r.species = species;
  r.ledger = ledger;
  for (std::size_t l = 0; l < grid.layers.size(); ++l) {
    const LayerRange& range = grid.layers[l];
    LayerRecord layer;
    layer.name = range.name;
    double above = 0;
    for (int k = range.k_begin; k < range.k_end; ++k) {
      const double cell = grid.dx_um * grid.dx_um * grid.dz_um[k];
      layer.volume_um3 += cell * plane;
      for (std::size_t v = plane * k; v < plane * (k + 1); ++v) {
        const double u = c[v] / materials.at(material[v], tissue.lane).partition;
        if (std::isnan(u)) above = u;  // a NaN field's fraction is NaN, not "below EC"
        else if (ec > 0 && u >= ec) above += cell;
      }
    }
    layer.free = r.ledger.free_by_layer[l];
    layer.bound = r.ledger.bound_by_layer[l];
    layer.internalised = r.ledger.internalised_by_layer[l];
    layer.mean_free_concentration = layer.free / layer.volume_um3;
    layer.fraction_at_or_above_ec = above / layer.volume_um3;
    r.layers.push_back(layer);
  }
  // Net flux down across each layer interface now, through the same face conductances as
  // the transport step (kernels/transport.hpp), in amount per second.
  const std::vector<double> dz(grid.dz_um.begin(), grid.dz_um.end());
  const kernels::GridView<double> host_grid{grid.nx, grid.ny, grid.nz, grid.dx_um, dz.data(),
                                            material.data()};
  const auto coeffs = materials.species_coeffs<double>(tissue.lane);
  for (std::size_t l = 0; l + 1 < grid.layers.size(); ++l) {
    const int k = grid.layers[l].k_end - 1;
    double flux = 0;
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i) {
        const std::size_t v = grid.index(i, j, k);
        const auto& self = coeffs[material[v]];
        const auto face = kernels::face_towards(host_grid, tissue.periodic, coeffs.data(), self,
                                                i, j, k, 2, +1);
        flux += face.conductance * (c[v] / self.partition - c[face.neighbour] / face.other->partition);
      }
    r.interface_flux_per_s.push_back(flux);
  }
  // Deepest lateral mean ≥ EC/100, of the free interstitial-fluid concentration u = c/K that EC
  // refers to (as the fraction at or above EC above): c itself under-reads where K < 1.
  for (int k = tissue.surface_k; k < grid.nz; ++k) {
    double mean = 0;
    for (std::size_t v = plane * k; v < plane * (k + 1); ++v)
      mean += c[v] / materials.at(material[v], tissue.lane).partition;
    mean /= plane;
    if (std::isnan(mean) || std::isnan(r.penetration_depth_um))
      r.penetration_depth_um = std::numeric_limits<double>::quiet_NaN();
    else if (ec > 0 && mean >= ec / 100)
      r.penetration_depth_um = grid.z_center_um(k) - grid.z_faces_um[tissue.surface_k];
  }
  r.ledger_residual = r.ledger.balance_residual();
  return r;
}

template OutputRecord make_record<float>(double, int, const RecordTissue&, std::span<const float>,
                                         const SpeciesLedger&, double);
template OutputRecord make_record<double>(double, int, const RecordTissue&, std::span<const double>,
                                          const SpeciesLedger&, double);

}  // namespace skinrd::run
