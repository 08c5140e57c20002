// Mixture-of-experts feed-forward block of layer il (DenseModel::step records it after ffn_norm): routing,
// the chosen experts, their weighted sum into the residual stream, and DeepSeek's shared experts.
#include "inference/models/densemodel.h"

#include "inference/backend/cpubackend.h"

namespace lantern::models {

void DenseModel::recordMoeFfn(backend::Graph& rec, uint32_t il, uint32_t n, const std::function<void(Result<void>)>& run) {
    using gpu::BufferRange;
    const ModelConfig& c = m_config;
    const LayerWeights& l = m_w.layers[il];
    const std::string L = " L" + std::to_string(il);
    const uint32_t E = c.nEmbd;
    const BufferRange x(m_x), h(m_h), gate(m_gate), up(m_up);
    // Mixture of experts, all on the GPU: router logits, the chosen experts and their weights, the
    // experts' gate/up (sharing the token's x) and down (each on its own activation), then the
    // router-weighted sum into the residual stream. DeepSeek adds shared experts every token runs.
    const uint32_t used = c.nExpertUsed, F = c.nFfExp;
    const uint64_t idBytes = uint64_t(m_maxBatch) * used * 4;  // this layer's routing
    const BufferRange ids(m_expIds, il * idBytes, idBytes);
    run(project(rec, l.router, h, BufferRange(m_router), n, false, "ffn_gate_inp" + L));
    ops::MoeRouteArgs route;
    route.logits = BufferRange(m_router);
    route.ids = ids;
    route.weights = BufferRange(m_expWeights);
    route.nTokens = n;
    route.nExpert = c.nExpert;
    route.used = used;
    route.bias = l.expProbsBias;
    route.sigmoid = c.expertSigmoid;
    route.normalize = c.expertWeightsNorm;
    route.scale = c.expertWeightsScale;
    route.nGroups = c.expertGroups;
    route.groupsUsed = c.expertGroupsUsed;
    run(rec.moeRoute(route, "ffn_route" + L));
    if (m_cpuExperts && l.downExps.matrix.buffer && l.downExps.matrix.buffer->isHost()) {
        // Experts on the CPU: the GPU hands over the normed input (the routing is already in host-visible
        // memory), the CPU runs the chosen experts from system memory and sums them with the router weights,
        // and the GPU adds that to the residual stream in its next submission.
        const uint64_t bytes = uint64_t(n) * E * 4;
        rec.copy(BufferRange(m_h, 0, bytes), BufferRange(m_hHost, 0, bytes));
        auto stage = rec.hostStage(static_cast<backend::CpuBackend&>(*m_cpuExperts));
        if (!stage) {
            run(std::unexpected(stage.error()));
            return;
        }
        backend::Graph& cpu = **stage;
        const BufferRange hh(m_hHost), cg(m_cpuGate), cu(m_cpuUp), out(m_ffnHost);
        run(cpu.matvecExperts({l.gateExps, hh, ids, cg, n, used, E, 0}, "ffn_gate_exps (CPU)" + L));
        run(cpu.matvecExperts({l.upExps, hh, ids, cu, n, used, E, 0}, "ffn_up_exps (CPU)" + L));
        run(cpu.swiglu(cg, cu, cg, n * used * F, "ffn_swiglu (CPU)" + L));
        ops::ExpertMatvecArgs down{l.downExps, cg, ids, out, n, used, used * F, F};
        down.routeWeights = BufferRange(m_expWeights);
        run(cpu.matvecExperts(down, "ffn_down_exps (CPU)" + L));
        run(rec.add(x, out, x, n * E, n * E, "ffn_experts_residual" + L));
    } else {
    const BufferRange eg(m_expGate), eu(m_expUp);
    const bool grouped = n > 1 && (m_moePrefill == MoePrefill::Grouped ||
                                   (m_moePrefill == MoePrefill::Auto && m_be.info().type != "cpu" &&
                                    n * used >= kGroupedPairsPerExpert * c.nExpert));
    if (grouped) {
        // Prefill grouped by expert: each expert's matrices read once per tile of its tokens. The
        // stacks are read where they live (an offloaded layer's from host memory: each expert once).
        const BufferRange sorted(m_expSorted);
        run(rec.moeSort(ids, sorted, n, used, c.nExpert, "ffn_sort" + L));
        ops::ExpertMatmulArgs gateArgs{l.gateExps, h, sorted, eg, n, used, E, 0, F};
        ops::ExpertMatmulArgs upArgs{l.upExps, h, sorted, eu, n, used, E, 0, F};
        if (l.gateUpExps.matrix.buffer) {  // one stack: its gate half, then its up half
            gateArgs.experts = upArgs.experts = l.gateUpExps;
            gateArgs.rows = upArgs.rows = F;
            upArgs.rowStart = F;
        }
        run(rec.matmulExperts(gateArgs, "ffn_gate_exps" + L));
        run(rec.matmulExperts(upArgs, "ffn_up_exps" + L));
        run(rec.swiglu(eg, eu, eg, n * used * F, "ffn_swiglu" + L));
        run(rec.matmulExperts({l.downExps, eg, sorted, BufferRange(m_expDown), n, used, used * F, F, E},
                               "ffn_down_exps" + L));
        run(rec.moeCombine(BufferRange(m_expDown), BufferRange(m_expWeights), x, n, E, used, true,
                            "ffn_combine" + L));
    } else if (l.gateUpExps.matrix.buffer) {  // gate, up and SwiGLU in one dispatch
        ops::ExpertMatvecArgs glu{l.gateUpExps, h, ids, eg, n, used, E, 0};
        glu.glu = true;
        glu.cache = m_cache.view(il, l.gateUpExps);
        run(rec.matvecExperts(glu, "ffn_gate_up_exps" + L));
    } else {
        ops::ExpertMatvecArgs gateArgs{l.gateExps, h, ids, eg, n, used, E, 0};
        gateArgs.cache = m_cache.view(il, l.gateExps);
        run(rec.matvecExperts(gateArgs, "ffn_gate_exps" + L));
        ops::ExpertMatvecArgs upArgs{l.upExps, h, ids, eu, n, used, E, 0};
        upArgs.cache = m_cache.view(il, l.upExps);
        run(rec.matvecExperts(upArgs, "ffn_up_exps" + L));
        run(rec.swiglu(eg, eu, eg, n * used * F, "ffn_swiglu" + L));
    }
    if (!grouped) {  // down projection, router weights and residual add in one dispatch
        ops::ExpertMatvecArgs down{l.downExps, eg, ids, x, n, used, used * F, F};
        down.routeWeights = BufferRange(m_expWeights);
        down.accumulate = true;
        down.cache = m_cache.view(il, l.downExps);
        run(rec.matvecExperts(down, "ffn_down_exps" + L));
    }
    }  // experts on the GPU
    if (c.nExpertShared > 0) {
        const uint32_t FS = c.nFfExp * c.nExpertShared;
        run(project(rec, l.gateShexp, h, gate, n, false, "ffn_gate_shexp" + L));
        run(project(rec, l.upShexp, h, up, n, false, "ffn_up_shexp" + L));
        run(rec.swiglu(gate, up, gate, n * FS, "ffn_shexp_swiglu" + L));
        run(project(rec, l.downShexp, gate, x, n, true, "ffn_down_shexp" + L));
    }
}

}  // namespace lantern::models
