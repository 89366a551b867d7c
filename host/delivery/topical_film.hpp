#pragma once
// [[topical]]: a vehicle film on the skin surface (a serum, gel or cream), finite dose (its
// content diffuses out) or constant concentration (an infinite reservoir holds it there);
// wiped off, repeated, evaporating or occluded. Entries applied together are one film carrying
// several species.
#include <limits>
#include <vector>

#include "host/delivery/delivery.hpp"

namespace skinrd::delivery {

struct TopicalDose {
  int species = 0;
  double at_s = 0, wipe_off_s = std::numeric_limits<double>::infinity();
  double thickness_um = 0, dz_um = 0;
  double diffusion_um2_per_s = 0, partition = 1;
  double concentration = 0;  // in the film
  bool constant = false;
  // Occlusion (DESIGN §1): off, the solvent evaporates at evaporation_um_per_s until
  // residual_fraction of the film is left (its content stays); on, no evaporation and the
  // stratum corneum's D is multiplied by hydration_factor while the film is on.
  bool occluded = false;
  double evaporation_um_per_s = 0, residual_fraction = 0.1, hydration_factor = 1;
  // Solubility of the species in the film's fluid (0: none): above it the excess is solid,
  // which dissolves again as the film's fluid-phase concentration falls below it.
  double solubility = 0;

  // Film thickness / initial thickness at time t (t ≥ at_s).
  double remaining_fraction(double t_s) const;
};

// Two entries that form one film (applied together, several species).
bool same_film(const TopicalDose& a, const TopicalDose& b);

// The film on the skin now: the doses applied together, one per species; empty: no film.
using Film = std::vector<const TopicalDose*>;
// The dose of `species` in the film, or nullptr when the film does not carry it.
const TopicalDose* film_dose(const Film& film, int species);

class TopicalFilms : public DeliveryKind<TopicalFilms> {
 public:
  std::vector<TopicalDose> doses;  // in time order once settled

  const char* key() const override { return "topical"; }
  SKINRD_DELIVERY_KIND_OVERRIDES
  bool empty() const override { return doses.empty(); }
  std::optional<SurfaceLayer> surface_layer() const override;
  void set_coefficients(MaterialTable& table, const scenario::Scenario& scenario,
                        const SkinState& skin, double t_s) const override;
  std::string ensemble_conflict(const Delivery& first, bool any_fixed_top) const override;
  bool fixes_top() const override;

  // The film the skin state says is on the skin (empty when none of these is).
  Film film_on(const SkinState& skin) const;
  // Whether an occlusive film is applied within [from_s, to_s].
  bool occluded_between(double from_s, double to_s) const;

 private:
  void update_saturation(const scenario::Scenario& scenario, DeliveryTissue& tissue, double t_s) const;
};

// The film's coefficients with `film` on the skin (or none: impermeable) at time t. Each
// species moves in the film with its dose's D and partition (a species the film does not
// carry: free diffusion in water, partition 1). Evaporation scales the partition by the
// fraction of the film left, so its content stays while its fluid-phase concentration
// u = c/K rises as the solvent leaves; an occluded film multiplies the stratum corneum's D
// by its hydration factor. A saturated film (SkinState::film_saturated_partition) holds its
// fluid-phase concentration at the solubility: its partition is at least c̄/S.
MaterialTable materials_with_film(const scenario::Scenario& scenario, const MaterialTable& base,
                                  const Film& film, double t_s = 0,
                                  const std::vector<double>& saturated_partition = {});

}  // namespace skinrd::delivery
