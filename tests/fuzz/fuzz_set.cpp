// libFuzzer entry: the bytes as --set overrides (one key.path=value per line) of a shipped scenario.
#include <string>
#include <vector>

#include "host/error.hpp"
#include "host/scenario/scenario.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace skinrd;
  const scenario::Library& library = fuzz::shipped_library();
  static const std::string base = fuzz::shipped_scenario();
  std::vector<std::string> overrides;
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    overrides.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return fuzz::run_input([&] { scenario::load_scenario(base, overrides, library); });
}
