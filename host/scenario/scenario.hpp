#pragma once
// A scenario file, read and checked: the run, the tissue, the species and the delivery
// events, every value converted to internal units (um, s, ng/mL or particles/mL).
#include <limits>
#include <string>
#include <vector>

#include "host/scenario/library.hpp"
#include "host/simulation.hpp"

namespace skinrd::scenario {

struct RunSettings {
  double duration_s = 0;
  std::vector<double> output_times_s;  // ascending, from 0 to duration
  Scheme scheme = Scheme::adi;
  double dt_s = 0;                     // fixed step; 0: the accuracy controller
  AdaptiveOptions adaptive;
  bool double_precision = false;
  std::string target_layer = "papillary_dermis";
};

struct TissueSettings {
  std::string site;
  std::vector<SiteLayer> layers;  // tissue layers, top to bottom, after overrides
  double lateral_um = 0, dx_um = 0;
  bool periodic = true;
  kernels::BottomBoundary bottom = kernels::BottomBoundary::perfect_sink;
};

// A vehicle film on the skin surface: finite dose (its content diffuses out) or constant
// concentration (an infinite reservoir holds the film at that concentration).
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

  // Film thickness / initial thickness at time t (t ≥ at_s).
  double remaining_fraction(double t_s) const;
};

// An intradermal injection: an ellipsoidal bleb, instantaneous or infused.
struct IntradermalBolus {
  int species = 0;
  double at_s = 0, infusion_s = 0;
  double volume_uL = 0, concentration = 0;
  double depth_um = 0, x_um = 0, y_um = 0;  // centre; depth below the skin surface
  double aspect = 0.5;                      // vertical / lateral semi-axis
};

// A microneedle patch (DESIGN §1): needles of one kind on a square or hexagonal array,
// inserted at `at_s` and withdrawn after `wear_s`; their tracks through the stratum corneum
// and viable epidermis stay open as channels that close with `closure_s`.
struct MicroneedlePatch {
  enum class Kind { solid, coated, dissolving, hollow } kind = Kind::solid;
  int species = 0;
  double at_s = 0, wear_s = 0;
  bool hexagonal = false, pyramid = false;
  double pitch_um = 0, length_um = 0, base_width_um = 0;
  double payload_per_needle = 0;  // coated, dissolving: amount per needle
  double release_s = 0;           // coated: release, dissolving: dissolution time constant
  double flow_uL_per_s = 0, concentration = 0, infusion_s = 0;  // hollow
  double closure_s = 3600;        // channel closure time constant
  bool closure_given = false;     // closure_time or occluded set on the patch itself
};

struct Scenario {
  std::string path, name, description;
  RunSettings run;
  TissueSettings tissue;
  std::vector<SpeciesEntry> species;  // with the scenario's overrides applied
  std::vector<TopicalDose> topical;
  std::vector<IntradermalBolus> boluses;
  std::vector<MicroneedlePatch> patches;
  bool write_vtk = true;
  int vtk_downsample = 1;     // [output] downsample: VTK fields as means of N×N×N blocks
  std::string resolved_toml;  // the file after --set overrides, as TOML

  double vehicle_thickness_um() const;  // 0 without topical doses
};

// Two topical entries that form one film (applied together, several species), and two
// microneedle entries that are one patch loaded with several species.
bool same_film(const TopicalDose& a, const TopicalDose& b);
bool same_needles(const MicroneedlePatch& a, const MicroneedlePatch& b);

// Reads and checks a scenario; ConfigError names the key path and the line.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides,
                       const Library& library);

// Directory of the library shipped beside the scenarios: the one given, else
// $SKINRD_LIBRARY, else the scenario's folder's library/ or its parent's.
std::string find_library(const std::string& scenario_path, const std::string& given);

}  // namespace skinrd::scenario
