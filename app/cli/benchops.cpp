// lantern-cli bench-ops: per weight type, the matvec shader's achieved bandwidth (weight bytes read per
// second, GPU timestamps) against a plain copy kernel on the same device, the practical roofline.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "app/cli/benchopscpu.h"
#include "app/cli/command.h"
#include "inference/engine.h"
#include "inference/gguf/types.h"
#include "inference/ops/ops.h"
#include "inference/vulkan/gpu.h"

namespace lantern::cli {
namespace {

constexpr const char* kUsage =
    "usage: lantern-cli bench-ops [--mib N] [-r REPETITIONS] [--device cpu|vulkan|NAME] [-t THREADS] [--json]\n"
    "  --mib N   size of each weight matrix and of the copy (default 64; lavapipe binds at most 128)\n"
    "  --device cpu: the CPU backend's kernels (LANTERN_CPU_ISA=avx2|scalar forces a lower instruction set)\n";

using gguf::GgmlType;

const GgmlType kTypes[] = {GgmlType::F32,  GgmlType::F16,  GgmlType::BF16, GgmlType::Q4_0,   GgmlType::Q4_1,
                           GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0, GgmlType::Q2_K,   GgmlType::Q3_K,
                           GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K, GgmlType::IQ4_NL, GgmlType::IQ4_XS};

// Median GPU time in ms of `reps` submissions of what record() records.
template <class Record>
Result<double> timeIt(gpu::Context& ctx, int reps, Record record) {
    std::vector<double> ms;
    for (int r = 0; r < reps + 1; ++r) {  // the first run warms caches and pipelines and is not counted
        auto rec = ctx.record(true);
        if (!rec) {
            return std::unexpected(rec.error());
        }
        if (auto ok = record(*rec); !ok) {
            return std::unexpected(ok.error());
        }
        if (auto ok = rec->submitAndWait(); !ok) {
            return std::unexpected(ok.error());
        }
        double us = 0;
        for (const auto& t : rec->timings()) {
            us += t.microseconds;
        }
        if (r > 0) {
            ms.push_back(us / 1000.0);
        }
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

int benchOps(std::span<char*> args) {
    uint64_t mib = 64;
    int reps = 5;
    bool json = false;
    std::string device;
    unsigned threads = 0;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string a = args[i];
        const bool hasValue = i + 1 < args.size();
        if (a == "--json") {
            json = true;
        } else if (a == "--mib" && hasValue) {
            mib = std::strtoull(args[++i], nullptr, 10);
        } else if (a == "-r" && hasValue) {
            reps = std::atoi(args[++i]);
        } else if (a == "--device" && hasValue) {
            device = args[++i];
        } else if ((a == "-t" || a == "--threads") && hasValue) {
            threads = unsigned(std::atoi(args[++i]));
        } else {
            std::fputs(kUsage, stderr);
            return 2;
        }
    }
    if (mib < 1 || reps < 1) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    if (const Engine::BackendChoice choice = Engine::chooseBackend(device); choice.cpu) {
        return benchOpsCpu(mib, reps, threads, json);
    } else {
        device = choice.vulkanDevice;
    }
    auto ctx = gpu::Context::create({.device = device});
    if (!ctx) {
        std::fprintf(stderr, "lantern-cli: %s\n", (*ctx.error().detail.c_str() ? ctx.error().detail.c_str() : "no device"));
        return 1;
    }
    gpu::Context& c = **ctx;
    const uint64_t target = std::min<uint64_t>(mib << 20, c.info().maxStorageBufferRange) / 16 * 16;
    std::mt19937 rng(1);
    std::uniform_int_distribution<int> byte(0x20, 0x3F);  // f16/bf16 scales stay normal numbers

    // The roofline: copy `target` bytes. Bandwidth counts the bytes read, like the matvec figures.
    auto src = c.createBuffer(target), dst = c.createBuffer(target);
    if (!src || !dst) {
        std::fprintf(stderr, "lantern-cli: cannot allocate %llu MiB twice\n", static_cast<unsigned long long>(target >> 20));
        return 1;
    }
    auto copyMs = timeIt(c, reps, [&](gpu::Recorder& rec) {
        return ops::copy(c, rec, gpu::BufferRange(*src), gpu::BufferRange(*dst), target, "copy");
    });
    if (!copyMs) {
        std::fprintf(stderr, "lantern-cli: copy: %s\n", copyMs.error().detail.c_str());
        return 1;
    }
    const double roof = double(target) / 1e6 / *copyMs;
    if (!json) {
        std::printf("device   %s\n", c.info().name.c_str());
        std::printf("copy     %.0f MiB in %.2f ms: %.2f GB/s (the roofline below)\n\n", double(target) / (1 << 20), *copyMs,
                    roof);
        std::printf("%-8s %12s %10s %10s %9s\n", "matvec", "rows x cols", "MiB", "GB/s", "of copy");
    } else {
        std::printf("{\"device\": \"%s\", \"copy_gbps\": %.3f, \"matvec\": [", c.info().name.c_str(), roof);
    }
    const uint32_t cols = 4096;
    bool first = true;
    for (GgmlType t : kTypes) {
        const uint64_t rowBytes = ops::rowBytes(t, cols);
        const uint32_t rows = uint32_t(target / rowBytes);
        std::vector<uint8_t> w(rows * rowBytes);
        for (auto& b : w) {
            b = uint8_t(byte(rng));
        }
        std::vector<float> x(cols);
        for (auto& v : x) {
            v = float(byte(rng)) / 64.f - 0.75f;
        }
        auto wb = c.createBuffer(w.size()), xb = c.createBuffer(x.size() * 4), yb = c.createBuffer(uint64_t(rows) * 4);
        if (!wb || !xb || !yb || !wb->upload(std::as_bytes(std::span(w))) || !xb->upload(std::as_bytes(std::span(x)))) {
            std::fprintf(stderr, "lantern-cli: cannot set up the %s matrix\n", std::string(ops::typeSuffix(t)).c_str());
            return 1;
        }
        const ops::Weight weight{&*wb, 0, t, rows, cols};
        if (auto p = ops::prepareMatvec(c, weight); !p) {
            std::fprintf(stderr, "lantern-cli: %s\n", p.error().detail.c_str());
            return 1;
        }
        auto ms = timeIt(c, reps, [&](gpu::Recorder& rec) {
            return ops::matvec(c, rec, weight, gpu::BufferRange(*xb), gpu::BufferRange(*yb), false, "matvec");
        });
        if (!ms) {
            std::fprintf(stderr, "lantern-cli: %s\n", ms.error().detail.c_str());
            return 1;
        }
        const double gbps = double(w.size()) / 1e6 / *ms;
        const std::string name(ops::typeSuffix(t));
        if (json) {
            std::printf("%s{\"type\": \"%s\", \"rows\": %u, \"cols\": %u, \"ms\": %.3f, \"gbps\": %.3f, \"of_copy\": %.3f}",
                        first ? "" : ", ", name.c_str(), rows, cols, *ms, gbps, gbps / roof);
        } else {
            std::printf("%-8s %6u x %4u %10.1f %10.2f %8.0f%%\n", name.c_str(), rows, cols, double(w.size()) / (1 << 20),
                        gbps, 100.0 * gbps / roof);
        }
        first = false;
    }
    if (json) {
        std::printf("]}\n");
    }
    return 0;
}

const Registrar registrar({"bench-ops", "matvec bandwidth per weight type against a copy kernel", benchOps});

}  // namespace
}  // namespace lantern::cli
