#pragma once
// Fields for ParaView: one rectilinear-grid file (.vtr, VTK's own XML writer, zlib,
// appended raw binary, 64-bit headers) per output time, cell data with units in every array
// name, a uint8 `layer` array, a TimeValue, and a .pvd collection rewritten atomically after
// each file. The only part of skinrd that includes VTK; without VTK it reports NotCompiled.
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

class VtkSeries {
 public:
  // Files are dir/basename_NNNN.vtr and dir/basename.pvd; coordinates are cell faces in um.
  VtkSeries(std::string dir, std::string basename, const Grid& grid);
  ~VtkSeries();
  VtkSeries(const VtkSeries&) = delete;
  VtkSeries& operator=(const VtkSeries&) = delete;

  void write(double time_s, const std::vector<CellArray>& arrays);

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
