#pragma once
// The instruction sets the CPU backend has kernels for, detected once from cpuid (x86-64) or the build
// (ARM64), and the switch tests and benchmarks use to force a lower one (LANTERN_CPU_ISA=avx2|scalar).
#include <string_view>

namespace lantern::cpu {

enum class Isa {
    Scalar,      // portable C++: the fallback, and the kernels' own reference in tests
    Avx2,        // x86-64 AVX2 + FMA + F16C (Haswell and later, Zen 1 and later)
    Avx512Vnni,  // x86-64 AVX-512 F/BW/DQ/VL + VNNI (Ice Lake and later, Zen 4 and later)
    Neon,        // ARM64 NEON with the dot-product extension (Apple Silicon, Graviton 2+, Cortex-A76+)
};

std::string_view isaName(Isa isa);   // "avx512-vnni", "avx2", "neon", "scalar"
// The best ISA this CPU and OS support (for AVX-512, the OS must save ZMM state: XCR0 bits 5-7).
Isa detectIsa();
// What the kernels use: detectIsa(), lowered by LANTERN_CPU_ISA when that names a supported ISA, or by
// setIsa(). Never higher than detectIsa().
Isa activeIsa();
// Forces a lower ISA for the whole process (tests, `lantern-cli bench-ops --isa avx2`); returns what is
// now active (the request, clamped to what the CPU supports).
Isa setIsa(Isa isa);
// True when this build has kernels for isa and the CPU runs them.
bool isaSupported(Isa isa);
// The ISAs from `requested` down to Scalar that this CPU runs, best first (a kernel family takes the first it has
// an implementation for, so a request above the machine degrades instead of faulting); returns how many.
int isaChain(Isa requested, Isa out[3]);

}  // namespace lantern::cpu
