#include "host/output/atomic_file.hpp"

#include <fstream>

#include "host/error.hpp"

namespace skinrd::output {

void write_atomically(const std::filesystem::path& path, const std::string& content) {
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary);
    if (!out) throw IoError(temporary.string(), "cannot open for writing");
    out << content;
    if (!out.flush()) throw IoError(temporary.string(), "write failed");
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) throw IoError(path.string(), "cannot replace: " + error.message());
}

}  // namespace skinrd::output
