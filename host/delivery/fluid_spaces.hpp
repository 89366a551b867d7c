#pragma once
// Fluid-filled spaces in the tissue: the pores a needle leaves along its track (to the depth it
// went) and the bleb an injection raises. Each has its own materials (pore_<layer>, bleb_<layer>,
// host/tissue_materials.hpp) whose coefficients move from the fluid's to the intact layer's as
// the pores close and the bleb's fluid resorbs.
#include "host/delivery/delivery.hpp"

namespace skinrd {
class TissueMaterials;
}
namespace skinrd::scenario {
struct Scenario;
}

namespace skinrd::delivery {

// The open fraction of a pore `elapsed_s` after the needles left it, closing completely at
// `closure_s`: (e^{−t/τ} − e^{−T/τ}) / (1 − e^{−T/τ}) with τ = T/1.5, so it starts as the
// first-order closure measured in human skin and reaches intact at T without a jump. Its
// half-time is 0.33 T: T = 2 h (non-occluded) gives 39 min, T = 60 h (occluded) 20 h
// (parameters.md §5: t½ 0.5–2 h non-occluded, 20–26 h occluded, full closure 58–63 h).
double pore_open_fraction(double elapsed_s, double closure_s);

// The fraction of a bleb's volume that is still injected fluid at `elapsed_s` after the
// injection began: an injection of `infusion_s` (0: at once) at a constant rate, resorbed
// first-order with `half_life_s` (Cook & Shuster 1980: saline weals t½ ≈ 18 min, serum 28 min).
double bleb_fluid_fraction(double elapsed_s, double infusion_s, double half_life_s);

// The injected fluid in the bleb voxels (those of a bleb material), uL.
double bleb_fluid_volume_uL(const Grid& grid, const std::vector<std::uint8_t>& material,
                            const TissueMaterials& materials, double fluid_fraction);

// The member's coefficients with its pores and blebs as the skin's state says they are now.
// Pores: D moves from what fills them (the film's D while a film covers the skin, DESIGN §1,
// else the species' D in water) to the intact layer's. Blebs: the fluid fraction φ is free
// solution (D in water, no cells or matrix: binding sites and uptake × (1 − φ)).
MaterialTable materials_with_fluid_spaces(const scenario::Scenario& scenario,
                                          const MaterialTable& base, const SkinState& skin);

}  // namespace skinrd::delivery
