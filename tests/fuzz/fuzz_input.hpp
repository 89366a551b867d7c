#pragma once
// What the fuzz harnesses share: the shipped library and scenario, the input written to a file
// of this process (the readers take paths), and the rule that only skinrd::Error is expected.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

#include "host/error.hpp"
#include "host/scenario/library.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace skinrd::fuzz {

const scenario::Library& shipped_library();
// A shipped scenario (SKINRD_SOURCE_DIR/...), the base that --set and ensemble inputs vary.
std::string shipped_scenario();
// Writes the bytes to this process's input file (.toml) and returns its path.
std::string write_input(const std::uint8_t* data, std::size_t size);

// Runs one input: errors of the skinrd::Error hierarchy are the expected answer to bad input;
// anything else (another exception, a crash, a sanitizer report) escapes and is a finding.
// SKINRD_FUZZ_VERBOSE=1 prints each input's answer.
template <class F>
int run_input(F&& f) {
  static const bool verbose = std::getenv("SKINRD_FUZZ_VERBOSE") != nullptr;
  try {
    f();
    if (verbose) std::cerr << "loaded\n";
  } catch (const skinrd::Error& e) {
    if (verbose) std::cerr << e.what() << '\n';
  }
  return 0;
}

}  // namespace skinrd::fuzz
