// Replays corpus files through a harness's LLVMFuzzerTestOneInput with the ordinary compiler, so
// every build (g++ included) runs the inputs that once broke skinrd. Fails on any exception the
// harness lets through (not a skinrd::Error); a crash fails the test by itself.
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <string>

#include "tests/fuzz/fuzz_input.hpp"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::set<fs::path> files;  // sorted: the same order on every run
  for (int a = 1; a < argc; ++a) {
    if (fs::is_directory(argv[a])) {
      for (const auto& entry : fs::directory_iterator(argv[a]))
        if (entry.is_regular_file()) files.insert(entry.path());
    } else {
      files.insert(argv[a]);
    }
  }
  int failures = 0;
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
      LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    } catch (const std::exception& e) {
      std::cerr << file.string() << ": not a skinrd error: " << e.what() << '\n';
      ++failures;
    }
  }
  std::cout << files.size() << " inputs replayed, " << failures << " failed\n";
  return files.empty() || failures ? 1 : 0;
}
