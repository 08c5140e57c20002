// lantern-cli bench-ops --device cpu: the CPU backend's matrix kernels per weight type, on the threads the backend
// uses. Decode: one token through a matrix bigger than the caches, as weight bytes read per second, next to a
// read-only stream over as many bytes on the same threads (the practical roofline). Prefill: a batch of tokens
// through a matrix that fits the caches, as multiply-accumulates per second.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "app/cli/benchopscpu.h"
#include "inference/backend/cpubackend.h"
#include "inference/cpu/isa.h"
#include "inference/cpu/matmul.h"
#include "inference/cpu/stream.h"

namespace lantern::cli {

namespace {

using gguf::GgmlType;
using Clock = std::chrono::steady_clock;

const GgmlType kTypes[] = {GgmlType::Q8_0, GgmlType::Q5_0, GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_1,
                           GgmlType::IQ4_NL, GgmlType::Q4_K, GgmlType::Q6_K, GgmlType::Q5_K, GgmlType::Q3_K,
                           GgmlType::Q2_K, GgmlType::IQ4_XS, GgmlType::F16, GgmlType::BF16, GgmlType::F32};

// Median seconds of `reps` runs of a graph (after one that warms it).
double median(backend::Graph& g, int reps) {
    std::vector<double> s;
    (void)g.submitAndWait();
    for (int r = 0; r < reps; ++r) {
        const auto t0 = Clock::now();
        (void)g.resubmitAndWait();
        s.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    std::sort(s.begin(), s.end());
    return s[s.size() / 2];
}

// GB/s of reading all of `data` on every thread of the pool (each a disjoint part, the widest loads the ISA has):
// what streaming weights can cost at best here.
double readStreamGbps(cpu::ThreadPool& pool, const std::vector<uint64_t>& data, int reps) {
    std::vector<uint64_t> sums(pool.size());
    std::vector<double> s;
    for (int r = 0; r < reps + 1; ++r) {
        const auto t0 = Clock::now();
        pool.run([&](unsigned ith, unsigned nth) {
            const uint64_t bytes = data.size() * 8 / nth / 256 * 256;
            sums[ith] = cpu::readStream(reinterpret_cast<const std::byte*>(data.data()) + ith * bytes, bytes);
        });
        if (r > 0) {
            s.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
        }
    }
    std::sort(s.begin(), s.end());
    return double(data.size() * 8 / pool.size() / 256 * 256 * pool.size()) / 1e9 / s[s.size() / 2];
}

}  // namespace

int benchOpsCpu(uint64_t mib, int reps, unsigned threads, bool json) {
    backend::CpuBackend be(backend::CpuOptions{.threads = threads});
    std::mt19937 rng(1);
    std::uniform_int_distribution<int> byte(0x20, 0x3F);  // f16/bf16 scales stay normal numbers
    const uint64_t target = std::max<uint64_t>(mib, 1) << 20;
    std::vector<uint64_t> stream(target / 8, 1);
    const double roof = readStreamGbps(be.pool(), stream, reps);
    stream = {};
    if (json) {
        std::printf("{\"device\": \"%s\", \"isa\": \"%s\", \"threads\": %u, \"read_gbps\": %.3f, \"ops\": [",
                    be.info().name.c_str(), std::string(cpu::isaName(be.isa())).c_str(), be.pool().size(), roof);
    } else {
        std::printf("device   %s\nread     %.0f MiB on %u threads: %.2f GB/s (the decode roofline)\n\n",
                    be.info().name.c_str(), double(target) / (1 << 20), be.pool().size(), roof);
        std::printf("%-7s %22s %9s %8s   %24s %9s\n", "type", "decode rows x cols", "GB/s", "of read", "prefill 512 x rows x cols",
                    "GMAC/s");
    }
    bool first = true;
    for (GgmlType t : kTypes) {
        const uint32_t cols = 4096;
        const uint64_t rowBytes = cpu::ggufRowBytes(t, cols);
        const uint32_t rows = uint32_t(std::max<uint64_t>(target / rowBytes, 16) / 16 * 16);
        auto wb = be.createBuffer(rows * rowBytes, gpu::Memory::Device);
        auto xb = be.createBuffer(uint64_t(512) * cols * 4, gpu::Memory::Device);
        auto yb = be.createBuffer(uint64_t(512) * std::max<uint32_t>(rows, 4096) * 4, gpu::Memory::Device);
        if (!wb || !xb || !yb) {
            std::fprintf(stderr, "lantern-cli: cannot allocate the %u x %u matrix\n", rows, cols);
            return 1;
        }
        for (uint64_t i = 0; i < wb->size(); ++i) {
            wb->hostData()[i] = std::byte(byte(rng));
        }
        auto* x = reinterpret_cast<float*>(xb->hostData());
        for (uint64_t i = 0; i < uint64_t(512) * cols; ++i) {
            x[i] = float(byte(rng)) / 64.f - 0.75f;
        }
        const ops::Weight big{&*wb, 0, t, rows, cols};
        const ops::Weight small{&*wb, 0, t, 4096, cols};  // the first 4096 rows: the prefill matrix, within reach of the caches
        if (auto p = be.prepareMatrix(big); !p) {
            std::fprintf(stderr, "lantern-cli: %s\n", p.error().detail.c_str());
            return 1;
        }
        auto dg = be.record(false);
        if (!dg || !(*dg)->matvec(big, gpu::BufferRange(*xb), gpu::BufferRange(*yb), false, "matvec")) {
            std::fprintf(stderr, "lantern-cli: cannot record the decode product\n");
            return 1;
        }
        const double ds = median(**dg, reps);
        const double gbps = double(rows) * double(rowBytes) / 1e9 / ds;
        auto pg = be.record(false);
        if (!pg || !(*pg)->matmul(small, gpu::BufferRange(*xb), gpu::BufferRange(*yb), 512, false, "matmul")) {
            std::fprintf(stderr, "lantern-cli: cannot record the prefill product\n");
            return 1;
        }
        const double ps = median(**pg, std::max(1, reps / 2));
        const double gmacs = 512.0 * 4096.0 * cols / 1e9 / ps;
        const std::string name(gguf::typeTraits(t)->name);
        if (json) {
            std::printf("%s{\"type\": \"%s\", \"decode_gbps\": %.3f, \"of_read\": %.3f, \"prefill_gmacs\": %.2f}",
                        first ? "" : ", ", name.c_str(), gbps, gbps / roof, gmacs);
        } else {
            std::printf("%-7s %11u x %-8u %9.2f %7.0f%%   %13s x %-9u %9.1f\n", name.c_str(), rows, cols, gbps,
                        100.0 * gbps / roof, "512 x 4096", cols, gmacs);
        }
        first = false;
    }
    if (json) {
        std::printf("]}\n");
    }
    return 0;
}

}  // namespace lantern::cli
