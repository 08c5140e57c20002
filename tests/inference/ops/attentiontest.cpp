// kvStore + attention against the CPU reference (inference/reference/ops.h, double precision): causal
// prefill, long single-query decode (split over positions, then merged), sliding window, soft-capping, GQA,
// f16 and f32 caches.
// The reference reads the cache values the GPU holds (f16-rounded for the f16 cache), so the only error
// is f32 arithmetic. Tolerance: NMSE < 1e-9. kvStore itself must reproduce the f16 rounding exactly.
#include <cmath>

#include "tests/inference/ops/gputest.h"

using namespace lantern;
using namespace lantern::test;

namespace {

struct Case {
    uint32_t nTokens, pos0, window;
    float softcap;
    bool f16;
    uint32_t headDim;
};

}  // namespace

class AttentionTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        gpuContext();
        QVERIFY(ops::prepareCommon(gpuContext()).has_value());
    }
    void matchesReference_data();
    void matchesReference();
    void latentAttentionMatchesReference_data();
    void latentAttentionMatchesReference();
};

void AttentionTest::latentAttentionMatchesReference_data() {
    QTest::addColumn<int>("nTokens");
    QTest::addColumn<int>("pos0");
    QTest::newRow("prefill") << 5 << 3;
    QTest::newRow("decode split") << 1 << 600;
}

// DeepSeek's multi-head latent attention in its absorbed form: one KV head, keys of 576 (compressed KV 512 +
// rope part 64) and values of 512 read from the same cache rows (the keys' first 512).
void AttentionTest::latentAttentionMatchesReference() {
    QFETCH(int, nTokens);
    QFETCH(int, pos0);
    const uint32_t n = uint32_t(nTokens), nHead = 4, hk = 576, hv = 512, nPos = uint32_t(pos0) + n;
    Rng rng(5 + pos0);
    const std::vector<float> q = rng.floats(size_t(n) * nHead * hk, -0.3f, 0.3f);
    const std::vector<float> k = rng.floats(size_t(nPos) * hk, -2.0f, 2.0f);
    std::vector<float> kHeld = k, vHeld;
    for (float& x : kHeld) {
        x = fromHalf(toHalf(x));
    }
    for (uint32_t p = 0; p < nPos; ++p) {
        vHeld.insert(vHeld.end(), kHeld.begin() + size_t(p) * hk, kHeld.begin() + size_t(p) * hk + hv);
    }
    reference::Attention ra;
    ra.nTokens = n;
    ra.pos0 = uint32_t(pos0);
    ra.nHead = nHead;
    ra.nHeadKv = 1;
    ra.headDim = hk;
    ra.headDimV = hv;
    ra.scale = 1.0f / std::sqrt(192.0f);
    const std::vector<float> want = reference::attention(ra, q, kHeld, vHeld);

    gpu::Buffer qb = upload(q), kb = upload(k), ob = makeBuffer(want.size() * 4);
    gpu::Buffer cache = makeBuffer(uint64_t(nPos) * hk * 2), scratch = makeBuffer(ops::attentionScratchBytes(nHead, hv));
    run([&](gpu::Recorder& rec) -> Result<void> {
        if (auto r = ops::kvStore(gpuContext(), rec, {kb, cache, nPos, hk, 0, true}, "kv"); !r) {
            return r;
        }
        ops::AttentionArgs a;
        a.q = qb;
        a.k = cache;
        a.v = cache;
        a.out = ob;
        a.scratch = scratch;
        a.nTokens = n;
        a.nHead = nHead;
        a.nHeadKv = 1;
        a.headDim = hk;
        a.headDimV = hv;
        a.vStride = hk;
        a.pos0 = uint32_t(pos0);
        a.scale = ra.scale;
        return ops::attention(gpuContext(), rec, a, "mla");
    });
    const double e = nmse(download(ob, want.size()), want);
    QVERIFY2(e < 1e-9, qPrintable(QString("NMSE %1").arg(e)));
}

void AttentionTest::matchesReference_data() {
    QTest::addColumn<int>("nTokens");
    QTest::addColumn<int>("pos0");
    QTest::addColumn<int>("window");
    QTest::addColumn<float>("softcap");
    QTest::addColumn<bool>("f16");
    QTest::addColumn<int>("headDim");
    QTest::newRow("prefill f16") << 7 << 5 << 0 << 0.0f << true << 64;
    QTest::newRow("prefill f32 window 4") << 9 << 0 << 4 << 0.0f << false << 64;
    QTest::newRow("decode split f16") << 1 << 700 << 0 << 0.0f << true << 64;
    QTest::newRow("decode split window f16") << 1 << 900 << 600 << 0.0f << true << 64;
    QTest::newRow("decode short softcap f32") << 1 << 40 << 0 << 5.0f << false << 64;
    QTest::newRow("gemma head 256 prefill") << 3 << 2 << 0 << 0.0f << true << 256;
}

