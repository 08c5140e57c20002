// CPU reference of the engine ops (see ops.h).
#include "inference/reference/ops.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>

#include "inference/reference/weights.h"

namespace lantern::reference {

std::vector<float> matvec(gguf::GgmlType type, std::span<const std::byte> w, uint32_t rows, uint32_t cols,
                          std::span<const float> x) {
    const std::vector<float> wf = dequantize(type, w, uint64_t{rows} * cols);
    std::vector<float> y(rows);
    for (uint32_t r = 0; r < rows; ++r) {
        double s = 0.0;
        for (uint32_t c = 0; c < cols; ++c) {
            s += double(wf[size_t(r) * cols + c]) * double(x[c]);
        }
        y[r] = static_cast<float>(s);
    }
    return y;
}

std::vector<float> rmsnorm(std::span<const float> x, std::span<const float> w, uint32_t rows, uint32_t cols,
                           float eps) {
    std::vector<float> out(size_t(rows) * cols);
    for (uint32_t r = 0; r < rows; ++r) {
        const float* row = x.data() + size_t(r) * cols;
        double ss = 0.0;
        for (uint32_t c = 0; c < cols; ++c) {
            ss += double(row[c]) * double(row[c]);
        }
        const double inv = 1.0 / std::sqrt(ss / cols + double(eps));
        for (uint32_t c = 0; c < cols; ++c) {
            out[size_t(r) * cols + c] = static_cast<float>(double(row[c]) * inv * (w.empty() ? 1.0 : double(w[c])));
        }
    }
    return out;
}

std::vector<float> softmax(std::span<const float> x, uint32_t rows, uint32_t cols, float scale) {
    std::vector<float> out(size_t(rows) * cols);
    for (uint32_t r = 0; r < rows; ++r) {
        const float* row = x.data() + size_t(r) * cols;
        double m = -INFINITY, s = 0.0;
        for (uint32_t c = 0; c < cols; ++c) {
            m = std::max(m, double(row[c]) * double(scale));
        }
        for (uint32_t c = 0; c < cols; ++c) {
            s += std::exp(double(row[c]) * double(scale) - m);
        }
        for (uint32_t c = 0; c < cols; ++c) {
            out[size_t(r) * cols + c] = static_cast<float>(std::exp(double(row[c]) * double(scale) - m) / s);
        }
    }
    return out;
}

double silu(double x) { return x / (1.0 + std::exp(-x)); }

double geluTanh(double x) {
    const double c = std::sqrt(2.0 / 3.14159265358979323846);
    return 0.5 * x * (1.0 + std::tanh(c * (x + 0.044715 * x * x * x)));
}

namespace {
template <typename Act>
std::vector<float> gated(std::span<const float> g, std::span<const float> u, Act act) {
    std::vector<float> out(g.size());
    for (size_t i = 0; i < g.size(); ++i) {
        out[i] = static_cast<float>(act(double(g[i])) * double(u[i]));
    }
    return out;
}
}  // namespace

std::vector<float> swiglu(std::span<const float> g, std::span<const float> u) { return gated(g, u, silu); }
std::vector<float> geglu(std::span<const float> g, std::span<const float> u) { return gated(g, u, geluTanh); }

void rope(std::span<float> x, std::span<const int32_t> positions, uint32_t nHeads, uint32_t headDim, const Rope& r) {
    const uint32_t half = r.nRot / 2;
    const double mscale = r.extFactor != 0.0f ? 1.0 + 0.1 * std::log(1.0 / double(r.freqScale)) : 1.0;
    for (size_t t = 0; t < positions.size(); ++t) {
        for (uint32_t h = 0; h < nHeads; ++h) {
            float* head = x.data() + (t * nHeads + h) * headDim;
            for (uint32_t i = 0; i < half; ++i) {
                double trained = double(positions[t]) * std::pow(double(r.freqBase), -2.0 * i / r.nRot);
                if (!r.freqFactors.empty()) {
                    trained /= double(r.freqFactors[i]);
                }
                double theta = double(r.freqScale) * trained;
                if (r.extFactor != 0.0f) {
                    const double y = (i - double(r.corrLow)) / std::max(0.001, double(r.corrHigh - r.corrLow));
                    const double keep = (1.0 - std::clamp(y, 0.0, 1.0)) * double(r.extFactor);
                    theta = keep * trained + (1.0 - keep) * theta;
                }
                const double c = std::cos(theta) * mscale, s = std::sin(theta) * mscale;
                float& a = head[r.neox ? i : 2 * i];
                float& b = head[r.neox ? i + half : 2 * i + 1];
                const double a0 = a, b0 = b;
                a = static_cast<float>(a0 * c - b0 * s);
                b = static_cast<float>(a0 * s + b0 * c);
            }
        }
    }
}

std::vector<float> attention(const Attention& a, std::span<const float> q, std::span<const float> k,
                             std::span<const float> v) {
    const uint32_t hd = a.headDim, hdv = a.headDimV ? a.headDimV : hd, kvw = a.nHeadKv * hd, vw = a.nHeadKv * hdv;
    std::vector<float> out(size_t(a.nTokens) * a.nHead * hdv);
    for (uint32_t t = 0; t < a.nTokens; ++t) {
        const uint32_t qpos = a.pos0 + t;
        const uint32_t lo = a.window > 0 && qpos + 1 > a.window ? qpos + 1 - a.window : 0;
        for (uint32_t h = 0; h < a.nHead; ++h) {
            const uint32_t g = h / (a.nHead / a.nHeadKv);
            std::vector<double> s;
            double m = -INFINITY;
            for (uint32_t p = lo; p <= qpos; ++p) {
                double d = 0.0;
                for (uint32_t i = 0; i < hd; ++i) {
                    d += double(q[(size_t(t) * a.nHead + h) * hd + i]) * double(k[size_t(p) * kvw + g * hd + i]);
                }
                d *= double(a.scale);
                if (a.softcap > 0) {
                    d = double(a.softcap) * std::tanh(d / double(a.softcap));
                }
                s.push_back(d);
                m = std::max(m, d);
            }
            double l = 0.0;
            for (double& e : s) {
                e = std::exp(e - m);
                l += e;
            }
            for (uint32_t i = 0; i < hdv; ++i) {
                double acc = 0.0;
                for (uint32_t p = lo; p <= qpos; ++p) {
                    acc += s[p - lo] * double(v[size_t(p) * vw + g * hdv + i]);
                }
                out[(size_t(t) * a.nHead + h) * hdv + i] = static_cast<float>(acc / l);
            }
        }
    }
    return out;
}

MoeRoute moeRoute(std::span<const float> logits, uint32_t nTokens, uint32_t nExpert, uint32_t used, bool sigmoid,
                  std::span<const float> bias, bool normalize, float scale, uint32_t nGroups,
                  uint32_t groupsUsed) {
    MoeRoute out;
    for (uint32_t t = 0; t < nTokens; ++t) {
        const float* l = logits.data() + size_t(t) * nExpert;
        std::vector<double> p(nExpert);
        if (sigmoid) {
            for (uint32_t e = 0; e < nExpert; ++e) {
                p[e] = 1.0 / (1.0 + std::exp(-double(l[e])));
            }
        } else {
            const double m = *std::max_element(l, l + nExpert);
            double sum = 0.0;
            for (uint32_t e = 0; e < nExpert; ++e) {
                p[e] = std::exp(double(l[e]) - m);
                sum += p[e];
            }
            for (double& v : p) {
                v /= sum;
            }
        }
        std::vector<uint32_t> order(nExpert);
        std::iota(order.begin(), order.end(), 0u);
        const auto key = [&](uint32_t e) { return p[e] + (bias.empty() ? 0.0 : double(bias[e])); };
        if (nGroups > 1) {
            // Score each group by its two best keys; experts outside the best groupsUsed groups drop out.
            const uint32_t per = nExpert / nGroups;
            std::vector<double> score(nGroups);
            for (uint32_t g = 0; g < nGroups; ++g) {
                std::vector<double> keys;
                for (uint32_t e = g * per; e < (g + 1) * per; ++e) {
                    keys.push_back(key(e));
                }
                std::sort(keys.begin(), keys.end(), std::greater<>());
                score[g] = keys[0] + (per > 1 ? keys[1] : 0.0);
            }
            std::vector<uint32_t> groups(nGroups);
            std::iota(groups.begin(), groups.end(), 0u);
            std::stable_sort(groups.begin(), groups.end(), [&](uint32_t a, uint32_t b) { return score[a] > score[b]; });
            groups.resize(groupsUsed);
            std::erase_if(order, [&](uint32_t e) { return std::find(groups.begin(), groups.end(), e / per) == groups.end(); });
        }
        std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return key(a) > key(b); });
        double chosen = 0.0;
        for (uint32_t j = 0; j < used; ++j) {
            chosen += p[order[j]];
        }
        for (uint32_t j = 0; j < used; ++j) {
            out.ids.push_back(order[j]);
            const double w = p[order[j]] / (normalize && chosen > 0.0 ? chosen : 1.0) * double(scale);
            out.weights.push_back(static_cast<float>(w));
        }
    }
    return out;
}

std::vector<uint32_t> topK(std::span<const float> v, uint32_t k) {
    // NaN ranks as the lowest finite float: below every number but above -infinity.
    const auto key = [&](uint32_t i) { return std::isnan(v[i]) ? std::numeric_limits<float>::lowest() : v[i]; };
    std::vector<uint32_t> idx(v.size());
    std::iota(idx.begin(), idx.end(), 0u);
    const size_t m = std::min<size_t>(k, v.size());
    std::partial_sort(idx.begin(), idx.begin() + long(m), idx.end(), [&](uint32_t a, uint32_t b) {
        return key(a) > key(b) || (key(a) == key(b) && a < b);
    });
    idx.resize(m);
    return idx;
}

}  // namespace lantern::reference
