// libFuzzer entry: the bytes as a scenario file, read with the shipped library.
#include "host/error.hpp"
#include "host/scenario/scenario.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace skinrd;
  const scenario::Library& library = fuzz::shipped_library();
  const std::string path = fuzz::write_input(data, size);
  return fuzz::run_input([&] { scenario::load_scenario(path, {}, library); });
}
