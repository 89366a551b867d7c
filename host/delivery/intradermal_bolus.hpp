#pragma once
// [[intradermal]]: an injection into the skin, an ellipsoidal bleb given at once or infused
// evenly over `infusion`. The bleb is fluid: its voxels become the bleb material of their layer
// (host/delivery/fluid_spaces.hpp), free solution while the injected fluid is there, tissue
// again as the fluid resorbs first-order; the solute stays behind in the tissue.
#include <vector>

#include "host/delivery/delivery.hpp"

namespace skinrd::delivery {

struct IntradermalBolus {
  int species = 0;
  double at_s = 0, infusion_s = 0;
  double volume_uL = 0, concentration = 0;
  double depth_um = 0, x_um = 0, y_um = 0;  // centre; depth below the skin surface
  double aspect = 0.5;                      // vertical / lateral semi-axis
  double resorption_half_life_s = 18 * 60;  // of the injected fluid

  // The same bleb (its voxels) as `other`'s.
  bool same_bleb(const IntradermalBolus& other) const;

  double lateral_semi_axis_um() const;
};

// Voxel indices inside the bleb's ellipsoid (at least the voxel at its centre); the skin
// surface is the top of cell layer surface_k.
std::vector<std::size_t> bleb_voxels(const Grid& grid, int surface_k, bool periodic,
                                     const IntradermalBolus& bolus);

class IntradermalBoluses : public DeliveryKind<IntradermalBoluses> {
 public:
  std::vector<IntradermalBolus> boluses;

  const char* key() const override { return "intradermal"; }
  SKINRD_DELIVERY_KIND_OVERRIDES
  bool empty() const override { return boluses.empty(); }
  void add_sources(const scenario::Scenario& scenario, DeliveryTissue& tissue) const override;
  void count_sources(std::vector<int>& per_species) const override;
  void resolution_warnings(const scenario::Scenario& scenario, const Grid& grid, int surface_k,
                           std::vector<std::string>& warnings) const override;
  std::string ensemble_conflict(const Delivery& first, bool any_fixed_top) const override;
};

}  // namespace skinrd::delivery
