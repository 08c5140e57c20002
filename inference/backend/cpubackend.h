#pragma once
// The CPU backend: a model's ops recorded as plain structs over host pointers and run on a persistent thread
// pool with the kernels of inference/cpu/ (8-bit activations and integer dot products by default, f32
// activations in the exact mode). Weights are used in place from the mapped file; only the matrices a kernel
// runs faster repacked (8 rows interleaved) are copied, once, at prepare time.
#include <memory>
#include <mutex>
#include <string>
#include <map>
#include <tuple>
#include <vector>

#include "inference/backend/backend.h"
#include "inference/cpu/matmul.h"
#include "inference/cpu/threadpool.h"

namespace lantern::backend {

struct CpuOptions {
    unsigned threads = 0;  // 0 = the physical cores
    // f32 activations (weights dequantized in registers) instead of 8-bit blocks: slower, no activation
    // rounding. For fidelity comparisons (LANTERN_CPU_EXACT=1 sets it).
    bool exact = false;
};

class CpuBackend final : public Backend {
public:
    explicit CpuBackend(const CpuOptions& options = {});
    ~CpuBackend() override;
    const gpu::DeviceInfo& info() const override { return m_info; }
    bool isCpu() const override { return true; }
    Result<gpu::Buffer> createBuffer(uint64_t bytes, gpu::Memory memory) override;
    Result<std::unique_ptr<Graph>> record(bool profile) override;
    Result<void> prepareCommon() override { return {}; }
    Result<void> prepareMatrix(const ops::Weight& w) override;
    Result<void> prepareMatvecGlu(const ops::Weight& gate, const ops::Weight& up) override;
    Result<void> prepareGetRows(const ops::Weight& table) override;
    Result<void> prepareMoe(const ops::ExpertWeights& w) override;
    bool gluFusable(const ops::Weight& gate, const ops::Weight& up) const override;

    cpu::ThreadPool& pool() { return m_pool; }
    bool exact() const { return m_exact; }
    cpu::Isa isa() const { return m_isa; }
    // Bytes copied for repacked weights.
    uint64_t packedBytes() const { return m_packedBytes; }

    // A weight matrix (or a stack of nExpert matrices) as the kernels read it.
    struct Matrix {
        const cpu::MatrixKernel* kernel = nullptr;
        const std::byte* data = nullptr;  // expert e's matrix at data + e * stride
        uint64_t stride = 0;
    };
    // The prepared form of w (of `count` matrices); an error for a weight that was not prepared or whose type
    // has no kernel.
    Result<Matrix> matrix(const ops::Weight& w, uint32_t count = 1);

private:
    Result<Matrix> prepare(const ops::Weight& w, uint32_t count);

    gpu::DeviceInfo m_info;
    bool m_exact = false;
    cpu::Isa m_isa = cpu::Isa::Scalar;
    cpu::ThreadPool m_pool;
    std::mutex m_mutex;
    // By the weight's first byte, shape, type and count (one tensor may be viewed as several matrices).
    std::map<std::tuple<const std::byte*, uint32_t, uint32_t, uint32_t, uint32_t>, Matrix> m_matrices;
    std::vector<std::unique_ptr<std::byte[]>> m_storage;      // repacked weights
    uint64_t m_packedBytes = 0;
};

// The host address of a view (CPU backend buffers are host buffers); nullptr when it has none.
inline std::byte* hostPointer(const gpu::BufferRange& r) {
    if (r.buffer == nullptr || r.buffer->hostData() == nullptr) {
        return nullptr;
    }
    return r.buffer->hostData() + r.offset;
}

}  // namespace lantern::backend
