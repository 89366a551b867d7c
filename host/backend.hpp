#pragma once
// Which backend runs the kernels: chosen at run time, available by build.
#include <string>
#include <string_view>

namespace skinrd {

enum class BackendKind { cpu, cuda };

const char* to_string(BackendKind kind);
// "cpu" or "cuda" (as to_string writes them); ConfigError on key `backend` otherwise.
BackendKind backend_kind(std::string_view name);

bool cuda_compiled();
// True when the CUDA backend is compiled in and a device answers.
bool cuda_device_available();
// Why the CUDA backend cannot run here, in the user's words ("no NVIDIA GPU found (CUDA
// driver: ...)", "this build has no CUDA backend"); empty when it can.
std::string cuda_unavailable_reason();

struct BackendChoice {
  BackendKind kind;
  std::string description;  // e.g. "cuda (device 0: NVIDIA H100 80GB HBM3)"
};

// request: "auto" (CUDA when a device is present, else CPU), "cpu" or "cuda".
// An explicit "cuda" throws NotCompiled without the CUDA build and BackendUnavailable
// without a device; an unknown name throws ConfigError.
BackendChoice select_backend(std::string_view request);

}  // namespace skinrd
