#pragma once
// Pores through the barrier (a needle's track through the stratum corneum and viable
// epidermis): open when the delivery that made them leaves, they close as exp(−t/τ_close).
#include "host/delivery/delivery.hpp"

namespace skinrd::scenario {
struct Scenario;
}

namespace skinrd::delivery {

// The pores' coefficients `elapsed_s` after they opened: D relaxes from its open value to
// the intact layer's. Open: the D of what fills them from above (the film's while one is on
// the skin, DESIGN §1), else free diffusion in water (interstitial fluid).
MaterialTable materials_with_pores(const scenario::Scenario& scenario, const MaterialTable& base,
                                   const SkinState& skin);

}  // namespace skinrd::delivery
