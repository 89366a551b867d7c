// Which executor runs a backend, and the run-time choice of the backend (host/backend.hpp).
#include "host/backend.hpp"

#include <omp.h>

#include "host/error.hpp"
#include "host/executor/backends.hpp"

namespace skinrd {

const char* to_string(BackendKind kind) { return kind == BackendKind::cuda ? "cuda" : "cpu"; }

BackendKind backend_kind(std::string_view name) {
  for (BackendKind kind : {BackendKind::cpu, BackendKind::cuda})
    if (name == to_string(kind)) return kind;
  throw ConfigError("backend", "must be cpu or cuda, got '" + std::string(name) + "'");
}

const Executor& executor_for(BackendKind kind) {
  return kind == BackendKind::cuda ? executors::cuda() : executors::cpu();
}

bool cuda_compiled() {
#ifdef SKINRD_WITH_CUDA
  return true;
#else
  return false;
#endif
}

bool cuda_device_available() { return executors::cuda_device_count(nullptr) > 0; }

std::string cuda_unavailable_reason() {
  if (!cuda_compiled()) return "this build has no CUDA backend";
  std::string why;
  if (executors::cuda_device_count(&why) > 0) return "";
  return "no NVIDIA GPU found (CUDA driver: " + why + ")";
}

namespace {

BackendChoice cpu_choice(const std::string& why) {
  return {BackendKind::cpu, "cpu (OpenMP, " + std::to_string(omp_get_max_threads()) +
                                " threads" + (why.empty() ? "" : "; " + why) + ")"};
}

}  // namespace

BackendChoice select_backend(std::string_view request) {
  if (request == "cpu") return cpu_choice("");
  if (request != "auto" && request != "cuda")
    throw ConfigError("backend", "must be auto, cpu or cuda, got '" + std::string(request) + "'");
  if (request == "cuda" && !cuda_compiled()) throw NotCompiled("the CUDA backend");
  const std::string why_none = cuda_unavailable_reason();
  if (why_none.empty())
    return {BackendKind::cuda, "cuda (device 0: " + executors::cuda().device_name() + ")"};
  if (request == "cuda") throw BackendUnavailable("--backend cuda was requested, but " + why_none);
  return cpu_choice("auto: " + why_none);
}

}  // namespace skinrd
