#pragma once
// Permeation of intact stratum corneum by size (parameters.md §3, §5): parallel pathways,
// k_p = k_lipid + k_pores. The lipid route is Potts & Guy 1992; the aqueous route is the
// porous-pathway model (Tang, Mitragotri, Blankschtein & Langer 2001: k = (ε/τL)·D∞·H(λ))
// with Renkin's hindrance for two pore populations. Hydrophilic macromolecules and vesicles
// get a small, non-zero k_p; the SC diffusion coefficient follows as D = k_p·L/K.
#include <optional>

namespace skinrd::scenario {

// One population of aqueous pores: radius and porosity/(tortuosity · SC thickness).
struct PorePopulation {
  double radius_nm = 0;
  double area_fraction_per_length_per_cm = 0;  // ε/(τ·L), 1/cm
};

// The SC's aqueous pathway: small intercellular pores and rare large defects.
struct BarrierModel {
  PorePopulation small, large;
};

// Renkin (cylindrical pore, λ = r_solute/r_pore): partition (1 − λ)² times the diffusive
// hindrance (1 − 2.105λ + 2.0865λ³ − 1.7068λ⁵ + 0.72603λ⁶)/(1 − 0.75857λ⁵); 0 for λ ≥ 1.
double renkin_hindrance(double lambda);

// Potts & Guy 1992: log10 k_p[cm/h] = −2.72 + 0.71·log K_ow − 0.0061·MW[Da].
double potts_guy_cm_per_h(double log_kow, double molecular_weight_da);

// Stokes–Einstein radius (nm) of a solute with free diffusion D (um^2/s) at 37 °C.
double stokes_radius_nm(double diffusion_water_um2_per_s);

// k_p (cm/h) of intact SC: the pores always, the lipid route where log K_ow is given
// (small molecules; for proteins and vesicles it is below 1e-40 cm/h and left out).
double sc_permeability_cm_per_h(const BarrierModel& barrier, double diffusion_water_um2_per_s,
                                double solute_radius_nm, double molecular_weight_da,
                                std::optional<double> log_kow);

// D (um^2/s) of an SC layer of thickness L with partition K that has permeability k_p: k_p·L/K.
double sc_diffusion_um2_per_s(double permeability_cm_per_h, double thickness_um, double partition);

}  // namespace skinrd::scenario
