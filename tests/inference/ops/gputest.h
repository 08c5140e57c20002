#pragma once
// Shared helpers of the GPU op tests: one Context per test executable, buffers from host vectors,
// deterministic random data, random GGUF blocks, and the NMSE measure every comparison uses.
#include <QtTest>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include "inference/gguf/types.h"
#include "inference/ops/ops.h"
#include "inference/vulkan/gpu.h"
#include "inference/reference/numbers.h"
#include "inference/reference/ops.h"
#include "inference/reference/weights.h"
#include "tests/support/gpucontext.h"
#include "tests/support/measure.h"
#include "tests/support/testenv.h"

namespace lantern::test {

// The device every test in the executable uses; skips the whole executable when there is none.
inline gpu::Context& gpuContext() {
    static std::unique_ptr<gpu::Context> ctx = requireGpu();
    return *ctx;
}

// splitmix64: the same numbers on every machine.
class Rng {
public:
    explicit Rng(uint64_t seed) : m_state(seed) {}
    uint64_t next() {
        uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in [lo, hi).
    float uniform(float lo = -1.0f, float hi = 1.0f) {
        return lo + (hi - lo) * static_cast<float>(next() >> 40) / static_cast<float>(1ull << 24);
    }
    std::vector<float> floats(size_t n, float lo = -1.0f, float hi = 1.0f) {
        std::vector<float> v(n);
        for (float& f : v) {
            f = uniform(lo, hi);
        }
        return v;
    }

private:
    uint64_t m_state;
};

using reference::fromHalf;
using reference::toHalf;

inline gpu::Buffer makeBuffer(uint64_t bytes) {
    auto b = gpuContext().createBuffer(std::max<uint64_t>(bytes, 16));
    if (!b) {
        qFatal("createBuffer(%llu): %s", static_cast<unsigned long long>(bytes), b.error().detail.c_str());
    }
    return std::move(*b);
}

template <class T>
gpu::Buffer upload(std::span<const T> data) {
    // Rounded up to whole words: the shaders read 32-bit words.
    gpu::Buffer b = makeBuffer((data.size_bytes() + 3) / 4 * 4);
    auto r = b.upload(std::as_bytes(data));
    if (!r) {
        qFatal("upload: %s", r.error().detail.c_str());
    }
    return b;
}
template <class T>
gpu::Buffer upload(const std::vector<T>& data) {
    return upload(std::span<const T>(data));
}

inline std::vector<float> download(const gpu::Buffer& b, size_t n, uint64_t offset = 0) {
    std::vector<float> out(n);
    auto r = b.download(std::as_writable_bytes(std::span<float>(out)), offset);
    if (!r) {
        qFatal("download: %s", r.error().detail.c_str());
    }
    return out;
}

// Records what `body` records into a fresh recorder, submits and waits; fails the test on any error.
template <class F>
void run(F&& body) {
    auto rec = gpuContext().record();
    QVERIFY2(rec.has_value(), rec ? "" : rec.error().detail.c_str());
    auto r = body(*rec);
    QVERIFY2(r.has_value(), r ? "" : r.error().detail.c_str());
    auto s = rec->submitAndWait();
    QVERIFY2(s.has_value(), s ? "" : s.error().detail.c_str());
}

}  // namespace lantern::test

namespace lantern::test {

// Offsets of the f16 scale fields inside one block of each quantized type (GGUF block layouts).
inline std::vector<uint32_t> halfFields(gguf::GgmlType t) {
    using gguf::GgmlType;
    switch (t) {
    case GgmlType::Q4_1: case GgmlType::Q5_1: case GgmlType::Q4_K: case GgmlType::Q5_K: return {0, 2};
    case GgmlType::Q2_K: return {80, 82};
    case GgmlType::Q3_K: return {108};
    case GgmlType::Q6_K: return {208};
    default: return {0};
    }
}

// A rows x cols GGUF tensor of `type` with every quantized bit random and the f16 scales random but
// finite (|d| in [0.002, 0.03]), so decoders see every code, sign and packed-scale pattern.
inline std::vector<std::byte> randomWeights(gguf::GgmlType type, uint32_t rows, uint32_t cols, Rng& rng) {
    using gguf::GgmlType;
    const uint64_t bytes = ops::rowBytes(type, cols) * rows;
    std::vector<std::byte> out(bytes);
    const uint64_t n = uint64_t{rows} * cols;
    if (type == GgmlType::F32) {
        for (uint64_t i = 0; i < n; ++i) {
            const float f = rng.uniform();
            std::memcpy(out.data() + 4 * i, &f, 4);
        }
        return out;
    }
    if (type == GgmlType::F16 || type == GgmlType::BF16) {
        for (uint64_t i = 0; i < n; ++i) {
            const float f = rng.uniform();
            uint32_t bits;
            std::memcpy(&bits, &f, 4);
            const uint16_t h = type == GgmlType::F16 ? toHalf(f) : static_cast<uint16_t>(bits >> 16);
            std::memcpy(out.data() + 2 * i, &h, 2);
        }
        return out;
    }
    for (uint64_t i = 0; i < bytes; i += 8) {
        const uint64_t r = rng.next();
        std::memcpy(out.data() + i, &r, std::min<uint64_t>(8, bytes - i));
    }
    const auto traits = gguf::typeTraits(type);
    const std::vector<uint32_t> fields = halfFields(type);
    for (uint64_t b = 0; b < bytes; b += traits->blockBytes) {
        for (uint32_t f : fields) {
            const float mag = rng.uniform(0.002f, 0.03f);
            const uint16_t h = toHalf(rng.next() & 1 ? mag : -mag);
            std::memcpy(out.data() + b + f, &h, 2);
        }
    }
    return out;
}

// Columns for a small odd-shaped test of `type`: not a multiple of 64 for K-quants (3 blocks), 3 blocks
// of 32 for the 32-element types, an odd count for plain types.
inline uint32_t testCols(gguf::GgmlType type) {
    const auto traits = gguf::typeTraits(type);
    if (traits->blockElems == 256) {
        return 768;
    }
    return traits->blockElems == 32 ? 96 : 101;
}

// Every weight type the shaders support.
inline std::vector<gguf::GgmlType> weightTypes() {
    const auto types = reference::weightTypes();
    return {types.begin(), types.end()};
}

}  // namespace lantern::test

namespace lantern::test {

// rows x cols floats of a GGUF tensor, dequantized by the CPU reference.
inline std::vector<float> referenceDequantize(gguf::GgmlType type, std::span<const std::byte> data, uint32_t rows,
                                              uint32_t cols) {
    return reference::dequantize(type, data, uint64_t{rows} * cols);
}

}  // namespace lantern::test
