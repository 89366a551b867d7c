// libFuzzer entry: the bytes as an ensemble file over a shipped scenario (given as on the command
// line, so an input's own scenario key is refused), members loaded.
#include "host/error.hpp"
#include "host/scenario/ensemble.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace skinrd;
  const scenario::Library& library = fuzz::shipped_library();
  static const std::string given = fuzz::shipped_scenario();
  const std::string path = fuzz::write_input(data, size);
  return fuzz::run_input([&] {
    const scenario::EnsembleSpec spec = scenario::load_ensemble(path, given);
    scenario::load_members(spec, {}, library);
  });
}
