#pragma once
// One error hierarchy for the whole program: thrown where a problem is found, caught
// only in main, which prints it as one line and exits non-zero.
#include <stdexcept>
#include <string>

namespace skinrd {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A bad input value. key: the path of the offending setting; line: its line in the
// scenario file, or 0 when it did not come from a file.
class ConfigError : public Error {
 public:
  ConfigError(std::string key, const std::string& message, int line = 0)
      : Error(format(key, message, line)), key_(std::move(key)), line_(line) {}
  const std::string& key() const { return key_; }
  int line() const { return line_; }

 private:
  static std::string format(const std::string& key, const std::string& message, int line) {
    return (line > 0 ? "line " + std::to_string(line) + ": " : std::string()) + key + ": " +
           message;
  }
  std::string key_;
  int line_;
};

class CudaError : public Error {
 public:
  CudaError(const std::string& call, const std::string& what, const char* file, int line)
      : Error("CUDA call " + call + " failed: " + what + " (" + file + ":" +
              std::to_string(line) + ")") {}
};

// A backend or feature this build does not contain.
class NotCompiled : public Error {
 public:
  explicit NotCompiled(const std::string& feature)
      : Error(feature + " is not compiled into this build of skinrd (rebuild with " +
              "-DSKINRD_CUDA=ON on a machine with the CUDA toolkit)") {}
};

// A backend that is compiled in but cannot run here (no device, no driver).
class BackendUnavailable : public Error {
 public:
  using Error::Error;
};

// A run stopped before its end by a signal or by --stop-after, with a checkpoint written to
// resume from; exit_code: 130 (SIGINT), 143 (SIGTERM) or 0 (a planned stop).
class RunInterrupted : public Error {
 public:
  RunInterrupted(const std::string& message, int exit_code) : Error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// A run whose fields or ledger became non-finite (NaN or inf): the inputs asked for more than
// the field precision holds. A user-input problem (exit 2); the message names the species,
// layer, time and likely cause.
class NumericalError : public Error {
 public:
  using Error::Error;
};

class IoError : public Error {
 public:
  IoError(const std::string& path, const std::string& message)
      : Error(path + ": " + message) {}
};

}  // namespace skinrd