void AttentionTest::matchesReference() {
    QFETCH(int, nTokens);
    QFETCH(int, pos0);
    QFETCH(int, window);
    QFETCH(float, softcap);
    QFETCH(bool, f16);
    QFETCH(int, headDim);
    const Case c{uint32_t(nTokens), uint32_t(pos0), uint32_t(window), softcap, f16, uint32_t(headDim)};
    const uint32_t nHead = 4, nHeadKv = 2, hd = c.headDim, kvw = nHeadKv * hd;
    const uint32_t nPos = c.pos0 + c.nTokens;
    const float scale = 1.0f / std::sqrt(float(hd));
    Rng rng(21 + nTokens * 1000 + pos0);
    const std::vector<float> q = rng.floats(size_t(c.nTokens) * nHead * hd, -2.0f, 2.0f);
    std::vector<float> k = rng.floats(size_t(nPos) * kvw, -2.0f, 2.0f), v = rng.floats(size_t(nPos) * kvw);
    std::vector<float> kHeld = k, vHeld = v;  // what the cache holds after kvStore
    if (f16) {
        for (float& x : kHeld) {
            x = fromHalf(toHalf(x));
        }
        for (float& x : vHeld) {
            x = fromHalf(toHalf(x));
        }
    }
    reference::Attention ra;
    ra.nTokens = c.nTokens;
    ra.pos0 = c.pos0;
    ra.nHead = nHead;
    ra.nHeadKv = nHeadKv;
    ra.headDim = c.headDim;
    ra.window = c.window;
    ra.scale = scale;
    ra.softcap = c.softcap;
    const std::vector<float> want = reference::attention(ra, q, kHeld, vHeld);

    const uint64_t cacheBytes = uint64_t(nPos + 16) * kvw * (f16 ? 2 : 4);
    gpu::Buffer qb = upload(q), kb = upload(k), vb = upload(v);
    gpu::Buffer kc = makeBuffer(cacheBytes), vc = makeBuffer(cacheBytes), ob = makeBuffer(q.size() * 4);
    gpu::Buffer scratch = makeBuffer(ops::attentionScratchBytes(nHead, hd));
    run([&](gpu::Recorder& rec) -> Result<void> {
        // The cache is filled in two writes (positions before pos0, then the new tokens) as a model does.
        for (auto [cache, src] : {std::pair{&kc, &kb}, std::pair{&vc, &vb}}) {
            if (c.pos0 > 0) {
                if (auto r = ops::kvStore(gpuContext(), rec, {*src, *cache, c.pos0, kvw, 0, f16}, "kv old"); !r) {
                    return r;
                }
            }
            const gpu::BufferRange fresh(*src, uint64_t(c.pos0) * kvw * 4, uint64_t(c.nTokens) * kvw * 4);
            if (auto r = ops::kvStore(gpuContext(), rec, {fresh, *cache, c.nTokens, kvw, c.pos0, f16}, "kv new");
                !r) {
                return r;
            }
        }
        ops::AttentionArgs a;
        a.q = qb;
        a.k = kc;
        a.v = vc;
        a.out = ob;
        a.scratch = scratch;
        a.nTokens = c.nTokens;
        a.nHead = nHead;
        a.nHeadKv = nHeadKv;
        a.headDim = hd;
        a.pos0 = c.pos0;
        a.window = c.window;
        a.scale = scale;
        a.softcap = c.softcap;
        a.kvF16 = f16;
        return ops::attention(gpuContext(), rec, a, "attn");
    });
    const double e = nmse(download(ob, want.size()), want);
    QVERIFY2(e < 1e-9, qPrintable(QString("NMSE %1").arg(e)));

    // The K cache holds exactly the converted rows.
    if (f16) {
        std::vector<uint16_t> held(size_t(nPos) * kvw);
        QVERIFY(kc.download(std::as_writable_bytes(std::span<uint16_t>(held))).has_value());
        for (size_t i = 0; i < held.size(); ++i) {
            QCOMPARE(held[i], toHalf(k[i]));
        }
    } else {
        QCOMPARE(download(kc, size_t(nPos) * kvw), k);
    }
}

QTEST_MAIN(AttentionTest)
#include "attentiontest.moc"
