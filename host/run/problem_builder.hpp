#pragma once
// From a scenario to the simulator's problem: materials (the film and the five tissue
// layers), the layered grid, boundaries, and the voxels of each injection bleb.
#include <cstdint>
#include <vector>

#include "host/scenario/scenario.hpp"
#include "host/simulation.hpp"

namespace skinrd::run {

// Material ids: the film, the five tissue layers (1–5), a needle body, and the channels a
// needle leaves through the stratum corneum and the viable epidermis.
constexpr std::uint8_t kVehicle = 0, kNeedle = 6, kChannelSc = 7, kChannelVe = 8;

Problem build_problem(const scenario::Scenario& scenario);
// The problem's coefficient table alone (no film on the skin, channels closed).
MaterialTable build_materials(const scenario::Scenario& scenario);

// The film on the skin now: the doses applied together, one per species (a serum with
// several ingredients); empty when there is no film.
using Film = std::vector<const scenario::TopicalDose*>;
// The dose of `species` in the film, or nullptr when the film does not carry it.
const scenario::TopicalDose* film_dose(const Film& film, int species);

// The film's coefficients with `film` on the skin (or none: impermeable) at time t. Each
// species moves in the film with its dose's D and partition (a species the film does not
// carry: free diffusion in water, partition 1). Evaporation scales the partition by the
// fraction of the film left, so its content stays while its fluid-phase concentration
// u = c/K rises as the solvent leaves; an occluded film multiplies the stratum corneum's D
// by its hydration factor.
MaterialTable materials_with_film(const scenario::Scenario& scenario, const MaterialTable& base,
                                  const Film& film, double t_s = 0);

// Index of the first tissue cell layer (below the film) and the z of the skin surface.
int first_tissue_k(const Grid& grid, const scenario::Scenario& scenario);

// The coefficients of the channels `elapsed_s` after a patch was withdrawn: D relaxes from
// its open value to the intact layer's as exp(−t/τ_close). Open: the film's D while a film
// fills the channels (DESIGN §1), else free diffusion in water (interstitial fluid).
MaterialTable materials_with_channels(const scenario::Scenario& scenario, const MaterialTable& base,
                                      double elapsed_s, double closure_s, const Film& film = {});

// The voxels of a patch: needle bodies (cone or pyramid, base at the skin surface), the tissue
// voxels touching them (where a coating dissolves), and the bodies' deepest cell layer (where
// a hollow needle infuses).
struct NeedleVoxels {
  int needles = 0;
  std::vector<std::size_t> body, surface, tip;
};
NeedleVoxels needle_voxels(const Grid& grid, const scenario::Scenario& scenario,
                           const scenario::MicroneedlePatch& patch);

// Total volume of a set of voxels, um^3.
double region_volume_um3(const Grid& grid, const std::vector<std::size_t>& voxels);

// Voxel indices inside the bleb's ellipsoid (at least the voxel at its centre).
std::vector<std::size_t> bleb_voxels(const Grid& grid, const scenario::Scenario& scenario,
                                     const scenario::IntradermalBolus& bolus);

}  // namespace skinrd::run
