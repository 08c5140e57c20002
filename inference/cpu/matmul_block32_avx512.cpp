// Block32 kernels for avx512 (stub: falls back to scalar until the kernels land).
#include "inference/cpu/block32.h"

namespace lantern::cpu::b32 {

const IsaTable& avx512Table() {
    static const IsaTable t = {};
    return t;
}

}  // namespace lantern::cpu::b32
