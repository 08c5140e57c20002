// Block32 kernels for avx2 (stub: falls back to scalar until the kernels land).
#include "inference/cpu/block32.h"

namespace lantern::cpu::b32 {

const IsaTable& avx2Table() {
    static const IsaTable t = {};
    return t;
}

}  // namespace lantern::cpu::b32
