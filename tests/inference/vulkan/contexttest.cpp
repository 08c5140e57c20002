// The Vulkan runtime on whatever device exists (lavapipe in CI): a real compute shader, buffers,
// barriers, pipeline cache, device choice and errors.
#include <QtTest>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "inference/vulkan/gpu.h"
#include "tests/support/testenv.h"

using namespace lantern;

namespace {

struct AddPush {
    uint32_t n;
};
static_assert(sizeof(AddPush) == 4);

std::span<const std::byte> bytes(const std::vector<float>& v) { return std::as_bytes(std::span(v)); }

}  // namespace

class ContextTest : public QObject {
    Q_OBJECT
    std::unique_ptr<gpu::Context> m_ctx;

    const gpu::Pipeline* addPipeline() {
        auto p = m_ctx->pipeline({"add_f32", 3, sizeof(AddPush), {64}});
        if (!p) {
            qFatal("add_f32: %s", p.error().detail.c_str());
        }
        return *p;
    }

private slots:
    void initTestCase() {
        auto devices = gpu::Context::enumerate();
        if (!devices || devices->empty()) {
            test::skipAll("no Vulkan device on this machine (not even lavapipe)");
        }
        auto ctx = gpu::Context::create();
        QVERIFY2(ctx.has_value(), ctx ? "" : ctx.error().detail.c_str());
        m_ctx = std::move(*ctx);
        QVERIFY(!m_ctx->info().name.empty());
        QVERIFY(m_ctx->info().maxStorageBufferRange > 0);
        QVERIFY(m_ctx->info().subgroupSize > 0);
    }

    // add_f32 over a length that is no multiple of the workgroup size, against CPU sums.
    void addMatchesCpu() {
        const uint32_t n = 1000003;
        std::vector<float> a(n), b(n);
        std::mt19937 rng(7);
        std::uniform_real_distribution<float> d(-100.f, 100.f);
        for (uint32_t i = 0; i < n; ++i) {
            a[i] = d(rng);
            b[i] = d(rng);
        }
        auto ba = m_ctx->createBuffer(n * 4), bb = m_ctx->createBuffer(n * 4), bo = m_ctx->createBuffer(n * 4);
        QVERIFY(ba && bb && bo);
        QVERIFY(ba->upload(bytes(a)));
        QVERIFY(bb->upload(bytes(b)));
        auto rec = m_ctx->record();
        QVERIFY(rec);
        rec->dispatch(*addPipeline(), {{*ba}, {*bb}, {*bo, true}}, AddPush{n}, (n + 63) / 64, 1, 1, "add");
        auto r = rec->submitAndWait();
        QVERIFY2(r.has_value(), r ? "" : r.error().detail.c_str());
        std::vector<float> out(n);
        QVERIFY(bo->download(std::as_writable_bytes(std::span(out))));
        for (uint32_t i = 0; i < n; ++i) {
            if (out[i] != a[i] + b[i]) {
                QFAIL(qPrintable(QString("element %1: %2 != %3").arg(i).arg(out[i]).arg(a[i] + b[i])));
            }
        }
    }

