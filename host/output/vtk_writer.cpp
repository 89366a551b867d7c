#include "host/output/vtk_writer.hpp"

#include <vtkCallbackCommand.h>
#include <vtkCellData.h>
#include <vtkCommand.h>
#include <vtkDoubleArray.h>
#include <vtkErrorCode.h>
#include <vtkExecutive.h>
#include <vtkFieldData.h>
#include <vtkFloatArray.h>
#include <vtkInformation.h>
#include <vtkNew.h>
#include <vtkRectilinearGrid.h>
#include <vtkStringArray.h>
#include <vtkUnsignedCharArray.h>
#include <vtkXMLRectilinearGridWriter.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
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
  vtkNew<vtkUnsignedCharArray> layer;  // the same in every file
  std::vector<std::pair<double, std::string>> entries;  // time, file name
};

namespace {

vtkNew<vtkDoubleArray> coordinates(const char* name, const std::vector<double>& faces) {
  vtkNew<vtkDoubleArray> array;
  array->SetName(name);  // named, so files are reproducible and readable
  for (double f : faces) array->InsertNextValue(f);
  return array;
}

// VTK reports a failed write (a full disk among them) as an ErrorEvent and an error code,
// while Write() may still return success; this observer keeps the event's text instead of
// letting VTK print it to stderr.
struct WriteErrors {
  std::string messages;
  static void collect(vtkObject*, unsigned long, void* self, void* text) {
    auto& errors = *static_cast<WriteErrors*>(self);
    std::string message = text ? static_cast<const char*>(text) : "";
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    message = message.substr(message.rfind('\n') + 1);  // the text, not VTK's "ERROR: In file, line"
    errors.messages += (errors.messages.empty() ? "" : "; ") + message;
  }
};

// Why a write failed, as the user can act on it.
std::string write_failure(unsigned long code, const WriteErrors& errors, int system_error) {
  if (code == vtkErrorCode::OutOfDiskSpaceError) return std::strerror(ENOSPC);
  if (system_error != 0) return std::strerror(system_error);
  if (!errors.messages.empty()) return "VTK: " + errors.messages;
  return "VTK error code " + std::to_string(code);
}

}  // namespace

VtkSeries::VtkSeries(std::string dir, std::string basename, const Grid& grid, VtkLayout layout)
    : impl_(std::make_unique<Impl>()) {
  impl_->dir = std::move(dir);
  impl_->basename = std::move(basename);
  std::vector<double> x(grid.nx + 1), y(grid.ny + 1), z(grid.nz + 1);
  for (int i = 0; i <= grid.nx; ++i) x[i] = i * grid.dx_um;
  for (int j = 0; j <= grid.ny; ++j) y[j] = j * grid.dx_um;
  for (int k = 0; k <= grid.nz; ++k) z[k] = grid.z_faces_um[k] - layout.surface_z_um;
  impl_->grid->SetDimensions(grid.nx + 1, grid.ny + 1, grid.nz + 1);
  impl_->grid->SetXCoordinates(coordinates("x [um]", x));
  impl_->grid->SetYCoordinates(coordinates("y [um]", y));
  impl_->grid->SetZCoordinates(coordinates("z [um]", z));
  vtkUnsignedCharArray* layer = impl_->layer;
  layer->SetName("layer");
  layer->SetNumberOfValues(static_cast<vtkIdType>(grid.voxel_count()));
  const std::size_t plane = static_cast<std::size_t>(grid.nx) * grid.ny;
  for (const LayerRange& range : grid.layers)
    for (std::size_t v = range.k_begin * plane; v < range.k_end * plane; ++v)
      layer->SetValue(static_cast<vtkIdType>(v), range.material);
  // Names by id, so that `layer` and `material` values read the same in every run.
  vtkNew<vtkStringArray> names;
  names->SetName("layer_names");
  for (const std::string& name : layout.material_names) names->InsertNextValue(name);
  impl_->grid->GetFieldData()->AddArray(names);
  vtkNew<vtkStringArray> convention;
  convention->SetName("z_convention");
  convention->InsertNextValue("z [um] = depth below the skin surface, down into the tissue; a film at z < 0");
  impl_->grid->GetFieldData()->AddArray(convention);
}

VtkSeries::~VtkSeries() = default;

void VtkSeries::write(double time_s, const std::vector<CellArray>& arrays,
                      const std::vector<std::uint8_t>& material) {
  namespace fs = std::filesystem;
  vtkRectilinearGrid* grid = impl_->grid;
  // Rebuilt in the caller's order: ParaView lists and colours by what comes first.
  grid->GetCellData()->Initialize();
  for (const CellArray& a : arrays) {
    vtkNew<vtkFloatArray> array;
    array->SetName(a.name.c_str());
    array->SetNumberOfValues(static_cast<vtkIdType>(a.values.size()));
    for (std::size_t v = 0; v < a.values.size(); ++v) array->SetValue(static_cast<vtkIdType>(v), a.values[v]);
    grid->GetCellData()->AddArray(array);
  }
  if (!arrays.empty()) grid->GetCellData()->SetActiveScalars(arrays.front().name.c_str());
  grid->GetCellData()->AddArray(impl_->layer);
  if (!material.empty()) {
    vtkNew<vtkUnsignedCharArray> ids;
    ids->SetName("material");
    ids->SetNumberOfValues(static_cast<vtkIdType>(material.size()));
    for (std::size_t v = 0; v < material.size(); ++v) ids->SetValue(static_cast<vtkIdType>(v), material[v]);
    grid->GetCellData()->AddArray(ids);
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
  // Written under a temporary name and renamed into place: a kill while writing leaves no
  // truncated .vtr, only a .tmp that the next --force removes.
  const fs::path path = fs::path(impl_->dir) / file, temporary = path.string() + ".tmp";
  vtkNew<vtkXMLRectilinearGridWriter> writer;
  writer->SetInputData(grid);
  writer->SetFileName(temporary.string().c_str());
  writer->SetCompressorTypeToZLib();
  writer->SetDataModeToAppended();
  writer->EncodeAppendedDataOff();
  writer->SetHeaderTypeToUInt64();
  WriteErrors errors;
  vtkNew<vtkCallbackCommand> observer;
  observer->SetCallback(&WriteErrors::collect);
  observer->SetClientData(&errors);
  writer->AddObserver(vtkCommand::ErrorEvent, observer);
  writer->GetExecutive()->AddObserver(vtkCommand::ErrorEvent, observer);  // "returned failure"
  errno = 0;
  const int written = writer->Write();
  const int system_error = errno;
  const unsigned long code = writer->GetErrorCode();
  if (written != 1 || code != vtkErrorCode::NoError || !errors.messages.empty()) {
    std::error_code ignored;
    fs::remove(temporary, ignored);  // never a truncated file beside the .pvd
    throw IoError(path.string(), "VTK could not write the file: " + write_failure(code, errors, system_error));
  }
  std::error_code renamed;
  fs::rename(temporary, path, renamed);
  if (renamed) throw IoError(path.string(), "cannot move the written file into place: " + renamed.message());
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
