#pragma once
// Fields for ParaView: one rectilinear-grid file (.vtr, VTK's own XML writer, zlib,
// appended raw binary, 64-bit headers) per output time, cell data with units in every array
// name (the first one given first and active, so ParaView shows it), a uint8 `layer` array of
// material ids, a TimeValue, the material names as field data, and a .pvd collection rewritten
// atomically after each file. z is depth below the skin surface (a film at negative z). The
// only part of skinrd that includes VTK; without VTK it reports NotCompiled.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "host/grid.hpp"

namespace skinrd::output {

bool vtk_compiled();

struct CellArray {
  std::string name;             // with its unit: "VEGF free [ng/mL]"
  std::vector<float> values;    // one per voxel, x fastest
};

// What the files say of the grid beyond its cells: where the skin surface is and what its
// material ids are called.
struct VtkLayout {
  double surface_z_um = 0;                  // grid z of the skin surface: written as z = 0
  std::vector<std::string> material_names;  // by material id: field data "layer_names"
};

class VtkSeries {
 public:
  // Files are dir/basename_NNNN.vtr and dir/basename.pvd; coordinates are cell faces in um,
  // z shifted so that the skin surface is at 0. `layer` holds each cell layer's material id
  // (LayerRange::material: the same id for the same layer in every run).
  VtkSeries(std::string dir, std::string basename, const Grid& grid, VtkLayout layout = {});
  ~VtkSeries();
  VtkSeries(const VtkSeries&) = delete;
  VtkSeries& operator=(const VtkSeries&) = delete;

  // arrays in the order ParaView should list them, the first made the active scalars;
  // material: the voxels' material ids now (needles, pores, blebs), or empty for none.
  void write(double time_s, const std::vector<CellArray>& arrays,
             const std::vector<std::uint8_t>& material = {});

  // The files written so far (time, file name), and a resumed run's: the series goes on after
  // these entries; files of later entries (written after the checkpoint) are removed.
  std::vector<std::pair<double, std::string>> entries() const;
  void resume_after(const std::vector<std::pair<double, std::string>>& entries);

 private:
  void write_collection() const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace skinrd::output
