// Built when VTK is not found: the rest of skinrd works, and asking for VTK files says so.
#include "host/error.hpp"
#include "host/output/vtk_writer.hpp"

namespace skinrd::output {

bool vtk_compiled() { return false; }

struct VtkSeries::Impl {};

VtkSeries::VtkSeries(std::string, std::string, const Grid&, VtkLayout) {
  throw NotCompiled("VTK output (install libvtk9-dev and rebuild)");
}
VtkSeries::~VtkSeries() = default;
void VtkSeries::write(double, const std::vector<CellArray>&, const std::vector<std::uint8_t>&) {}
std::vector<std::pair<double, std::string>> VtkSeries::entries() const { return {}; }
void VtkSeries::resume_after(const std::vector<std::pair<double, std::string>>&) {}
void VtkSeries::write_collection() const {}

}  // namespace skinrd::output
