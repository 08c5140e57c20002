// Mixture-of-experts ops against the CPU reference (inference/reference/ops.h): routing (softmax and
// sigmoid gating, selection-only bias, renormalisation, scale) must choose exactly the reference's experts;
// expert matvecs for every weight type, with shared x (gate/up) and per-slot x (down); the weighted
// combination into the residual. Shapes: 8 experts / 2 used (the synthetic models), 128 / 8 (Qwen3-30B-A3B),
// 256 / 8 with bias (DeepSeek-V3), one token (decode) and several (prefill).
#include "tests/inference/ops/gputest.h"

using namespace lantern;
using namespace lantern::test;
using gguf::GgmlType;

class MoeTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { gpuContext(); }

    void routingMatchesReference_data() {
        QTest::addColumn<int>("tokens");
        QTest::addColumn<int>("experts");
        QTest::addColumn<int>("used");
        QTest::addColumn<bool>("sigmoid");
        QTest::addColumn<bool>("bias");
        QTest::addColumn<bool>("normalize");
        QTest::addColumn<float>("scale");
        QTest::addColumn<int>("groups");
        QTest::addColumn<int>("groupsUsed");
        QTest::newRow("8/2 softmax, 1 token") << 1 << 8 << 2 << false << false << true << 1.0f << 0 << 0;
        QTest::newRow("128/8 softmax, 7 tokens") << 7 << 128 << 8 << false << false << true << 1.0f << 0 << 0;
        QTest::newRow("64/6 softmax, not normalised") << 3 << 64 << 6 << false << false << false << 1.0f << 0 << 0;
        QTest::newRow("256/8 sigmoid + bias, scaled") << 5 << 256 << 8 << true << true << true << 2.5f << 0 << 0;
        // DeepSeek-V3's routing: 256 experts in 8 groups, the best 4 groups, 8 experts.
        QTest::newRow("256/8 in 4 of 8 groups, sigmoid + bias") << 6 << 256 << 8 << true << true << true << 2.5f << 8 << 4;
        QTest::newRow("16/3 in 2 of 4 groups, softmax") << 4 << 16 << 3 << false << false << false << 1.0f << 4 << 2;
    }
    void routingMatchesReference() {
        QFETCH(int, tokens);
        QFETCH(int, experts);
        QFETCH(int, used);
        QFETCH(bool, sigmoid);
        QFETCH(bool, bias);
        QFETCH(bool, normalize);
        QFETCH(float, scale);
        QFETCH(int, groups);
        QFETCH(int, groupsUsed);
        Rng rng(77 + experts);
        const std::vector<float> logits = rng.floats(size_t(tokens) * experts, -4.0f, 4.0f);
        const std::vector<float> b = rng.floats(experts, -0.5f, 0.5f);
        const auto want = reference::moeRoute(logits, uint32_t(tokens), uint32_t(experts), uint32_t(used), sigmoid,
                                              bias ? std::span<const float>(b) : std::span<const float>(), normalize,
                                              scale, uint32_t(groups), uint32_t(groupsUsed));
        gpu::Buffer lb = upload(logits), bb = upload(b), ib = makeBuffer(size_t(tokens) * used * 4),
                    wb = makeBuffer(size_t(tokens) * used * 4);
        ops::MoeRouteArgs a;
        a.logits = lb;
        a.bias = bias ? gpu::BufferRange(bb) : gpu::BufferRange();
        a.ids = ib;
        a.weights = wb;
        a.nTokens = uint32_t(tokens);
        a.nExpert = uint32_t(experts);
        a.used = uint32_t(used);
        a.sigmoid = sigmoid;
        a.normalize = normalize;
        a.scale = scale;
        a.nGroups = uint32_t(groups);
        a.groupsUsed = uint32_t(groupsUsed);
        run([&](gpu::Recorder& rec) { return ops::moeRoute(gpuContext(), rec, a, "route"); });
        const std::vector<float> idsRaw = download(ib, want.ids.size());
        std::vector<uint32_t> ids(idsRaw.size());
        std::memcpy(ids.data(), idsRaw.data(), ids.size() * 4);
        QCOMPARE(ids, want.ids);
        if (groups > 1) {  // the group limit changes the choice (else this case would not test it)
            const auto free = reference::moeRoute(logits, uint32_t(tokens), uint32_t(experts), uint32_t(used), sigmoid,
                                                  bias ? std::span<const float>(b) : std::span<const float>(),
                                                  normalize, scale);
            QVERIFY(free.ids != want.ids);
        }
        const double e = nmse(download(wb, want.weights.size()), want.weights);
        QVERIFY2(e < 1e-10, qPrintable(QStringLiteral("weights NMSE %1").arg(e)));
    }

    void expertFfnMatchesReference_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<int>("tokens");
        for (GgmlType t : weightTypes())
            QTest::newRow(qPrintable(typeName(t) + ", 3 tokens")) << int(t) << 3;
        QTest::newRow("q4_K, 1 token") << int(GgmlType::Q4_K) << 1;
    }
    // gate-like (shared x) then down-like (per-slot x) expert matvecs and the weighted combination.
    void expertFfnMatchesReference() {
        QFETCH(int, type);
        QFETCH(int, tokens);
        const auto t = GgmlType(type);
        const uint32_t nExpert = 6, used = 2, rows = 40, cols = testCols(t) / 4 * 4, n = uint32_t(tokens);
        Rng rng(500 + type);
        const std::vector<std::byte> w = randomWeights(t, rows * nExpert, cols, rng);
        const std::vector<float> x = rng.floats(size_t(n) * cols);
        // Routing given directly: token t uses experts (t + 1) % 6 and (2t + 4) % 6 (never the same).
        std::vector<uint32_t> ids;
        std::vector<float> weights;
        for (uint32_t tok = 0; tok < n; ++tok) {
            ids.insert(ids.end(), {(tok + 1) % nExpert, (2 * tok + 4) % nExpert == (tok + 1) % nExpert
                                                             ? (tok + 2) % nExpert
                                                             : (2 * tok + 4) % nExpert});
            weights.insert(weights.end(), {0.7f, 0.3f});
        }
        const uint64_t expertBytes = ops::rowBytes(t, cols) * rows;
        // Reference: y[tok*used + j] = W_{ids} x_tok; per-slot input: the down-like pass reads y's first
        // `cols` values of each pair (rows >= cols is not needed: it reads x2 = per-slot inputs below).
        std::vector<float> want;
        for (uint32_t z = 0; z < n * used; ++z) {
            const std::span<const std::byte> we(w.data() + ids[z] * expertBytes, expertBytes);
            const auto y = reference::matvec(t, we, rows, cols, std::span<const float>(x).subspan(size_t(z / used) * cols, cols));
            want.insert(want.end(), y.begin(), y.end());
        }
        const std::vector<float> x2 = rng.floats(size_t(n) * used * cols);  // per-slot inputs
        std::vector<float> want2;
        for (uint32_t z = 0; z < n * used; ++z) {
            const std::span<const std::byte> we(w.data() + ids[z] * expertBytes, expertBytes);
            const auto y = reference::matvec(t, we, rows, cols, std::span<const float>(x2).subspan(size_t(z) * cols, cols));
            want2.insert(want2.end(), y.begin(), y.end());
        }
        const std::vector<float> residual = rng.floats(size_t(n) * rows);
        std::vector<float> wantOut = residual;
        for (uint32_t tok = 0; tok < n; ++tok)
            for (uint32_t j = 0; j < used; ++j)
                for (uint32_t r = 0; r < rows; ++r)
                    wantOut[size_t(tok) * rows + r] += weights[tok * used + j] * want2[(size_t(tok) * used + j) * rows + r];

        gpu::Buffer wbuf = upload(w), xb = upload(x), x2b = upload(x2), ib = upload(ids), gw = upload(weights),
                    yb = makeBuffer(want.size() * 4), y2b = makeBuffer(want2.size() * 4), ob = upload(residual),
                    ob2 = upload(residual);
        ops::ExpertWeights ew{ops::Weight{&wbuf, 0, t, rows, cols}, nExpert};
        QVERIFY(ops::prepareMoe(gpuContext(), ew).has_value());
        run([&](gpu::Recorder& rec) -> Result<void> {
            ops::ExpertMatvecArgs a{ew, xb, ib, yb, n, used, cols, 0};
            if (auto r = ops::matvecExperts(gpuContext(), rec, a, "gate"); !r)
                return r;
            ops::ExpertMatvecArgs d{ew, x2b, ib, y2b, n, used, used * cols, cols};
            if (auto r = ops::matvecExperts(gpuContext(), rec, d, "down"); !r)
                return r;
            if (auto r = ops::moeCombine(gpuContext(), rec, y2b, gw, ob, n, rows, used, true, "combine"); !r)
                return r;
            // The same down projection and combination fused: one dispatch.
            ops::ExpertMatvecArgs fused = d;
            fused.y = ob2;
            fused.routeWeights = gw;
            fused.accumulate = true;
            return ops::matvecExperts(gpuContext(), rec, fused, "down+combine");
        });
        const double e4 = nmse(download(ob2, wantOut.size()), wantOut);
        QVERIFY2(e4 < 1e-9, qPrintable(QStringLiteral("NMSE fused down+combine %1").arg(e4)));
        const double e1 = nmse(download(yb, want.size()), want), e2 = nmse(download(y2b, want2.size()), want2);
        const double e3 = nmse(download(ob, wantOut.size()), wantOut);
        QVERIFY2(e1 < 1e-9 && e2 < 1e-9 && e3 < 1e-9,
                 qPrintable(QStringLiteral("NMSE shared x %1, per-slot x %2, combined %3").arg(e1).arg(e2).arg(e3)));
    }

    void fusedGateUpAndCacheMatchReference_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<bool>("gelu");
        QTest::newRow("q4_K silu") << int(GgmlType::Q4_K) << false;
        QTest::newRow("q8_0 gelu") << int(GgmlType::Q8_0) << true;
        QTest::newRow("f16 silu") << int(GgmlType::F16) << false;
        QTest::newRow("q5_0 silu") << int(GgmlType::Q5_0) << false;
    }
    // Gate and up fused (each expert: its gate rows, then its up rows; y = act(gate x) * (up x)), and the expert
    // cache: cached experts read from a separate device stack through a slot table, the rest from the main
    // stack; fused GLU and the summed down projection give the reference either way.
    void fusedGateUpAndCacheMatchReference() {
        QFETCH(int, type);
        QFETCH(bool, gelu);
        const auto t = GgmlType(type);
        const uint32_t nExpert = 4, used = 2, rows = 24, cols = testCols(t) / 4 * 4, n = 3;
        Rng rng(900 + type);
        const std::vector<std::byte> w = randomWeights(t, 2 * rows * nExpert, cols, rng);
        const std::vector<float> x = rng.floats(size_t(n) * cols);
        const std::vector<uint32_t> ids = {0, 2, 3, 1, 2, 3};
        const uint64_t rb = ops::rowBytes(t, cols), expertBytes = 2 * rows * rb;
        std::vector<float> want;
        for (uint32_t z = 0; z < n * used; ++z) {
            const auto xt = std::span<const float>(x).subspan(size_t(z / used) * cols, cols);
            const auto g = reference::matvec(t, std::span(w).subspan(ids[z] * expertBytes, rows * rb), rows, cols, xt);
            const auto u =
                reference::matvec(t, std::span(w).subspan(ids[z] * expertBytes + rows * rb, rows * rb), rows, cols, xt);
            const auto y = gelu ? reference::geglu(g, u) : reference::swiglu(g, u);
            want.insert(want.end(), y.begin(), y.end());
        }
        // Down-like summed pass over the same stack read as 2 * rows rows per expert, into a residual.
        const std::vector<float> routeWeights = {0.6f, 0.4f, 0.3f, 0.7f, 0.5f, 0.5f};
        const std::vector<float> residual = rng.floats(size_t(n) * 2 * rows);
        std::vector<float> wantSum = residual;
        for (uint32_t z = 0; z < n * used; ++z) {
            const auto y = reference::matvec(t, std::span(w).subspan(ids[z] * expertBytes, expertBytes), 2 * rows, cols,
                                             std::span<const float>(x).subspan(size_t(z / used) * cols, cols));
            for (uint32_t r = 0; r < 2 * rows; ++r)
                wantSum[size_t(z / used) * 2 * rows + r] += routeWeights[z] * y[r];
        }
        // A cache holding experts 2 (slot 1) and 0 (slot 0); 1 and 3 stay in the main stack.
        std::vector<std::byte> cacheBytes(w.begin(), w.begin() + expertBytes);
        cacheBytes.insert(cacheBytes.end(), w.begin() + 2 * expertBytes, w.begin() + 3 * expertBytes);
        const std::vector<uint32_t> table = {0, 0xFFFFFFFFu, 1, 0xFFFFFFFFu};

        gpu::Buffer wb = upload(w), xb = upload(x), ib = upload(ids), cb = upload(cacheBytes), tb = upload(table),
                    gw = upload(routeWeights), y1 = makeBuffer(want.size() * 4), y2 = makeBuffer(want.size() * 4),
                    s1 = upload(residual), s2 = upload(residual);
        ops::ExpertWeights ew{ops::Weight{&wb, 0, t, 2 * rows, cols}, nExpert};
        QVERIFY(ops::prepareMoe(gpuContext(), ew).has_value());
        run([&](gpu::Recorder& rec) -> Result<void> {
            for (bool cached : {false, true}) {
                ops::ExpertMatvecArgs a{ew, xb, ib, cached ? y2 : y1, n, used, cols, 0};
                a.glu = true;
                a.gelu = gelu;
                if (cached) {
                    a.cache = {gpu::BufferRange(cb), gpu::BufferRange(tb)};
                }
                if (auto r = ops::matvecExperts(gpuContext(), rec, a, "gate_up"); !r)
                    return r;
                ops::ExpertMatvecArgs s{ew, xb, ib, cached ? s2 : s1, n, used, cols, 0};
                s.routeWeights = gw;
                s.accumulate = true;
                if (cached) {
                    s.cache = a.cache;
                }
                if (auto r = ops::matvecExperts(gpuContext(), rec, s, "summed"); !r)
                    return r;
            }
            return {};
        });
        for (gpu::Buffer* y : {&y1, &y2}) {
            const double e = nmse(download(*y, want.size()), want);
            QVERIFY2(e < 1e-9, qPrintable(QStringLiteral("NMSE fused gate/up %1 (%2)").arg(e).arg(y == &y2 ? "cached" : "stack")));
        }
        for (gpu::Buffer* s : {&s1, &s2}) {
            const double e = nmse(download(*s, wantSum.size()), wantSum);
            QVERIFY2(e < 1e-9, qPrintable(QStringLiteral("NMSE summed %1 (%2)").arg(e).arg(s == &s2 ? "cached" : "stack")));
        }
    }

    void groupedPrefillMatchesReference_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<int>("tokens");
        for (GgmlType t : weightTypes())
            QTest::newRow(qPrintable(typeName(t) + ", 37 tokens")) << int(t) << 37;
        QTest::newRow("q4_K, 1 token") << int(GgmlType::Q4_K) << 1;
    }
    // Prefill grouped by expert: moeSort groups the pairs (checked against a CPU grouping: ascending experts,
    // ascending pairs, tiles of at most kExpertTileTokens), then matmulExperts multiplies the two halves of a
    // gate/up-like stack with the token's x (shared) and the whole matrix with per-slot x (down-like); every
    // pair's output matches the reference matvec. 37 tokens x 3 of 5 experts: experts with more than one
    // tile, rows (44 per half) that are not a multiple of the tile.
    void groupedPrefillMatchesReference() {
        QFETCH(int, type);
        QFETCH(int, tokens);
        const auto t = GgmlType(type);
        const uint32_t nExpert = 5, used = 3, half = 44, rows = 2 * half, cols = testCols(t) / 4 * 4, n = uint32_t(tokens);
        Rng rng(1300 + type);
        const std::vector<std::byte> w = randomWeights(t, rows * nExpert, cols, rng);
        const std::vector<float> x = rng.floats(size_t(n) * cols);
        const std::vector<float> x2 = rng.floats(size_t(n) * used * cols);  // per-slot inputs
        // Skewed routing, distinct experts per token: expert 0 gets every token (3 tiles at 37 tokens).
        std::vector<uint32_t> ids;
        for (uint32_t tok = 0; tok < n; ++tok)
            ids.insert(ids.end(), {0u, 1u + tok % 4, 1u + (tok % 4 + 1 + (tok / 4) % 3) % 4});
        const uint32_t pairs = n * used;
        // The CPU's grouping.
        std::vector<uint32_t> wantTiles, wantPairs;
        for (uint32_t e = 0; e < nExpert; ++e) {
            const size_t first = wantPairs.size();
            for (uint32_t z = 0; z < pairs; ++z)
                if (ids[z] == e)
                    wantPairs.push_back(z);
            for (size_t s = first; s < wantPairs.size(); s += ops::kExpertTileTokens)
                wantTiles.insert(wantTiles.end(), {e, uint32_t(s), uint32_t(std::min<size_t>(ops::kExpertTileTokens, wantPairs.size() - s))});
        }
        const uint64_t rb = ops::rowBytes(t, cols), expertBytes = rows * rb;
        std::vector<float> wantGate, wantUp, wantDown;
        for (uint32_t z = 0; z < pairs; ++z) {
            const auto xt = std::span<const float>(x).subspan(size_t(z / used) * cols, cols);
            const auto g = reference::matvec(t, std::span(w).subspan(ids[z] * expertBytes, half * rb), half, cols, xt);
            const auto u = reference::matvec(t, std::span(w).subspan(ids[z] * expertBytes + half * rb, half * rb), half, cols, xt);
            const auto d = reference::matvec(t, std::span(w).subspan(ids[z] * expertBytes, expertBytes), rows, cols,
                                             std::span<const float>(x2).subspan(size_t(z) * cols, cols));
            wantGate.insert(wantGate.end(), g.begin(), g.end());
            wantUp.insert(wantUp.end(), u.begin(), u.end());
            wantDown.insert(wantDown.end(), d.begin(), d.end());
        }
        const uint64_t sortedBytes = ops::moeSortedBytes(n, used, nExpert);
        gpu::Buffer wb = upload(w), xb = upload(x), x2b = upload(x2), ib = upload(ids), sb = makeBuffer(sortedBytes),
                    gb = makeBuffer(wantGate.size() * 4), ub = makeBuffer(wantUp.size() * 4),
                    db = makeBuffer(wantDown.size() * 4);
        const ops::ExpertWeights ew{ops::Weight{&wb, 0, t, rows, cols}, nExpert};
        QVERIFY(ops::prepareMoe(gpuContext(), ew).has_value());
        run([&](gpu::Recorder& rec) -> Result<void> {
            if (auto r = ops::moeSort(gpuContext(), rec, ib, sb, n, used, nExpert, "sort"); !r)
                return r;
            ops::ExpertMatmulArgs g{ew, xb, sb, gb, n, used, cols, 0, 0, 0, half};
            if (auto r = ops::matmulExperts(gpuContext(), rec, g, "gate half"); !r)
                return r;
            ops::ExpertMatmulArgs u = g;
            u.y = ub;
            u.rowStart = half;
            if (auto r = ops::matmulExperts(gpuContext(), rec, u, "up half"); !r)
                return r;
            return ops::matmulExperts(gpuContext(), rec, {ew, x2b, sb, db, n, used, used * cols, cols}, "down");
        });
        const std::vector<float> raw = download(sb, sortedBytes / 4);
        std::vector<uint32_t> sorted(raw.size());
        std::memcpy(sorted.data(), raw.data(), sorted.size() * 4);
        QCOMPARE(sorted[0], uint32_t(wantTiles.size() / 3));
        QCOMPARE(std::vector<uint32_t>(sorted.begin() + 1, sorted.begin() + 1 + wantTiles.size()), wantTiles);
        const size_t pairsAt = sorted.size() - pairs;  // the pairs fill the end of the buffer
        QCOMPARE(std::vector<uint32_t>(sorted.begin() + pairsAt, sorted.end()), wantPairs);
        const double e1 = nmse(download(gb, wantGate.size()), wantGate), e2 = nmse(download(ub, wantUp.size()), wantUp),
                     e3 = nmse(download(db, wantDown.size()), wantDown);
        QVERIFY2(e1 < 1e-9 && e2 < 1e-9 && e3 < 1e-9,
                 qPrintable(QStringLiteral("NMSE gate half %1, up half %2, down %3").arg(e1).arg(e2).arg(e3)));
    }

    // An expert stack bigger than one storage-buffer binding (lavapipe: 128 MiB) runs as one dispatch per
    // group of experts that fits; pairs on both sides of the split, with and without the fused sum.
    void stackBeyondOneBinding() {
        const GgmlType t = GgmlType::Q8_0;
        const uint64_t maxRange = gpuContext().info().maxStorageBufferRange;
        const uint32_t cols = 2048, nExpert = 8, used = 2, n = 2;
        const uint64_t rb = ops::rowBytes(t, cols);
        // Each expert about a sixth of a binding: the stack needs two bindings.
        const uint32_t rows = uint32_t(std::min<uint64_t>(maxRange / 6 / rb, 16384));
        if (uint64_t(rows) * rb * nExpert <= maxRange)
            QSKIP("this device binds the whole stack at once (maxStorageBufferRange >= 8 x 16384 rows)");
        Rng rng(4242);
        const std::vector<std::byte> w = randomWeights(t, rows * nExpert, cols, rng);
        const std::vector<float> x = rng.floats(size_t(n) * cols);
        const std::vector<uint32_t> ids = {1, 7, 6, 2};  // experts before and after the split
        const std::vector<float> weights = {0.6f, 0.4f, 0.25f, 0.75f};
        const uint64_t expertBytes = rb * rows;
        std::vector<float> want, wantSum(size_t(n) * rows, 0.0f);
        for (uint32_t z = 0; z < n * used; ++z) {
            const std::span<const std::byte> we(w.data() + ids[z] * expertBytes, expertBytes);
            const auto y = reference::matvec(t, we, rows, cols, std::span<const float>(x).subspan(size_t(z / used) * cols, cols));
            want.insert(want.end(), y.begin(), y.end());
            for (uint32_t r = 0; r < rows; ++r)
                wantSum[size_t(z / used) * rows + r] += weights[z] * y[r];
        }
        gpu::Buffer wbuf = upload(w), xb = upload(x), ib = upload(ids), gw = upload(weights),
                    yb = makeBuffer(want.size() * 4), sb = makeBuffer(wantSum.size() * 4),
                    sorted = makeBuffer(ops::moeSortedBytes(n, used, nExpert)), mb = makeBuffer(want.size() * 4);
        const ops::ExpertWeights ew{ops::Weight{&wbuf, 0, t, rows, cols}, nExpert};
        QVERIFY(ops::prepareMoe(gpuContext(), ew).has_value());
        run([&](gpu::Recorder& rec) -> Result<void> {
            if (auto r = ops::matvecExperts(gpuContext(), rec, {ew, xb, ib, yb, n, used, cols, 0}, "split"); !r)
                return r;
            ops::ExpertMatvecArgs summed{ew, xb, ib, sb, n, used, cols, 0};
            summed.routeWeights = gw;
            if (auto r = ops::matvecExperts(gpuContext(), rec, summed, "split sum"); !r)
                return r;
            if (auto r = ops::moeSort(gpuContext(), rec, ib, sorted, n, used, nExpert, "sort"); !r)
                return r;
            return ops::matmulExperts(gpuContext(), rec, {ew, xb, sorted, mb, n, used, cols, 0}, "split matmul");
        });
        const double e1 = nmse(download(yb, want.size()), want), e2 = nmse(download(sb, wantSum.size()), wantSum);
        const double e3 = nmse(download(mb, want.size()), want);
        QVERIFY2(e1 < 1e-9 && e2 < 1e-9 && e3 < 1e-9,
                 qPrintable(QStringLiteral("NMSE per pair %1, summed %2, grouped matmul %3").arg(e1).arg(e2).arg(e3)));
    }
};

QTEST_MAIN(MoeTest)
#include "moetest.moc"
