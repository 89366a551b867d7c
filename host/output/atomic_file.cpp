#include "host/output/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "host/error.hpp"

namespace skinrd::output {
namespace {

std::string system_reason(int error) {
  return error != 0 ? std::string(std::strerror(error)) : "no reason given by the system";
}

// Writes all of content to the file descriptor; the errno of the failure, or 0.
int write_all(int fd, const std::string& content) {
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : EIO;
    done += static_cast<std::size_t>(n);
  }
  return ::fsync(fd) == 0 || errno == EINVAL || errno == EROFS ? 0 : errno;  // devices cannot sync
}

}  // namespace

void write_atomically(const std::filesystem::path& path, const std::string& content) {
  const std::string temporary = path.string() + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError(temporary, "cannot open for writing: " + system_reason(errno));
  int error = write_all(fd, content);
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error != 0) {
    ::unlink(temporary.c_str());  // no empty or partial .tmp left behind
    throw IoError(temporary, "write failed: " + system_reason(error));
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    error = errno;
    ::unlink(temporary.c_str());
    throw IoError(path.string(), "cannot replace: " + system_reason(error));
  }
}

void flush_or_throw(std::ostream& out, const std::string& path) {
  // A failed write leaves errno set; successful calls since do not clear it.
  if (out) out.flush();
  if (!out) throw IoError(path, "write failed: " + system_reason(errno));
}

}  // namespace skinrd::output
