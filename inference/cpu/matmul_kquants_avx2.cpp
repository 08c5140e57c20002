// K-quant kernels for avx2 (stub: falls back to scalar until written).
#include "inference/cpu/kquants.h"

namespace lantern::cpu::kq {

const IsaTable& avx2Table() {
    static const IsaTable t = {};
    return t;
}

}  // namespace lantern::cpu::kq
