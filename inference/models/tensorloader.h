#pragma once
// The model loader's tensor access (used by DenseModel::loadWeights only): each tensor is checked against the
// name, type and shape the architecture needs, then uploaded, to host memory when the memory plan offloads it.
// Gate and up tensors are placed back to back where the fused GLU kernels can use them.
#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"
#include "base/strformat.h"
#include "inference/backend/backend.h"
#include "inference/gguf/file.h"
#include "inference/models/memoryplan.h"
#include "inference/ops/ops.h"
#include "inference/vulkan/gpu.h"

namespace lantern::models {

namespace detail {

inline std::string shapeText(const gguf::TensorInfo& t) {
    std::string s = "[";
    for (uint32_t i = 0; i < t.nDims; ++i) {
        s += (i ? ", " : "") + std::to_string(t.ne[i]);
    }
    return s + "]";
}

inline std::string typeText(gguf::GgmlType t) {
    const auto traits = gguf::typeTraits(t);
    return traits ? std::string(traits->name) : "type " + std::to_string(uint32_t(t));
}

}  // namespace detail

// Uploads a tensor after checking its name, type and shape against what the architecture needs.
class TensorLoader {
public:
    TensorLoader(backend::Backend& be, const gguf::File& file, std::deque<gpu::Buffer>& out, uint64_t& bytes,
                 uint64_t& hostBytes, const MemoryPlan* plan)
        : m_be(be), m_file(file), m_out(out), m_bytes(bytes), m_hostBytes(hostBytes), m_plan(plan) {}

    // A matrix of `rows` rows of `cols` elements (GGUF ne = [cols, rows]).
    Result<ops::Weight> matrix(const std::string& name, uint64_t cols, uint64_t rows) {
        auto t = weightTensor(name, {cols, rows});
        if (!t) {
            return std::unexpected(t.error());
        }
        auto buf = upload(**t);
        if (!buf) {
            return std::unexpected(buf.error());
        }
        return ops::Weight{*buf, 0, (*t)->type, uint32_t(rows), uint32_t(cols)};
    }

    // A stack of nExpert matrices of `rows` rows of `cols` elements (GGUF ne = [cols, rows, nExpert]).
    Result<ops::ExpertWeights> experts(const std::string& name, uint64_t cols, uint64_t rows, uint64_t nExpert) {
        auto t = weightTensor(name, {cols, rows, nExpert});
        if (!t) {
            return std::unexpected(t.error());
        }
        auto buf = upload(**t);
        if (!buf) {
            return std::unexpected(buf.error());
        }
        return ops::ExpertWeights{ops::Weight{*buf, 0, (*t)->type, uint32_t(rows), uint32_t(cols)}, uint32_t(nExpert)};
    }

    // ffn_gate_exps and ffn_up_exps as one stack whose expert e is gate_e's rows then up_e's (the fused GLU
    // expert shader reads x once for both). Empty (no buffer) when the two differ in type or the stack would
    // need more than one binding: load them apart.
    Result<ops::ExpertWeights> gateUpExperts(const std::string& gateName, const std::string& upName, uint64_t cols,
                                             uint64_t rows, uint64_t nExpert) {
        auto g = weightTensor(gateName, {cols, rows, nExpert});
        if (!g) {
            return std::unexpected(g.error());
        }
        auto u = weightTensor(upName, {cols, rows, nExpert});
        if (!u) {
            return std::unexpected(u.error());
        }
        const gguf::TensorInfo& gate = **g;
        const gguf::TensorInfo& up = **u;
        // Fused only when the fused stack fits one binding: split into expert groups it ran 1.3x slower than
        // gate and up apart on lavapipe (every group's dispatch launches a workgroup for every pair); fitting, it
        // is as fast or faster with a third of the dispatches.
        const uint64_t range = m_be.info().maxStorageBufferRange;
        if (m_be.isCpu() || cpuHost(gate) || cpuHost(up) || gate.type != up.type || gate.bytes + up.bytes + 256 > range) {
            return ops::ExpertWeights{};
        }
        auto buf = uploadInterleaved(gate, up, nExpert);
        if (!buf) {
            return std::unexpected(buf.error());
        }
        return ops::ExpertWeights{ops::Weight{*buf, 0, gate.type, uint32_t(2 * rows), uint32_t(cols)},
                                  uint32_t(nExpert)};
    }

