// K-quant kernels for avx512 (stub: falls back to scalar until written).
#include "inference/cpu/kquants.h"

namespace lantern::cpu::kq {

const IsaTable& avx512Table() {
    static const IsaTable t = {};
    return t;
}

}  // namespace lantern::cpu::kq
