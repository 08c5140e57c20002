// libFuzzer main of one entry point of entries.h, chosen by LANTERN_FUZZ_ENTRY at compile time
// (built with clang and libc++ when LANTERN_FUZZ is on, see CMakeLists.txt).
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    lantern::fuzz::LANTERN_FUZZ_ENTRY(data, size);
    return 0;
}
