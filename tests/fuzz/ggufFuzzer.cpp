// libFuzzer target for the GGUF reader (built with clang when LANTERN_FUZZ is on, see CMakeLists.txt).
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/ggufentry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    lantern::fuzz::runGguf(data, size);
    return 0;
}
