#pragma once
// [[microneedle]]: a patch of needles of one kind (solid, coated, dissolving, hollow) on a
// square or hexagonal array, inserted at `at` to a depth of length × penetration efficiency (skin
// deforms under the needles) and withdrawn after `wear`; their tracks, through every layer they
// reached, stay open as fluid-filled pores that close completely after `closure_time`.
// Entries applied together load one patch with several species.
#include <vector>

#include "host/delivery/delivery.hpp"

namespace skinrd::delivery {

struct MicroneedlePatch {
  enum class Kind { solid, coated, dissolving, hollow } kind = Kind::solid;
  int species = 0;
  double at_s = 0, wear_s = 0;
  bool hexagonal = false, pyramid = false;
  double pitch_um = 0, length_um = 0, base_width_um = 0;
  double penetration_efficiency = 0.77;  // insertion depth / length
  double payload_per_needle = 0;  // coated, dissolving: amount per needle
  double release_s = 0;           // coated: release, dissolving: dissolution time constant
  double flow_uL_per_s = 0, concentration = 0, infusion_s = 0;  // hollow
  double closure_s = 7200;        // time to full pore closure
  bool closure_given = false;     // closure_time or occluded set on the patch itself
};

// Two entries that are one patch loaded with several species.
bool same_needles(const MicroneedlePatch& a, const MicroneedlePatch& b);

// The voxels of a patch: the needles' parts in the skin (the tip sections of a cone or pyramid
// to the insertion depth below the skin surface, the top of cell layer surface_k; at least the
// voxel column on each needle's axis, so the track reaches the insertion depth at any
// resolution), the tissue voxels touching them (where a coating dissolves), and the bodies'
// deepest cell layer (where a hollow needle infuses).
struct NeedleVoxels {
  int needles = 0;
  std::vector<std::size_t> body, surface, tip;
};
NeedleVoxels needle_voxels(const Grid& grid, int surface_k, bool periodic,
                           const MicroneedlePatch& patch);
// The voxels of `region` (with these material ids) a needle's payload of `species` is released
// into: viable tissue that lets the species move (D > 0). Not the stratum corneum, whose
// dead, dry cells do not dissolve a coating (it dissolves in the viable tissue's fluid), nor
// the vehicle or a needle body: payload put there would stay there.
std::vector<std::size_t> release_voxels(const scenario::Scenario& scenario,
                                        const std::vector<std::uint8_t>& material, int species,
                                        const std::vector<std::size_t>& region);

class MicroneedlePatches : public DeliveryKind<MicroneedlePatches> {
 public:
  std::vector<MicroneedlePatch> patches;  // in time order once settled

  const char* key() const override { return "microneedle"; }
  SKINRD_DELIVERY_KIND_OVERRIDES
  bool empty() const override { return patches.empty(); }
  void add_sources(const scenario::Scenario& scenario, DeliveryTissue& tissue) const override;
  void count_sources(std::vector<int>& per_species) const override;
  void resolution_warnings(const scenario::Scenario& scenario, const Grid& grid, int surface_k,
                           std::vector<std::string>& warnings) const override;
  std::string ensemble_conflict(const Delivery& first, bool any_fixed_top) const override;
};

}  // namespace skinrd::delivery
