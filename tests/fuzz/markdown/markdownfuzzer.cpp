// libFuzzer main of the Markdown formatter's entry point (built with clang when LANTERN_FUZZ is on, see
// CMakeLists.txt).
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/markdown/markdownentry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    lantern::fuzz::runMarkdown(data, size);
    return 0;
}
