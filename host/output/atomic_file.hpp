#pragma once
// Files written whole or not at all: content goes to PATH.tmp, which is renamed over PATH,
// so a reader (or a crash) never sees a half-written file.
#include <filesystem>
#include <string>

namespace skinrd::output {

void write_atomically(const std::filesystem::path& path, const std::string& content);

}  // namespace skinrd::output
