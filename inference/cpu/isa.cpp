#include "inference/cpu/isa.h"

#include <atomic>
#include <cstdlib>
#include <string>

#if defined(__x86_64__) || defined(_M_X64)
#if defined(_MSC_VER)
#include <intrin.h>
#else
#include <cpuid.h>
#endif
#endif

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#elif (defined(__aarch64__) || defined(_M_ARM64)) && defined(_WIN32)
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#endif

namespace lantern::cpu {

namespace {

#if defined(__x86_64__) || defined(_M_X64)
void cpuid(unsigned leaf, unsigned sub, unsigned r[4]) {
#if defined(_MSC_VER)
    int v[4];
    __cpuidex(v, int(leaf), int(sub));
    for (int i = 0; i < 4; ++i) {
        r[i] = unsigned(v[i]);
    }
#else
    __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
#endif
}

unsigned long long xgetbv0() {
#if defined(_MSC_VER)
    return _xgetbv(0);
#else
    unsigned lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (static_cast<unsigned long long>(hi) << 32) | lo;
#endif
}

Isa detectX86() {
    unsigned r[4];
    cpuid(0, 0, r);
    const unsigned maxLeaf = r[0];
    cpuid(1, 0, r);
    const bool osxsave = (r[2] >> 27) & 1, fma = (r[2] >> 12) & 1, f16c = (r[2] >> 29) & 1;
    if (!osxsave || maxLeaf < 7) {
        return Isa::Scalar;
    }
    const unsigned long long xcr0 = xgetbv0();
    const bool ymm = (xcr0 & 0x6) == 0x6;     // SSE and AVX state
    const bool zmm = (xcr0 & 0xe6) == 0xe6;   // plus opmask, ZMM_Hi256, Hi16_ZMM
    cpuid(7, 0, r);
    const bool avx2 = (r[1] >> 5) & 1, bmi2 = (r[1] >> 8) & 1;
    const bool avx512f = (r[1] >> 16) & 1, avx512dq = (r[1] >> 17) & 1, avx512bw = (r[1] >> 30) & 1,
               avx512vl = (r[1] >> 31) & 1;
    const bool vnni = (r[2] >> 11) & 1;
    if (!(ymm && avx2 && fma && f16c && bmi2)) {
        return Isa::Scalar;
    }
    if (zmm && avx512f && avx512dq && avx512bw && avx512vl && vnni) {
        return Isa::Avx512Vnni;
    }
    return Isa::Avx2;
}
#endif

#if defined(__aarch64__) || defined(_M_ARM64)
// This file is built for plain ARMv8-A (only the _neon.cpp files get +dotprod), so the dot-product
// extension is asked of the OS, never read from __ARM_FEATURE_DOTPROD here.
Isa detectArm() {
#if defined(__APPLE__)
    return Isa::Neon;  // every Apple Silicon core has the dot-product extension
#elif defined(__linux__)
    constexpr unsigned long kHwcapAsimddp = 1ul << 20;  // HWCAP_ASIMDDP of <asm/hwcap.h>
    return (getauxval(AT_HWCAP) & kHwcapAsimddp) != 0 ? Isa::Neon : Isa::Scalar;
#elif defined(_WIN32) && defined(PF_ARM_V82_DP_INSTRUCTIONS_AVAILABLE)
    return IsProcessorFeaturePresent(PF_ARM_V82_DP_INSTRUCTIONS_AVAILABLE) ? Isa::Neon : Isa::Scalar;
#else
    return Isa::Scalar;  // no way to ask: the portable kernels
#endif
}
#endif

Isa parse(const char* s, Isa fallback) {
    if (s == nullptr) {
        return fallback;
    }
    const std::string v(s);
    if (v == "scalar") {
        return Isa::Scalar;
    }
    if (v == "avx2") {
        return Isa::Avx2;
    }
    if (v == "avx512-vnni" || v == "avx512") {
        return Isa::Avx512Vnni;
    }
    if (v == "neon") {
        return Isa::Neon;
    }
    return fallback;
}

Isa clamp(Isa want) {
    const Isa best = detectIsa();
    if (want == Isa::Scalar || want == best) {
        return want;
    }
    // x86 ISAs are ordered; NEON only where it was detected.
    if (best != Isa::Neon && want != Isa::Neon && int(want) < int(best)) {
        return want;
    }
    return best;
}

std::atomic<int>& active() {
    static std::atomic<int> isa{int(clamp(parse(std::getenv("LANTERN_CPU_ISA"), detectIsa())))};
    return isa;
}

}  // namespace

std::string_view isaName(Isa isa) {
    switch (isa) {
    case Isa::Scalar: return "scalar";
    case Isa::Avx2: return "avx2";
    case Isa::Avx512Vnni: return "avx512-vnni";
    case Isa::Neon: return "neon";
    }
    return "scalar";
}

Isa detectIsa() {
#if defined(__x86_64__) || defined(_M_X64)
    static const Isa isa = detectX86();
    return isa;
#elif defined(__aarch64__) || defined(_M_ARM64)
    static const Isa isa = detectArm();
    return isa;
#else
    return Isa::Scalar;
#endif
}

Isa activeIsa() { return Isa(active().load(std::memory_order_relaxed)); }

Isa setIsa(Isa isa) {
    const Isa now = clamp(isa);
    active().store(int(now), std::memory_order_relaxed);
    return now;
}

bool isaSupported(Isa isa) { return clamp(isa) == isa; }

int isaChain(Isa requested, Isa out[3]) {
    int n = 0;
    if (requested == Isa::Neon && isaSupported(Isa::Neon)) {
        out[n++] = Isa::Neon;
    }
    if (requested == Isa::Avx512Vnni && isaSupported(Isa::Avx512Vnni)) {
        out[n++] = Isa::Avx512Vnni;
    }
    if ((requested == Isa::Avx512Vnni || requested == Isa::Avx2) && isaSupported(Isa::Avx2)) {
        out[n++] = Isa::Avx2;
    }
    out[n++] = Isa::Scalar;
    return n;
}

}  // namespace lantern::cpu
