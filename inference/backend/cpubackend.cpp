#include "inference/backend/cpubackend.h"

#include <cstdlib>
#include <fstream>
#include <string>

#include "base/strformat.h"
#include "inference/backend/cpugraph.h"

#if defined(_WIN32)
#include <windows.h>
#else
#include <unistd.h>
#endif

namespace lantern::backend {

namespace {

std::string cpuModelName() {
#if defined(__linux__)
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("model name")) {
            const auto colon = line.find(':');
            if (colon != std::string::npos) {
                return line.substr(line.find_first_not_of(' ', colon + 1));
            }
        }
    }
#endif
    return "CPU";
}

uint64_t memoryBytes(bool available) {
#if defined(_WIN32)
    MEMORYSTATUSEX s{};
    s.dwLength = sizeof(s);
    if (GlobalMemoryStatusEx(&s)) {
        return available ? s.ullAvailPhys : s.ullTotalPhys;
    }
    return 0;
#elif defined(__linux__)
    if (available) {
        std::ifstream in("/proc/meminfo");
        for (std::string line; std::getline(in, line);) {
            if (line.starts_with("MemAvailable:")) {
                return std::stoull(line.substr(13)) * 1024;
            }
        }
    }
    return uint64_t(sysconf(_SC_PHYS_PAGES)) * uint64_t(sysconf(_SC_PAGE_SIZE));
#else
    (void)available;
    return uint64_t(sysconf(_SC_PHYS_PAGES)) * uint64_t(sysconf(_SC_PAGE_SIZE));
#endif
}

}  // namespace

CpuBackend::CpuBackend(const CpuOptions& options)
    : m_exact(options.exact || (std::getenv("LANTERN_CPU_EXACT") && std::string(std::getenv("LANTERN_CPU_EXACT")) == "1")),
      m_isa(cpu::activeIsa()),
      m_pool(options.threads) {
    m_info.name = lantern::format("{} ({}, {} threads{})", cpuModelName(), cpu::isaName(m_isa), m_pool.size(),
                                  m_exact ? ", exact" : "");
    m_info.type = "cpu";
    m_info.driver = "Lantern CPU backend";
    m_info.deviceLocalBytes = memoryBytes(false);
    m_info.budgetBytes = memoryBytes(true);
    m_info.unifiedMemory = true;
    m_info.maxStorageBufferRange = uint64_t(1) << 62;  // no binding limit: one view spans any tensor
    m_info.maxAllocationSize = 0;
    m_info.minStorageBufferOffsetAlignment = 64;
    m_info.fp16 = true;
    m_info.int8 = true;
}

CpuBackend::~CpuBackend() = default;

Result<gpu::Buffer> CpuBackend::createBuffer(uint64_t bytes, gpu::Memory) { return gpu::Buffer::host(bytes); }

Result<std::unique_ptr<Graph>> CpuBackend::record(bool profile) {
    return std::make_unique<detail::CpuGraph>(*this, profile);
}

Result<CpuBackend::Matrix> CpuBackend::prepare(const ops::Weight& w, uint32_t count) {
    const std::byte* src = w.buffer ? w.buffer->hostData() : nullptr;
    if (src == nullptr) {
        return fail(Errc::InvalidArgument, "a weight for the CPU backend is not in host memory");
    }
    src += w.offset;
    std::lock_guard lock(m_mutex);
    const auto key = std::tuple{src, w.rows, w.cols, uint32_t(w.type), count};
    if (auto it = m_matrices.find(key); it != m_matrices.end()) {
        return it->second;
    }
    const cpu::MatrixKernel* k = cpu::matrixKernel(w.type, m_isa, m_exact);
    if (k == nullptr || k->multiply == nullptr) {
        const auto traits = gguf::typeTraits(w.type);
        return fail(Errc::ModelUnsupported, lantern::format("the CPU backend has no kernel for {} weights",
                                                            traits ? traits->name : std::string_view("this type")));
    }
    const uint64_t ggufBytes = cpu::ggufRowBytes(w.type, w.cols) * w.rows;
    Matrix m{k, src, ggufBytes};
    const uint64_t packed = k->packedBytes ? k->packedBytes(w.rows, w.cols) : 0;
    if (packed > 0) {
        auto storage = std::unique_ptr<std::byte[]>(new (std::nothrow) std::byte[packed * count + 64]);
        if (!storage) {
            return fail(Errc::OutOfHostMemory, lantern::format("could not allocate {} bytes to repack a weight", packed * count));
        }
        const uintptr_t base = reinterpret_cast<uintptr_t>(storage.get());
        std::byte* dst = storage.get() + (64 - base % 64) % 64;
        for (uint32_t e = 0; e < count; ++e) {
            k->pack(src + e * ggufBytes, w.rows, w.cols, dst + e * packed);
        }
        m.data = dst;
        m.stride = packed;
        m_packedBytes += packed * count;
        m_storage.push_back(std::move(storage));
    }
    m_matrices.emplace(key, m);
    return m;
}

