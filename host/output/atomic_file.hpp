#pragma once
// Files written whole or not at all: content goes to PATH.tmp, which is renamed over PATH,
// so a reader (or a crash) never sees a half-written file.
#include <filesystem>
#include <ostream>
#include <string>

namespace skinrd::output {

// IoError with the system's reason ("No space left on device") when it cannot; PATH.tmp is
// removed on any failure.
void write_atomically(const std::filesystem::path& path, const std::string& content);

// Flushes a stream that writes `path`; IoError with the system's reason when the stream has
// failed (now or at an earlier write).
void flush_or_throw(std::ostream& out, const std::string& path);

}  // namespace skinrd::output
