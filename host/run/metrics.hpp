#pragma once
// What a run reports at each output time, and the route metrics of DESIGN §5 computed from
// those records (at the resolution of the output times).
#include <string>
#include <vector>

#include "host/body/body_coupling.hpp"
#include "host/ledger.hpp"

namespace skinrd::run {

// Amounts are kept as concentration × um^3; (ng/mL)·um^3 = 1e-12 ng, likewise for particles.
constexpr double kAmountPerInternal = 1e-12;

struct LayerRecord {
  std::string name;
  double volume_um3 = 0;
  double free = 0, bound = 0, internalised = 0;  // amounts, internal units (conc × um^3)
  double mean_free_concentration = 0;            // free amount / layer volume
  double fraction_at_or_above_ec = 0;            // of the layer's volume, u = c/K ≥ EC
};

struct OutputRecord {
  double time_s = 0;
  int species = 0;
  SpeciesLedger ledger;
  std::vector<LayerRecord> layers;
  double penetration_depth_um = 0;  // deepest z with lateral-mean c/K ≥ EC/100 (0: none)
  std::vector<double> interface_flux_per_s;  // down across each layer interface, now (internal)
  double ledger_residual = 0;                // ledger.balance_residual() when recorded
  double bleb_fluid_uL = 0;                  // injected fluid still in the bleb
  body::BodyRecord body;                     // the systemic compartment and receptor now
};

struct SpeciesSummary {
  std::string species, amount_unit, concentration_unit;
  double dose = 0;  // delivered: everything that entered: dosed + through the top + sources
  // Applied: delivered + what a device held and did not release (needle residue). The
  // fractions below are of the applied dose, so with the device's share they sum to one.
  double dose_applied = 0;
  double fraction_delivered = 0;        // dose / dose_applied
  double peak_fraction_viable_epidermis = 0, peak_fraction_viable_epidermis_time_s = 0;
  double peak_fraction_dermis = 0, peak_fraction_dermis_time_s = 0;
  struct Layer {
    std::string name;
    double peak_mean_concentration = 0, peak_time_s = 0, auc_conc_s = 0;
  };
  std::vector<Layer> layers;
  std::string target_layer;
  double exposure_target_s = 0;      // ∫ volume fraction ≥ EC dt
  double time_above_ec_target_s = 0; // time with ≥ half the layer at or above EC
  double max_penetration_depth_um = 0;
  double fraction_degraded = 0, fraction_cleared = 0, fraction_internalised = 0,
         fraction_removed = 0, fraction_lost_bottom = 0;
  // Left in the device: needle residue at removal and film wiped off (removed + in_device).
  double fraction_left_in_device = 0;
  double max_ledger_residual = 0;
  // The systemic compartment (exact between couplings, not only at output times), patient values.
  double plasma_cmax = 0, plasma_tmax_s = 0, plasma_auc_conc_s = 0;
  double fraction_receptor = 0;  // of the dose: in the receptor + collected
};

// records: one species' records in time order.
SpeciesSummary summarise(const std::vector<OutputRecord>& records, const std::string& target_layer,
                         const std::string& amount_unit, const std::string& concentration_unit);

}  // namespace skinrd::run