Result<void> CpuBackend::prepareMatrix(const ops::Weight& w) {
    auto m = prepare(w, 1);
    if (!m) {
        return std::unexpected(m.error());
    }
    return {};
}

Result<void> CpuBackend::prepareMatvecGlu(const ops::Weight& gate, const ops::Weight& up) {
    if (auto r = prepareMatrix(gate); !r) {
        return r;
    }
    return prepareMatrix(up);
}

Result<void> CpuBackend::prepareGetRows(const ops::Weight& table) {
    const auto traits = gguf::typeTraits(table.type);
    if (!traits || !traits->supported || table.buffer == nullptr || table.buffer->hostData() == nullptr) {
        return fail(Errc::ModelUnsupported, "the CPU backend cannot read this embedding table");
    }
    return {};
}

Result<void> CpuBackend::prepareMoe(const ops::ExpertWeights& w) {
    auto m = prepare(w.matrix, w.nExpert);
    if (!m) {
        return std::unexpected(m.error());
    }
    return {};
}

bool CpuBackend::gluFusable(const ops::Weight& gate, const ops::Weight& up) const {
    return gate.buffer && up.buffer && gate.type == up.type && gate.rows == up.rows && gate.cols == up.cols;
}

Result<CpuBackend::Matrix> CpuBackend::matrix(const ops::Weight& w, uint32_t count) {
    // Prepared at load; a weight first seen here (tests recording ops directly) is prepared now.
    return prepare(w, count);
}

namespace detail {

Result<void> CpuGraph::run() {
    cpu::ThreadPool& pool = m_be.pool();
    for (unsigned s = 0; s < kSlots; ++s) {
        if (m_slotBytes[s] > m_allocated[s]) {
            m_scratch[s].reset(new (std::nothrow) std::byte[m_slotBytes[s] + 64]);
            if (!m_scratch[s]) {
                return fail(Errc::OutOfHostMemory, lantern::format("could not allocate {} bytes of scratch", m_slotBytes[s]));
            }
            m_allocated[s] = m_slotBytes[s];
        }
    }
    for (auto& op : m_ops) {
        op->next.store(0, std::memory_order_relaxed);
    }
    if (m_profile) {
        m_times.assign(m_ops.size(), 0.0);
    }
    pool.run([&](unsigned ith, unsigned nth) {
        auto t0 = std::chrono::steady_clock::now();
        for (size_t i = 0; i < m_ops.size(); ++i) {
            Op& op = *m_ops[i];
            op.run(ith, nth, op.next);
            pool.barrier();
            if (m_profile && ith == 0) {
                const auto t1 = std::chrono::steady_clock::now();
                m_times[i] = std::chrono::duration<double, std::micro>(t1 - t0).count();
                t0 = t1;
            }
        }
    });
    return {};
}

Result<void> CpuGraph::submitAndWait() {
    m_ran = true;
    return run();
}

Result<void> CpuGraph::resubmitAndWait() {
    if (!m_ran) {
        return fail(Errc::InvalidArgument, "resubmitAndWait before a successful submitAndWait");
    }
    return run();
}

std::vector<gpu::Recorder::Timing> CpuGraph::timings() const {
    std::vector<gpu::Recorder::Timing> out;
    for (size_t i = 0; i < m_times.size() && i < m_ops.size(); ++i) {
        out.push_back({m_ops[i]->label, m_times[i]});
    }
    return out;
}

}  // namespace detail

}  // namespace lantern::backend
