#pragma once
// The build's version and git revision (CMake defines them for skinrd_core); "unknown" where a
// file is compiled without them.
#ifndef SKINRD_VERSION
#define SKINRD_VERSION "unknown"
#endif
#ifndef SKINRD_GIT_REVISION
#define SKINRD_GIT_REVISION "unknown"
#endif
