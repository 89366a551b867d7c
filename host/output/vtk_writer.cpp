#include "host/output/vtk_writer.hpp"

#include <vtkCellData.h>
#include <vtkDoubleArray.h>
#include <vtkFieldData.h>
#include <vtkFloatArray.h>
#include <vtkInformation.h>
#include <vtkNew.h>
#include <vtkRectilinearGrid.h>
#include <vtkUnsignedCharArray.h>
#include <vtkXMLRectilinearGridWriter.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "host/error.hpp"
#include "host/output/atomic_file.hpp"

namespace skinrd::output {

bool vtk_compiled() { return true; }

struct VtkSeries::Impl {
  std::string dir, basename;
  vtkNew<vtkRectilinearGrid> grid;
  std::vector<std::pair<double, std::string>> entries;  // time, file name
};

namespace {

vtkNew<vtkDoubleArray> coordinates(const char* name, const std::vector<double>& faces) {
  vtkNew<vtkDoubleArray> array;
  array->SetName(name);  // named, so files are reproducible and readable
  for (double f : faces) array->InsertNextValue(f);
  return array;
}

}  // namespace

VtkSeries::VtkSeries(std::string dir, std::string basename, const Grid& grid)
    : impl_(std::make_unique<Impl>()) {
  impl_->dir = std::move(dir);
  impl_->basename = std::move(basename);
  std::vector<double> x(grid.nx + 1), y(grid.ny + 1);
  for (int i = 0; i <= grid.nx; ++i) x[i] = i * grid.dx_um;
  for (int j = 0; j <= grid.ny; ++j) y[j] = j * grid.dx_um;
  impl_->grid->SetDimensions(grid.nx + 1, grid.ny + 1, grid.nz + 1);
  impl_->grid->SetXCoordinates(coordinates("x [um]", x));
  impl_->grid->SetYCoordinates(coordinates("y [um]", y));
  impl_->grid->SetZCoordinates(coordinates("z [um]", grid.z_faces_um));
  vtkNew<vtkUnsignedCharArray> layer;
  layer->SetName("layer");
  layer->SetNumberOfValues(static_cast<vtkIdType>(grid.voxel_count()));
  for (std::size_t l = 0; l < grid.layers.size(); ++l)
    for (int k = grid.layers[l].k_begin; k < grid.layers[l].k_end; ++k)
      for (std::size_t v = 0; v < static_cast<std::size_t>(grid.nx) * grid.ny; ++v)
        layer->SetValue(static_cast<vtkIdType>(k * static_cast<std::size_t>(grid.nx) * grid.ny + v),
                        static_cast<unsigned char>(l));
  impl_->grid->GetCellData()->AddArray(layer);
}

VtkSeries::~VtkSeries() = default;

void VtkSeries::write(double time_s, const std::vector<CellArray>& arrays) {
  namespace fs = std::filesystem;
  vtkRectilinearGrid* grid = impl_->grid;
  for (const CellArray& a : arrays) {
    vtkNew<vtkFloatArray> array;
    array->SetName(a.name.c_str());
    array->SetNumberOfValues(static_cast<vtkIdType>(a.values.size()));
    for (std::size_t v = 0; v < a.values.size(); ++v) array->SetValue(static_cast<vtkIdType>(v), a.values[v]);
    grid->GetCellData()->AddArray(array);  // replaces the array of the same name
  }
  // What VTK cached of the arrays kept from one file to the next changes how it writes them;
  // without it every file is written as the first one was (a resumed run's too).
  for (int a = 0; a < grid->GetCellData()->GetNumberOfArrays(); ++a)
    if (vtkAbstractArray* array = grid->GetCellData()->GetAbstractArray(a); array && array->HasInformation())
      array->GetInformation()->Clear();
  vtkNew<vtkDoubleArray> time;
  time->SetName("TimeValue");
  time->InsertNextValue(time_s);
  grid->GetFieldData()->AddArray(time);

  char name[64];
  std::snprintf(name, sizeof name, "_%04zu.vtr", impl_->entries.size());
  const std::string file = impl_->basename + name;
  vtkNew<vtkXMLRectilinearGridWriter> writer;
  writer->SetInputData(grid);
  writer->SetFileName((fs::path(impl_->dir) / file).string().c_str());
  writer->SetCompressorTypeToZLib();
  writer->SetDataModeToAppended();
  writer->EncodeAppendedDataOff();
  writer->SetHeaderTypeToUInt64();
  if (writer->Write() != 1) throw IoError((fs::path(impl_->dir) / file).string(), "VTK could not write the file");
  impl_->entries.emplace_back(time_s, file);
  write_collection();
}

std::vector<std::pair<double, std::string>> VtkSeries::entries() const { return impl_->entries; }

void VtkSeries::resume_after(const std::vector<std::pair<double, std::string>>& entries) {
  namespace fs = std::filesystem;
  impl_->entries = entries;
  for (std::size_t n = entries.size();; ++n) {
    char name[64];
    std::snprintf(name, sizeof name, "_%04zu.vtr", n);
    std::error_code error;
    if (!fs::remove(fs::path(impl_->dir) / (impl_->basename + name), error)) break;
  }
  write_collection();
}

void VtkSeries::write_collection() const {
  namespace fs = std::filesystem;
  // The collection, rewritten whole and renamed into place: a reader never sees half of it.
  std::ostringstream pvd;
  pvd << "<?xml version=\"1.0\"?>\n<VTKFile type=\"Collection\" version=\"1.0\" "
         "byte_order=\"LittleEndian\" header_type=\"UInt64\">\n  <Collection>\n";
  for (const auto& [t, f] : impl_->entries)
    pvd << "    <DataSet timestep=\"" << t << "\" group=\"\" part=\"0\" file=\"" << f << "\"/>\n";
  pvd << "  </Collection>\n</VTKFile>\n";
  write_atomically(fs::path(impl_->dir) / (impl_->basename + ".pvd"), pvd.str());
}

}  // namespace skinrd::output
