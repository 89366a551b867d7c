// toml++'s parser compiled into the fuzz build (CMakeLists.txt, skinrd_core_fuzz), so the
// sanitizers see inside it: Debian's libtomlplusplus.so is built without them.
#define TOML_IMPLEMENTATION 1
#include <toml++/toml.h>
