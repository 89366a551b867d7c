#pragma once
// From one output time's fields to what the run reports of them (an OutputRecord): amounts
// per layer, the fraction of each layer at or above the effective concentration, the flux
// across each layer interface and the penetration depth. No files: the writers format it.
#include <cstdint>
#include <span>
#include <vector>

#include "host/grid.hpp"
#include "host/ledger.hpp"
#include "host/materials.hpp"
#include "host/run/metrics.hpp"

namespace skinrd::run {

// What a record is computed from: the tissue's geometry and, as they were at the output time,
// its voxel material ids and coefficients (of lane `lane`).
struct RecordTissue {
  const Grid& grid;
  int surface_k;  // the first tissue cell layer
  bool periodic;
  const std::vector<std::uint8_t>& material;
  const MaterialTable& materials;
  int lane;
};

template <class Real>
OutputRecord make_record(double t_s, int species, const RecordTissue& tissue,
                         std::span<const Real> free, const SpeciesLedger& ledger,
                         double effective_concentration);

}  // namespace skinrd::run
