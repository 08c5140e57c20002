#include "tests/support/testenv.h"

// testenv.h is header-only; this unit anchors the support library so it always has a source.
namespace lantern::test {
static_assert(kSkipExitCode == 77, "must match SKIP_RETURN_CODE in tests/CMakeLists.txt");
}