    // A dense layer's ffn_gate and ffn_up, back to back in one buffer when they share a type and fit one binding
    // (ops::gluAdjacent): decode then runs both products and the activation as one GLU matvec. Apart otherwise.
    Result<std::pair<ops::Weight, ops::Weight>> gateUp(const std::string& gateName, const std::string& upName,
                                                       uint64_t cols, uint64_t rows) {
        auto g = weightTensor(gateName, {cols, rows});
        if (!g) {
            return std::unexpected(g.error());
        }
        auto u = weightTensor(upName, {cols, rows});
        if (!u) {
            return std::unexpected(u.error());
        }
        const gguf::TensorInfo& gate = **g;
        const gguf::TensorInfo& up = **u;
        const bool host = m_plan && (m_plan->hostTensors.contains(gate.name) || m_plan->hostTensors.contains(up.name));
        // up is also a matrix of its own for prefill, so it must start on a word (ops::Weight::offset).
        if (m_be.isCpu() || gate.type != up.type || host || gate.bytes % 4 != 0 ||
            gate.bytes + up.bytes + 256 > m_be.info().maxStorageBufferRange) {
            auto gw = matrix(gateName, cols, rows);
            if (!gw) {
                return std::unexpected(gw.error());
            }
            auto uw = matrix(upName, cols, rows);
            if (!uw) {
                return std::unexpected(uw.error());
            }
            return std::pair{*gw, *uw};
        }
        auto buf = uploadInterleaved(gate, up, 1);  // one "expert": gate's rows, then up's
        if (!buf) {
            return std::unexpected(buf.error());
        }
        return std::pair{ops::Weight{*buf, 0, gate.type, uint32_t(rows), uint32_t(cols)},
                         ops::Weight{*buf, gate.bytes, gate.type, uint32_t(rows), uint32_t(cols)}};
    }

    // An f32 vector of n elements; empty range when optional and absent.
    Result<gpu::BufferRange> vector(const std::string& name, uint64_t n, bool optional = false) {
        const gguf::TensorInfo* t = m_file.tensor(name);
        if (!t) {
            if (optional) {
                return gpu::BufferRange{};
            }
            return fail(Errc::ModelInvalid, lantern::format("{}: tensor '{}' is missing", fileName(), name));
        }
        if (t->type != gguf::GgmlType::F32 || t->elements != n) {
            return fail(Errc::ModelInvalid, lantern::format("{}: {}: expected f32 [{}], found {} {}", fileName(), name, n,
                                                        detail::typeText(t->type), detail::shapeText(*t)));
        }
        auto buf = upload(*t);
        if (!buf) {
            return std::unexpected(buf.error());
        }
        return gpu::BufferRange(**buf);
    }

    bool has(const std::string& name) const { return m_file.tensor(name) != nullptr; }

private:
    // A tensor the plan leaves in system memory for the CPU backend to compute with (expert offload to the CPU).
    bool cpuHost(const gguf::TensorInfo& t) const {
        return m_plan && m_plan->cpuExperts && m_plan->hostTensors.contains(t.name);
    }
    std::string fileName() const { return m_file.path().filename().string(); }