    void uploadDownloadAtOffsets() {
        auto buf = m_ctx->createBuffer(4099, gpu::Memory::HostVisible);
        QVERIFY(buf);
        std::vector<std::byte> data(1001);
        for (size_t i = 0; i < data.size(); ++i) {
            data[i] = std::byte(i * 31 + 5);
        }
        QVERIFY(buf->upload(data, 3));
        std::vector<std::byte> back(1001);
        QVERIFY(buf->download(back, 3));
        QCOMPARE(back, data);
        auto bad = buf->upload(data, 4000);
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, Errc::InvalidArgument);
    }

    // A chain a -> t1 -> t2 needs a barrier before each dependent step; independent adds need none.
    void barriersOnlyWhereNeeded() {
        const uint32_t n = 1000;
        std::vector<float> ones(n, 1.f);
        auto a = m_ctx->createBuffer(n * 4), t1 = m_ctx->createBuffer(n * 4), t2 = m_ctx->createBuffer(n * 4),
             u = m_ctx->createBuffer(n * 4);
        QVERIFY(a && t1 && t2 && u);
        QVERIFY(a->upload(bytes(ones)));
        {
            auto rec = m_ctx->record();
            QVERIFY(rec);
            rec->dispatch(*addPipeline(), {{*a}, {*a}, {*t1, true}}, AddPush{n}, (n + 63) / 64);   // t1 = 2
            rec->dispatch(*addPipeline(), {{*t1}, {*a}, {*t2, true}}, AddPush{n}, (n + 63) / 64);  // t2 = 3
            rec->dispatch(*addPipeline(), {{*t2}, {*t1}, {*u, true}}, AddPush{n}, (n + 63) / 64);  // u = 5
            QCOMPARE(rec->barrierCount(), size_t(2));
            QVERIFY(rec->submitAndWait());
            std::vector<float> out(n);
            QVERIFY(u->download(std::as_writable_bytes(std::span(out))));
            QCOMPARE(out.front(), 5.f);
            QCOMPARE(out.back(), 5.f);
        }
        {
            auto rec = m_ctx->record();
            QVERIFY(rec);
            rec->dispatch(*addPipeline(), {{*a}, {*a}, {*t1, true}}, AddPush{n}, (n + 63) / 64);
            rec->dispatch(*addPipeline(), {{*a}, {*a}, {*t2, true}}, AddPush{n}, (n + 63) / 64);
            QCOMPARE(rec->barrierCount(), size_t(0));
            QVERIFY(rec->submitAndWait());
        }
    }

    void largeBufferBoundInRanges() {
        const uint64_t range = m_ctx->info().maxStorageBufferRange;
        if (range >= (1ull << 31)) {
            QSKIP("this device binds 2 GiB and more in one range; the split is exercised on lavapipe");
        }
        // Two ranges: [0, range) and [range, range + 1 MiB), each written by add_f32 from a small input.
        const uint64_t total = range + (1u << 20);
        auto big = m_ctx->createBuffer(total);
        QVERIFY2(big.has_value(), big ? "" : big.error().detail.c_str());
        const uint32_t n = 4096;
        std::vector<float> x(n), y(n);
        for (uint32_t i = 0; i < n; ++i) {
            x[i] = float(i);
            y[i] = 0.5f;
        }
        auto bx = m_ctx->createBuffer(n * 4), by = m_ctx->createBuffer(n * 4);
        QVERIFY(bx && by && bx->upload(bytes(x)) && by->upload(bytes(y)));
        auto rec = m_ctx->record();
        QVERIFY(rec);
        rec->dispatch(*addPipeline(), {{*bx}, {*by}, {gpu::BufferRange(*big, 0, range), true}}, AddPush{n}, n / 64);
        rec->dispatch(*addPipeline(), {{*bx}, {*bx}, {gpu::BufferRange(*big, range, 1u << 20), true}}, AddPush{n},
                      n / 64);
        QVERIFY(rec->submitAndWait());
        std::vector<float> lo(n), hi(n);
        QVERIFY(big->download(std::as_writable_bytes(std::span(lo)), 0));
        QVERIFY(big->download(std::as_writable_bytes(std::span(hi)), range));
        QCOMPARE(lo[17], 17.5f);
        QCOMPARE(hi[17], 34.f);
        QCOMPARE(hi[n - 1], float(2 * (n - 1)));
    }

    void missingShaderIsAnError() {
        auto p = m_ctx->pipeline({"no_such_shader", 1, 0, {}});
        QVERIFY(!p);
        QCOMPARE(p.error().code, Errc::ShaderMissing);
        QVERIFY(p.error().detail.find("no_such_shader") != std::string::npos);
    }

    void timestampsWhenProfiling() {
        const uint32_t n = 1 << 16;
        auto a = m_ctx->createBuffer(n * 4);
        QVERIFY(a);
        auto rec = m_ctx->record(true);
        QVERIFY(rec);
        rec->dispatch(*addPipeline(), {{*a}, {*a}, {*a, true}}, AddPush{n}, n / 64, 1, 1, "add L0");
        QVERIFY(rec->submitAndWait());
        const auto t = rec->timings();
        QCOMPARE(t.size(), size_t(1));
        QCOMPARE(QString::fromStdString(t[0].label), QString("add L0"));
        QVERIFY(t[0].microseconds >= 0.0);
    }

    void deviceChoiceByName() {
        const std::string name = m_ctx->info().name;
        auto same = gpu::Context::create({.device = name.substr(0, 4)});
        QVERIFY2(same.has_value(), same ? "" : same.error().detail.c_str());
        QCOMPARE((*same)->info().name, name);
        auto none = gpu::Context::create({.device = "no-such-gpu-xyz"});
        QVERIFY(!none);
        QCOMPARE(none.error().code, Errc::NoDevice);
        QVERIFY(none.error().detail.find(name) != std::string::npos);  // lists what exists
    }

    void pipelineCacheWrittenAndReused() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("cache.bin").toStdString();
        {
            auto ctx = gpu::Context::create({.pipelineCachePath = path});
            QVERIFY(ctx);
            QVERIFY((*ctx)->pipeline({"add_f32", 3, sizeof(AddPush), {64}}));
        }
        QVERIFY(std::filesystem::exists(path));
        QVERIFY(std::filesystem::file_size(path) > 0);
        auto again = gpu::Context::create({.pipelineCachePath = path});
        QVERIFY(again);
        QVERIFY((*again)->pipeline({"add_f32", 3, sizeof(AddPush), {64}}));
    }
};

QTEST_GUILESS_MAIN(ContextTest)
#include "contexttest.moc"
