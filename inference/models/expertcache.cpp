#include "inference/models/expertcache.h"

#include <algorithm>

namespace lantern::models {

namespace {

// Per step, a use count keeps this share of its value: experts used a few tokens ago still count, but the
// cache follows a change of topic within a few dozen tokens.
constexpr double kDecay = 0.9;
// A cached expert is replaced only by one used this much more: a copy into the cache costs about what one miss
// reads, so swapping between equally used experts (near-uniform routing) would only add traffic.
constexpr double kSwapMargin = 1.0;

uint64_t expertBytes(const ops::ExpertWeights& w) {
    return ops::rowBytes(w.matrix.type, w.matrix.cols) * w.matrix.rows;
}

}  // namespace

void ExpertCache::addLayer(uint32_t layer, std::vector<const ops::ExpertWeights*> hostTensors) {
    Layer l;
    l.layer = layer;
    for (const ops::ExpertWeights* w : hostTensors) {
        l.tensors.push_back({w, {}, expertBytes(*w)});
        l.bytesPerExpert += expertBytes(*w);
    }
    m_layers.push_back(std::move(l));
}

Result<void> ExpertCache::allocate(gpu::Context& ctx, uint32_t nExpert, uint32_t slots) {
    m_slots = std::min(slots, nExpert);
    for (Layer& l : m_layers) {
        l.slotOf.assign(nExpert, kNone);
        l.uses.assign(nExpert, 0.0);
        l.expertIn.assign(m_slots, kNone);
        if (m_slots == 0) {
            continue;
        }
        auto table = ctx.createBuffer(uint64_t(nExpert) * 4, gpu::Memory::HostVisible);
        if (!table) {
            return std::unexpected(table.error());
        }
        l.table = std::move(*table);
        if (auto r = l.table.upload(std::as_bytes(std::span(l.slotOf))); !r) {
            return r;
        }
        for (Tensor& t : l.tensors) {
            auto stack = ctx.createBuffer(m_slots * t.expertBytes + 4);
            if (!stack) {
                return std::unexpected(stack.error());
            }
            t.stack = std::move(*stack);
            m_deviceBytes += t.stack.size();
        }
    }
    return {};
}

ExpertCache::Layer* ExpertCache::find(uint32_t il) {
    for (Layer& l : m_layers) {
        if (l.layer == il) {
            return &l;
        }
    }
    return nullptr;
}

const ExpertCache::Layer* ExpertCache::find(uint32_t il) const {
    return const_cast<ExpertCache*>(this)->find(il);
}

ops::ExpertMatvecArgs::Cache ExpertCache::view(uint32_t il, const ops::ExpertWeights& w) const {
    const Layer* l = find(il);
    if (l == nullptr || m_slots == 0) {
        return {};
    }
    for (const Tensor& t : l->tensors) {
        if (t.host == &w) {
            return {gpu::BufferRange(t.stack), gpu::BufferRange(l->table)};
        }
    }
    return {};
}

void ExpertCache::recordFills(gpu::Recorder& rec) {
    for (Layer& l : m_layers) {
        for (uint32_t slot : l.pendingSlots) {
            const uint32_t e = l.expertIn[slot];
            for (Tensor& t : l.tensors) {
                const gpu::BufferRange src(*t.host->matrix.buffer, t.host->matrix.offset + e * t.expertBytes,
                                           t.expertBytes);
                rec.copy(src, gpu::BufferRange(t.stack, slot * t.expertBytes, t.expertBytes));
                m_stats.fillBytes += t.expertBytes;
            }
        }
        l.pendingSlots.clear();
    }
}

void ExpertCache::observe(uint32_t il, std::span<const uint32_t> ids) {
    Layer* l = find(il);
    if (l == nullptr) {
        return;
    }
    for (uint32_t e : ids) {
        if (e >= l->slotOf.size()) {
            continue;  // never written (a failed step)
        }
        ++m_stats.lookups;
        if (l->slotOf[e] != kNone) {
            ++m_stats.hits;
        } else {
            m_stats.hostBytes += l->bytesPerExpert;
        }
        l->uses[e] += 1.0;
    }
}

Result<void> ExpertCache::endStep(uint32_t nTokens) {
    m_stats.tokens += nTokens;
    for (Layer& l : m_layers) {
        if (m_slots > 0) {
            // Swap in the most used uncached experts while they are used more than the least used cached one.
            std::vector<uint32_t> order(l.uses.size());
            for (uint32_t e = 0; e < order.size(); ++e) {
                order[e] = e;
            }
            std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return l.uses[a] > l.uses[b]; });
            for (uint32_t e : order) {
                if (l.uses[e] <= 0.0) {
                    break;
                }
                if (l.slotOf[e] != kNone) {
                    continue;
                }
                uint32_t victim = 0;  // an empty slot, else the least used resident
                for (uint32_t s = 0; s < m_slots; ++s) {
                    const auto rank = [&](uint32_t slot) {
                        return l.expertIn[slot] == kNone ? -1.0 : l.uses[l.expertIn[slot]];
                    };
                    if (rank(s) < rank(victim)) {
                        victim = s;
                    }
                }
                const uint32_t old = l.expertIn[victim];
                if (old != kNone && l.uses[old] + kSwapMargin >= l.uses[e]) {
                    break;  // every cached expert is used at least as much as the rest
                }
                if (old != kNone) {
                    l.slotOf[old] = kNone;
                }
                l.expertIn[victim] = e;
                l.slotOf[e] = victim;
                if (std::find(l.pendingSlots.begin(), l.pendingSlots.end(), victim) == l.pendingSlots.end()) {
                    l.pendingSlots.push_back(victim);
                }
            }
            // The GPU is idle between steps: the table the next step reads can be written now.
            if (auto r = l.table.upload(std::as_bytes(std::span(l.slotOf))); !r) {
                return r;
            }
        }
        for (double& u : l.uses) {
            u *= kDecay;
        }
    }
    return {};
}

std::vector<uint32_t> ExpertCache::residents(uint32_t il) const {
    const Layer* l = find(il);
    return l ? l->expertIn : std::vector<uint32_t>{};
}

}  // namespace lantern::models
