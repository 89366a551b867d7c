#include "tests/fuzz/fuzz_input.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>


namespace skinrd::fuzz {

const scenario::Library& shipped_library() {
  static const scenario::Library library =
      scenario::load_library(std::string(SKINRD_SOURCE_DIR) + "/scenarios/library");
  return library;
}

std::string shipped_scenario() {
  return std::string(SKINRD_SOURCE_DIR) + "/scenarios/intradermal_exosome.toml";
}

std::string write_input(const std::uint8_t* data, std::size_t size) {
  static const std::string path = (std::filesystem::temp_directory_path() /
                                   ("skinrd_fuzz_" + std::to_string(getpid()) + ".toml"))
                                      .string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out.flush()) throw std::runtime_error("cannot write the fuzz input file " + path);
  return path;
}

}  // namespace skinrd::fuzz
