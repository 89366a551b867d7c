#pragma once
// The body behind the skin (DESIGN §1, Boundaries): per species a systemic one-compartment
// (volume V_d × body mass, elimination ln 2 / t½) fed by what the tissue clears to blood and
// lymph and by what crosses its bottom, and, with bottom = "receptor", a well-stirred receptor
// chamber under the tissue instead. The simulated (unit-cell) amounts are scaled to the patient
// by treated_area / the simulated area. Coupled between chunks of steps: the amounts that left
// the tissue over a chunk arrive at a constant rate, each pool's step is exact, and the pools'
// concentrations are the values beyond the bottom (u_b) for the next chunk.
#include <vector>

#include "host/body/well_stirred_pool.hpp"
#include "host/ledger.hpp"
#include "host/materials.hpp"
#include "host/scenario/scenario.hpp"

namespace skinrd::body {

// 1 L in um^3.
constexpr double kUm3PerLitre = 1e15;
// R = 1/h standing for h = 0 (no clearance below): finite, as MaterialTable requires.
constexpr double kNoContactResistance_s_per_um = 1e30;

// The bottom layer continuing into the body as a semi-infinite medium with first-order
// clearance k (to the systemic compartment): its steady profile u ∝ e^{−z/λ}, λ = √(D/k),
// takes flux h·(u − u_b) with h = K·√(D·k). Returns R = 1/h for the kernels.
double body_contact_resistance_s_per_um(const SpeciesCoefficients& medium);
// Sets every material's bottom_resistance_s_per_um from its own coefficients (bottom = body).
void set_body_contact(MaterialTable& table);

// One species' state outside the tissue at an output time.
struct BodyRecord {
  bool systemic = false;          // the species has pharmacokinetic values
  double plasma_concentration = 0;               // ng/mL or particles/mL
  double systemic_amount = 0, eliminated = 0;    // in the patient, internal amount units
  double plasma_peak_concentration = 0, plasma_peak_time_s = 0, plasma_auc_conc_s = 0;
  double receptor_amount = 0, receptor_concentration = 0, collected = 0;  // simulated area
  // |what left the tissue − what the pools hold and removed| / what left (0 when nothing did).
  double residual = 0;
};

class BodyCoupling {
 public:
  BodyCoupling(const scenario::Scenario& scenario, double simulated_area_um2);

  // The tissue reached t_s with these cumulative ledgers (per species): the pools take what
  // left it since the last call; sampled receptors due at t_s are emptied.
  void advance(double t_s, const std::vector<SpeciesLedger>& ledgers);
  // Values beyond the bottom now, per species (reference phase): the receptor's or the plasma's
  // concentration; empty where the bottom is a sink or closed.
  std::vector<double> bottom_values() const;
  // Times a sampled receptor is replaced, within (0, duration_s].
  std::vector<double> replacement_times(double duration_s) const;
  BodyRecord record(int species) const;

  // The pools' state, for a checkpoint (cereal).
  template <class Archive>
  void serialize(Archive& archive) {
    archive(replace_every_s_, next_replace_s_, last_t_s_, species_);
  }

 private:
  struct Species {
    bool systemic = false;
    WellStirredPool plasma, receptor;
    double cleared = 0, lost_bottom = 0;  // the ledger's at the last call
    template <class Archive>
    void serialize(Archive& archive) {
      archive(systemic, plasma, receptor, cleared, lost_bottom);
    }
  };
  scenario::BottomKind bottom_;
  double scale_ = 1;  // patient amount per simulated amount
  double replace_every_s_ = 0, next_replace_s_ = 0;
  double last_t_s_ = 0;
  std::vector<Species> species_;
};

}  // namespace skinrd::body
