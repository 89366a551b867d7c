// `skinrd bench` end to end on a small grid: exit status 0, the header, and a row for every
// kernel whose numbers are finite and positive (the timings themselves are not checked).
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kKernels = {
    "explicit_step", "line_sweep_x", "line_sweep_y", "line_sweep_z", "lod_step",
    "adi_step",      "react",        "amount",       "max_abs_difference"};

struct Result {
  int status = -1;
  std::string output;
};

Result run(const std::string& arguments) {
  Result result;
  const std::string command = std::string(SKINRD_EXE) + " " + arguments + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe)) result.output += buffer.data();
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// The cells of a Markdown table row, trimmed.
std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream stream(line);
  std::string cell;
  std::getline(stream, cell, '|');  // before the first bar
  while (std::getline(stream, cell, '|')) {
    const auto first = cell.find_first_not_of(' '), last = cell.find_last_not_of(' ');
    out.push_back(first == std::string::npos ? "" : cell.substr(first, last - first + 1));
  }
  return out;
}

bool finite_positive(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  return end != text.c_str() && *end == '\0' && std::isfinite(value) && value > 0;
}

TEST(BenchCli, EveryKernelRowOnTheCpu) {
  const fs::path csv = fs::temp_directory_path() / "skinrd_bench_test.csv";
  fs::remove(csv);
  const Result result =
      run("bench --backend cpu --size 16x16x24 --repeat 2 --csv " + csv.string());
  ASSERT_EQ(result.status, 0) << result.output;
  for (const char* header : {"git revision", "backend cpu", "float fields",
                             "grid 16 x 16 x 24 = 6144 voxels", "1 species", "date "})
    EXPECT_NE(result.output.find(header), std::string::npos) << header << "\n" << result.output;

  std::map<std::string, std::vector<std::string>> rows;
  std::istringstream lines(result.output);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("| ", 0) == 0) {
      const auto row = cells(line);
      if (!row.empty()) rows[row[0]] = row;
    }
  for (const std::string& kernel : kKernels) {
    ASSERT_TRUE(rows.count(kernel)) << kernel << " missing in\n" << result.output;
    const auto& row = rows[kernel];
    ASSERT_GE(row.size(), 6u) << kernel;
    // ms/call, voxel-updates/s, B/voxel, GB/s; the fraction of peak is "-" on the CPU.
    for (int c = 1; c <= 4; ++c)
      EXPECT_TRUE(finite_positive(row[c])) << kernel << " column " << c << ": '" << row[c] << "'";
    EXPECT_EQ(row[5], "-") << kernel;
  }

  std::ifstream file(csv);
  ASSERT_TRUE(file) << csv;
  std::string line;
  int count = 0;
  std::getline(file, line);
  EXPECT_EQ(line.rfind("date,git_revision,device,", 0), 0u) << line;
  while (std::getline(file, line)) ++count;
  EXPECT_EQ(count, static_cast<int>(kKernels.size()));
}

// --members: an ADI step of N copies of the species batched in one Simulation against one
// species per batch, both rows and the speed-up.
TEST(BenchCli, MembersCompareBatchedWithOneByOne) {
  const Result result = run("bench --backend cpu --size 8x8x8 --repeat 1 --members 3");
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_NE(result.output.find("3 members, ADI: batched "), std::string::npos) << result.output;
  EXPECT_NE(result.output.find(" x\n"), std::string::npos) << result.output;  // the speed-up
  int rows = 0;
  std::istringstream lines(result.output);
  for (std::string line; std::getline(lines, line);) {
    const auto row = cells(line);
    if (row.size() < 3 || row[0].rfind("adi_members_", 0) != 0) continue;
    ++rows;
    EXPECT_TRUE(finite_positive(row[1]) && finite_positive(row[2])) << line;
  }
  EXPECT_EQ(rows, 2) << result.output;
}

TEST(BenchCli, BadOptionsNameTheOption) {
  for (const auto& [arguments, option] :
       std::vector<std::pair<std::string, std::string>>{{"--size 4x4", "--size"},
                                                         {"--size 8x8x2", "--size"},
                                                         {"--species 0", "--species"},
                                                         {"--repeat 0", "--repeat"},
                                                         {"--members 0", "--members"}}) {
    const Result result = run("bench --backend cpu " + arguments);
    EXPECT_EQ(result.status, 2) << arguments << "\n" << result.output;
    EXPECT_NE(result.output.find("skinrd: error: " + option + ": "), std::string::npos)
        << result.output;
  }
}

}  // namespace
