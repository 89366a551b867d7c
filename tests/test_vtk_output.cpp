// End to end through VTK: a run's .pvd lists one .vtr per output time; each file read back
// with VTK has named coordinates in um, a uint8 `layer` array, the species' fields with their
// units, a TimeValue equal to the collection's timestep, and fields whose integral equals the
// ledger's stored amount.
#include <gtest/gtest.h>

#include <vtkCellData.h>
#include <vtkDataArray.h>
#include <vtkFieldData.h>
#include <vtkNew.h>
#include <vtkRectilinearGrid.h>
#include <vtkStringArray.h>
#include <vtkXMLRectilinearGridReader.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "host/error.hpp"
#include "host/output/paraview_state.hpp"
#include "host/output/vtk_writer.hpp"
#include "host/run/runner.hpp"

namespace {

namespace fs = std::filesystem;
using namespace skinrd;

class VtkOutput : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

// One small run per route: topical film, intradermal blebs, microneedles.
INSTANTIATE_TEST_SUITE_P(Routes, VtkOutput,
                         ::testing::Values(std::pair{"film_through_leaky_sc.toml", "VEGF"},
                                           std::pair{"bleb_and_infusion.toml", "exosome"},
                                           std::pair{"needles_release.toml", "VEGF"}),
                         [](const auto& info) {
                           std::string name = info.param.first;
                           return name.substr(0, name.find('.'));
                         });

// Runs `file` with VTK output and checks every snapshot; *cells: those of the last one.
void check_snapshots(const char* file, const char* species, int downsample,
                     std::array<int, 3>* cells = nullptr) {
  const std::string source = SKINRD_SOURCE_DIR;
  const auto library = scenario::load_library(source + "/scenarios/library");
  const auto s = scenario::load_scenario(
      source + "/tests/scenarios/" + file,
      {"output.vtk=true", "tissue.dx=\"25 um\"", "output.downsample=" + std::to_string(downsample)},
      library);
  const std::string particles = s.species.at(0).basis.particles ? "particles/mL" : "ng/mL";
  const std::string field_name = std::string(species) + " free [" + particles + "]";
  run::RunOptions options;
  // Named by the test too: tests running at once must not share a run directory (its lock).
  const std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name();
  options.out_dir = (fs::temp_directory_path() / (std::string("skinrd_test_vtk_") + test.substr(test.find('/') + 1) +
                                                   "_" + std::to_string(downsample) + "_" + file))
                        .string();
  options.force = true;
  std::ostringstream progress;
  const run::RunReport report = run::run_scenario(s, options, progress);
  const auto& records = report.records.at(0);

  std::ifstream pvd(fs::path(options.out_dir) / "fields.pvd");
  const std::string collection((std::istreambuf_iterator<char>(pvd)), {});
  const std::regex entry(R"re(timestep="([^"]+)"[^>]*file="([^"]+)")re");
  std::size_t n = 0;
  for (auto it = std::sregex_iterator(collection.begin(), collection.end(), entry);
       it != std::sregex_iterator(); ++it, ++n) {
    const double timestep = std::stod((*it)[1]);
    ASSERT_LT(n, records.size());
    EXPECT_DOUBLE_EQ(timestep, records[n].time_s);
    vtkNew<vtkXMLRectilinearGridReader> reader;
    reader->SetFileName((fs::path(options.out_dir) / (*it)[2].str()).string().c_str());
    reader->Update();
    vtkRectilinearGrid* grid = reader->GetOutput();
    ASSERT_NE(grid->GetCellData()->GetArray(field_name.c_str()), nullptr) << field_name;
    ASSERT_NE(grid->GetCellData()->GetArray("layer"), nullptr);
    EXPECT_STREQ(grid->GetXCoordinates()->GetName(), "x [um]");
    EXPECT_STREQ(grid->GetZCoordinates()->GetName(), "z [um]");
    EXPECT_DOUBLE_EQ(grid->GetFieldData()->GetArray("TimeValue")->GetTuple1(0), timestep);
    // ∫ c dV from the file (cell volumes from the coordinates) against the ledger.
    vtkDataArray* c = grid->GetCellData()->GetArray(field_name.c_str());
    int dims[3];
    grid->GetDimensions(dims);
    if (cells) *cells = {dims[0] - 1, dims[1] - 1, dims[2] - 1};
    double integral = 0;
    for (int k = 0; k < dims[2] - 1; ++k)
      for (int j = 0; j < dims[1] - 1; ++j)
        for (int i = 0; i < dims[0] - 1; ++i) {
          const double volume =
              (grid->GetXCoordinates()->GetTuple1(i + 1) - grid->GetXCoordinates()->GetTuple1(i)) *
              (grid->GetYCoordinates()->GetTuple1(j + 1) - grid->GetYCoordinates()->GetTuple1(j)) *
              (grid->GetZCoordinates()->GetTuple1(k + 1) - grid->GetZCoordinates()->GetTuple1(k));
          integral += c->GetTuple1(i + (dims[0] - 1) * (j + (dims[1] - 1) * k)) * volume;
        }
    const double stored = records[n].ledger.stored_free();
    EXPECT_NEAR(integral, stored, 1e-5 * std::max(stored, 1.0)) << "t = " << timestep;  // float arrays
    for (const auto& r : records) EXPECT_LE(r.ledger.balance_residual(), 1e-12);
  }
  EXPECT_EQ(n, records.size());
}


// One depth convention (issue 17): z is depth below the skin surface in every run, a film at
// z < 0; `layer` holds TissueMaterials' ids (1 the stratum corneum with a film or without),
// named by the field data "layer_names" and by layers.json; the first and active array is the
// first species' free field; a species that neither binds nor is taken up writes no bound
// array (exosomes bind nothing, they are only taken up; VEGF binds).
struct WrittenRun {
  fs::path dir;
  vtkNew<vtkXMLRectilinearGridReader> reader;
  vtkRectilinearGrid* grid = nullptr;
  nlohmann::json layers;
};

void run_and_read(const char* file, const std::vector<std::string>& overrides, WrittenRun& out) {
  const std::string source = SKINRD_SOURCE_DIR;
  const auto library = scenario::load_library(source + "/scenarios/library");
  std::vector<std::string> all = {"output.vtk=true", "run.duration=\"20 min\"", "run.output_interval=\"10 min\""};
  all.insert(all.end(), overrides.begin(), overrides.end());
  const auto s = scenario::load_scenario(source + "/tests/scenarios/" + file, all, library);
  run::RunOptions options;
  const std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  out.dir = fs::temp_directory_path() / ("skinrd_test_vtk_depth_" + test + "_" + file);
  options.out_dir = out.dir.string();
  options.force = true;
  std::ostringstream progress;
  run::run_scenario(s, options, progress);
  out.reader->SetFileName((out.dir / "fields_0001.vtr").string().c_str());
  out.reader->Update();
  out.grid = out.reader->GetOutput();
  std::ifstream json(out.dir / "layers.json");
  out.layers = nlohmann::json::parse(json);
}

// The z of the top face of the first cell with this `layer` id.
double top_of_layer(vtkRectilinearGrid* grid, int id) {
  vtkDataArray* layer = grid->GetCellData()->GetArray("layer");
  int dims[3];
  grid->GetDimensions(dims);
  const vtkIdType plane = static_cast<vtkIdType>(dims[0] - 1) * (dims[1] - 1);
  for (int k = 0; k < dims[2] - 1; ++k)
    if (layer->GetTuple1(k * plane) == id) return grid->GetZCoordinates()->GetTuple1(k);
  ADD_FAILURE() << "no cell of layer " << id;
  return std::nan("");
}

std::string layer_name(vtkRectilinearGrid* grid, int id) {
  auto* names = vtkStringArray::SafeDownCast(grid->GetFieldData()->GetAbstractArray("layer_names"));
  if (!names || id >= names->GetNumberOfValues()) return "(none)";
  return names->GetValue(id);
}

void expect_layers_json(const nlohmann::json& layers, bool film) {
  const auto& slabs = layers.at("layers");
  ASSERT_EQ(slabs.size(), film ? 6u : 5u);
  const nlohmann::json& sc = slabs.at(film ? 1 : 0);
  EXPECT_EQ(sc.at("id"), 1);
  EXPECT_EQ(sc.at("name"), "stratum_corneum");
  EXPECT_DOUBLE_EQ(sc.at("z_top_um").get<double>(), 0.0);
  EXPECT_GT(sc.at("z_bottom_um").get<double>(), 0.0);
  if (film) {
    EXPECT_EQ(slabs.at(0).at("id"), 0);
    EXPECT_EQ(slabs.at(0).at("name"), "vehicle");
    EXPECT_LT(slabs.at(0).at("z_top_um").get<double>(), 0.0);
    EXPECT_DOUBLE_EQ(slabs.at(0).at("z_bottom_um").get<double>(), 0.0);
  }
  const auto& materials = layers.at("materials");
  ASSERT_EQ(materials.size(), 17u);  // vehicle, 5 layers, needle, 5 pores, 5 blebs
  EXPECT_EQ(materials.at(6).at("name"), "needle");
  EXPECT_EQ(materials.at(7).at("kind"), "pore");
  EXPECT_EQ(materials.at(16).at("name"), "bleb_hypodermis");
  EXPECT_EQ(materials.at(16).at("in_layer"), "hypodermis");
}

TEST(VtkDepthConvention, SkinSurfaceAtZeroAndStableLayerIdsWithAFilm) {
  WrittenRun run;
  run_and_read("film_through_leaky_sc.toml", {}, run);
  EXPECT_DOUBLE_EQ(top_of_layer(run.grid, 1), 0.0);  // the skin surface, under the film
  EXPECT_LT(top_of_layer(run.grid, 0), 0.0);         // the vehicle above it
  EXPECT_EQ(layer_name(run.grid, 0), "vehicle");
  EXPECT_EQ(layer_name(run.grid, 1), "stratum_corneum");
  EXPECT_EQ(layer_name(run.grid, 6), "needle");
  vtkCellData* cells = run.grid->GetCellData();
  EXPECT_STREQ(cells->GetArrayName(0), "VEGF free [ng/mL]");
  ASSERT_NE(cells->GetScalars(), nullptr);
  EXPECT_STREQ(cells->GetScalars()->GetName(), "VEGF free [ng/mL]");
  EXPECT_NE(cells->GetArray("VEGF bound [ng/mL]"), nullptr);  // VEGF binds to the ECM
  EXPECT_NE(cells->GetArray("material"), nullptr);
  expect_layers_json(run.layers, true);
  // skinrd paraview: the state opens the free field at the target layer's peak, depth down.
  std::ifstream summary_file(run.dir / "summary.json");
  const nlohmann::json summary = nlohmann::json::parse(summary_file);
  const double peak_s = summary["species"][0]["layers"]["papillary_dermis"]["peak_time_s"];
  EXPECT_GT(peak_s, 0);
  std::ifstream state(output::write_paraview_state(run.dir.string()));
  const std::string script((std::istreambuf_iterator<char>(state)), {});
  EXPECT_NE(script.find("ARRAY = \"VEGF free [ng/mL]\""), std::string::npos);
  EXPECT_NE(script.find("TIME_S = " + nlohmann::json(peak_s).dump() + "\n"), std::string::npos) << script.substr(0, 1200);
  EXPECT_NE(script.find("[\"stratum_corneum\",0.0,"), std::string::npos);
  EXPECT_NE(script.find("view.CameraViewUp = [0.0, 0.0, -1.0]"), std::string::npos);
}

TEST(VtkDepthConvention, SkinSurfaceAtZeroAndStableLayerIdsWithoutAFilm) {
  WrittenRun run;
  run_and_read("bleb_and_infusion.toml", {}, run);
  EXPECT_DOUBLE_EQ(run.grid->GetZCoordinates()->GetTuple1(0), 0.0);
  EXPECT_DOUBLE_EQ(top_of_layer(run.grid, 1), 0.0);
  EXPECT_EQ(layer_name(run.grid, 1), "stratum_corneum");
  EXPECT_EQ(layer_name(run.grid, 3), "papillary_dermis");
  vtkCellData* cells = run.grid->GetCellData();
  EXPECT_STREQ(cells->GetArrayName(0), "exosome free [particles/mL]");
  EXPECT_EQ(cells->GetArray("exosome bound [particles/mL]"), nullptr);  // exosomes bind nothing
  // the bleb's material (bleb of its layer) in the `material` array, the layer's id in `layer`
  vtkDataArray* material = cells->GetArray("material");
  ASSERT_NE(material, nullptr);
  double range[2];
  material->GetRange(range);
  EXPECT_GE(range[1], 12);  // 12..16: blebs
  expect_layers_json(run.layers, false);
}

TEST_P(VtkOutput, ReadBackWithVtk) {
  const auto [file, species] = GetParam();
  check_snapshots(file, species, 1);
}

// Downsampled fields (block means) keep every snapshot's amount: the same integral check on
// grids 3× and 4× coarser laterally, with blocks cut at the tissue layers' boundaries.
TEST(VtkOutputDownsampled, BlockMeansKeepTheAmount) {
  std::array<int, 3> full{}, coarse{}, needles{};
  check_snapshots("bleb_and_infusion.toml", "exosome", 1, &full);
  check_snapshots("bleb_and_infusion.toml", "exosome", 3, &coarse);
  EXPECT_EQ(coarse[0] * 3, full[0]);
  EXPECT_EQ(coarse[1] * 3, full[1]);
  EXPECT_LT(coarse[2], full[2]);
  EXPECT_GE(coarse[2] * 3, full[2]);
  check_snapshots("needles_release.toml", "VEGF", 4, &needles);
  EXPECT_EQ(needles[0], 4);
}

TEST(VtkOutputDownsampled, AFactorThatDoesNotDivideTheCellsIsRefused) {
  const std::string source = SKINRD_SOURCE_DIR;
  const auto library = scenario::load_library(source + "/scenarios/library");
  const auto s = scenario::load_scenario(source + "/tests/scenarios/bleb_and_infusion.toml",
                                         {"output.vtk=true", "tissue.dx=\"25 um\"", "output.downsample=5"},
                                         library);
  run::RunOptions options;
  options.out_dir = (fs::temp_directory_path() / "skinrd_test_vtk_bad_downsample").string();
  options.force = true;
  std::ostringstream progress;
  try {
    run::run_scenario(s, options, progress);
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("output.downsample: 5 does not divide the lateral cells (12 x 12)"),
              std::string::npos)
        << error.what();
  }
}

// A full disk (issue 16, finding 9): VTK's writer reports it only through an error event and
// its error code, Write() still succeeding; the series must throw with the reason and leave
// neither the truncated .vtr nor a .pvd naming it.
TEST(VtkOutputFailure, FullDiskIsAnIoErrorWithTheReason) {
  const fs::path dir = fs::temp_directory_path() / "skinrd_test_vtk_full";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const Grid grid = make_grid(4, 4, 10, {{"dermis", 100, 10}});
  output::VtkSeries series(dir.string(), "fields", grid);
  fs::create_symlink("/dev/full", dir / "fields_0000.vtr.tmp");  // where the file is written first
  const std::vector<output::CellArray> arrays{{"VEGF free [ng/mL]", std::vector<float>(grid.voxel_count(), 1.0f)}};
  try {
    series.write(0, arrays);
    ADD_FAILURE() << "a write to a full disk passed";
  } catch (const IoError& error) {
    EXPECT_NE(std::string(error.what()).find("No space left on device"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(fs::exists(dir / "fields.pvd"));
  EXPECT_FALSE(fs::exists(dir / "fields.pvd.tmp"));
  EXPECT_FALSE(fs::exists(dir / "fields_0000.vtr"));
  fs::remove_all(dir);
}

}  // namespace
