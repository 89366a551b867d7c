#pragma once
// A scenario file, read and checked: the run, the tissue, the species and the deliveries
// (each kind reads its own entries, host/delivery/), every value converted to internal units (um, s, ng/mL or particles/mL).
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "host/delivery/delivery.hpp"
#include "host/scenario/library.hpp"
#include "host/simulation.hpp"
#include "host/tissue_materials.hpp"

namespace skinrd::scenario {

// The most output times a run may have (run.duration / run.output_interval): a record per
// species and time is kept in memory and written to disk.
constexpr double kMaxOutputs = 1e6;

struct RunSettings {
  double duration_s = 0;
  double output_interval_s = 0;        // run.output_interval: the regular outputs
  std::vector<double> output_times_s;  // ascending, from 0 to duration, with the dense ones
  Scheme scheme = Scheme::adi;
  double dt_s = 0;                     // fixed step; 0: the accuracy controller
  AdaptiveOptions adaptive;
  bool double_precision = false;
  std::string target_layer = "papillary_dermis";
};

// What lies below the tissue's bottom: a perfect sink, nothing (zero flux), the body (the
// bottom layer continuing as a semi-infinite medium into the systemic compartment) or a
// well-stirred receptor chamber (Franz cell, flow-through cell).
enum class BottomKind { sink, zero_flux, body, receptor };
const char* to_string(BottomKind kind);

struct ReceptorSettings {
  double volume_per_area_uL_per_cm2 = 0;
  double replace_every_s = 0;           // sampled: emptied into the collected amount (0: never)
  double flow_uL_per_cm2_s = 0;         // flow-through: washout Q/V into the collected amount
};

struct BodySettings {
  double mass_kg = 70;
};

struct TissueSettings {
  std::string site;               // the preset the layers came from; empty for [[tissue.layer]]
  std::vector<SiteLayer> layers;  // tissue layers, top to bottom, after overrides
  double lateral_um = 0, dx_um = 0;
  bool periodic = true;
  kernels::BottomBoundary bottom = kernels::BottomBoundary::perfect_sink;
  BottomKind bottom_kind = BottomKind::sink;
  double treated_area_um2 = 0;  // the application on the patient; 0: the simulated area

  TissueMaterials materials() const;  // the voxel material ids of these layers
  std::vector<std::string> layer_names() const;
};

struct Scenario {
  std::string path, name, description;
  RunSettings run;
  TissueSettings tissue;
  std::vector<SpeciesEntry> species;  // with the scenario's overrides applied
  delivery::Deliveries deliveries;    // one of each kind (host/delivery/), with its entries
  BodySettings body;
  ReceptorSettings receptor;          // with tissue.bottom_kind == receptor
  bool write_vtk = true;
  int vtk_downsample = 1;     // [output] downsample: VTK fields as means of N×N×N blocks
  // [output] dense_after_events, dense_first: outputs at 1, 2, 5, 10, 20, 50 ... × dense_first
  // after each event that starts a change (0: none), short of run.output_interval.
  double dense_first_s = 60;
  std::string resolved_toml;  // the file after --set overrides, as TOML

  // The layer a delivery puts on top of the skin (a film), if any.
  std::optional<delivery::SurfaceLayer> surface_layer() const;
  double vehicle_thickness_um() const;  // 0 without a film
};

// Reads and checks a scenario; ConfigError names the key path and the line.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides,
                       const Library& library);

// Directory of the library shipped beside the scenarios: the one given, else
// $SKINRD_LIBRARY, else the scenario's folder's library/ or its parent's.
std::string find_library(const std::string& scenario_path, const std::string& given);

}  // namespace skinrd::scenario