    // The tensor `name` with exactly the shape ne and a weight type the shaders run.
    Result<const gguf::TensorInfo*> weightTensor(const std::string& name, std::initializer_list<uint64_t> ne) {
        const gguf::TensorInfo* t = m_file.tensor(name);
        if (!t) {
            return fail(Errc::ModelInvalid, lantern::format("{}: tensor '{}' is missing", fileName(), name));
        }
        bool same = t->nDims == ne.size();
        std::string expected = "[";
        uint32_t i = 0;
        for (uint64_t n : ne) {
            same = same && t->ne[i] == n;
            expected += (i++ ? ", " : "") + std::to_string(n);
        }
        if (!same) {
            return fail(Errc::ModelInvalid, lantern::format("{}: {}: expected {}], found {} {}", fileName(), name,
                                                            expected, detail::typeText(t->type), detail::shapeText(*t)));
        }
        if (ops::typeSuffix(t->type).empty()) {
            return fail(Errc::ModelUnsupported, lantern::format("{}: {} uses the weight type {}, which Lantern cannot run yet",
                                                                fileName(), name, detail::typeText(t->type)));
        }
        return t;
    }

    // gate and up stacks of nExpert matrices each, interleaved in one buffer: expert e's gate rows, then its up
    // rows (nExpert 1: a dense pair back to back). Host memory when the plan offloads either.
    Result<const gpu::Buffer*> uploadInterleaved(const gguf::TensorInfo& gate, const gguf::TensorInfo& up,
                                                 uint64_t nExpert) {
        const bool host = m_plan && (m_plan->hostTensors.contains(gate.name) || m_plan->hostTensors.contains(up.name));
        const uint64_t bytes = gate.bytes + up.bytes, expert = gate.bytes / nExpert;
        auto buf = m_be.createBuffer((bytes + 3) / 4 * 4 + 4, host ? gpu::Memory::HostVisible : gpu::Memory::Device);
        if (!buf) {
            return std::unexpected(buf.error());
        }
        const std::vector<std::byte> zeros(buf->size() - bytes);
        if (auto r = buf->upload(zeros, bytes); !r) {
            return std::unexpected(r.error());
        }
        for (uint64_t e = 0; e < nExpert; ++e) {
            for (auto [t, at] : {std::pair{&gate, 2 * e * expert}, std::pair{&up, (2 * e + 1) * expert}}) {
                if (auto r = buf->upload(t->data.subspan(e * expert, expert), at); !r) {
                    return std::unexpected(r.error());
                }
            }
        }
        (host ? m_hostBytes : m_bytes) += bytes;
        m_out.push_back(std::move(*buf));
        return &m_out.back();
    }

    Result<const gpu::Buffer*> upload(const gguf::TensorInfo& t) {
        if (m_be.isCpu() || cpuHost(t)) {
            // The CPU reads the mapped file in place: nothing is copied (the CPU backend copies only what it
            // repacks, at prepare time).
            m_hostBytes += t.bytes;
            m_out.push_back(gpu::Buffer::wrap(t.data));
            return &m_out.back();
        }
        // Shaders read whole 32-bit words and some block decoders read up to 2 bytes past a block:
        // round up to a word and keep a word of slack, zeroed. Offloaded tensors go to host memory the GPU
        // reads over the bus (host-visible, not device-local, on a discrete GPU).
        const bool host = m_plan && m_plan->hostTensors.contains(t.name);
        auto buf = m_be.createBuffer((t.bytes + 3) / 4 * 4 + 4, host ? gpu::Memory::HostVisible : gpu::Memory::Device);
        if (!buf) {
            return std::unexpected(buf.error());
        }
        const std::vector<std::byte> zeros(buf->size() - t.bytes);
        if (auto r = buf->upload(zeros, t.bytes); !r) {
            return std::unexpected(r.error());
        }
        if (auto r = buf->upload(t.data); !r) {
            return std::unexpected(r.error());
        }
        (host ? m_hostBytes : m_bytes) += t.bytes;
        m_out.push_back(std::move(*buf));
        return &m_out.back();
    }

    backend::Backend& m_be;
    const gguf::File& m_file;
    std::deque<gpu::Buffer>& m_out;
    uint64_t& m_bytes;
    uint64_t& m_hostBytes;
    const MemoryPlan* m_plan;
};

}  // namespace lantern::models
