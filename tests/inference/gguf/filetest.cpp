// gguf::File on hand-built files: every metadata type, tensor layouts, and corrupt input of every kind.
// The builder below writes the byte layout of the GGUF specification directly (independent of the reader).
#include <QtTest>

#include <cstring>
#include <random>

#include "inference/gguf/file.h"

using namespace lantern;
using gguf::GgmlType;

namespace {

class Bytes {
public:
    template <class T>
    Bytes& put(T v) {
        const auto* p = reinterpret_cast<const std::byte*>(&v);
        m_b.insert(m_b.end(), p, p + sizeof(T));
        return *this;
    }
    Bytes& str(std::string_view s) {
        put<uint64_t>(s.size());
        const auto* p = reinterpret_cast<const std::byte*>(s.data());
        m_b.insert(m_b.end(), p, p + s.size());
        return *this;
    }
    void pad(size_t align) {
        while (m_b.size() % align) {
            m_b.push_back(std::byte{0});
        }
    }
    std::vector<std::byte>& data() { return m_b; }

private:
    std::vector<std::byte> m_b;
};

struct TensorSpec {
    std::string name;
    GgmlType type;
    std::vector<uint64_t> ne;
    uint64_t bytes;
};

// A v3 file: every scalar type, a string, arrays (incl. strings and nested), and the given tensors.
std::vector<std::byte> build(const std::vector<TensorSpec>& tensors, uint32_t version = 3) {
    Bytes b;
    b.put<uint32_t>(0x46554747u).put<uint32_t>(version).put<uint64_t>(tensors.size()).put<uint64_t>(14);
    b.str("general.architecture").put<uint32_t>(8).str("llama");
    b.str("k.u8").put<uint32_t>(0).put<uint8_t>(200);
    b.str("k.i8").put<uint32_t>(1).put<int8_t>(-5);
    b.str("k.u16").put<uint32_t>(2).put<uint16_t>(65000);
    b.str("k.i16").put<uint32_t>(3).put<int16_t>(-300);
    b.str("k.u32").put<uint32_t>(4).put<uint32_t>(4000000000u);
    b.str("k.i32").put<uint32_t>(5).put<int32_t>(-7);
    b.str("k.f32").put<uint32_t>(6).put<float>(0.25f);
    b.str("k.bool").put<uint32_t>(7).put<uint8_t>(1);
    b.str("k.u64").put<uint32_t>(10).put<uint64_t>(1ull << 40);
    b.str("k.f64").put<uint32_t>(12).put<double>(-1.5);
    b.str("k.strings").put<uint32_t>(9).put<uint32_t>(8).put<uint64_t>(3).str("a").str("").str("hello");
    b.str("k.ints").put<uint32_t>(9).put<uint32_t>(5).put<uint64_t>(2).put<int32_t>(-1).put<int32_t>(9);
    // [[1, 2], ["x"]]
    b.str("k.nested").put<uint32_t>(9).put<uint32_t>(9).put<uint64_t>(2);
    b.put<uint32_t>(4).put<uint64_t>(2).put<uint32_t>(1).put<uint32_t>(2);
    b.put<uint32_t>(8).put<uint64_t>(1).str("x");
    uint64_t offset = 0;
    for (const TensorSpec& t : tensors) {
        b.str(t.name).put<uint32_t>(uint32_t(t.ne.size()));
        for (uint64_t ne : t.ne) {
            b.put<uint64_t>(ne);
        }
        b.put<uint32_t>(uint32_t(t.type)).put<uint64_t>(offset);
        offset += (t.bytes + 31) / 32 * 32;
    }
    b.pad(32);
    for (const TensorSpec& t : tensors) {
        for (uint64_t i = 0; i < (t.bytes + 31) / 32 * 32; ++i) {
            b.put<uint8_t>(uint8_t(i));
        }
    }
    return b.data();
}

const std::vector<TensorSpec> kTensors = {
    {"a.f32", GgmlType::F32, {7, 3}, 7 * 3 * 4},
    {"b.q4k", GgmlType::Q4_K, {512, 2}, 2 * 2 * 144},
    {"c.q8", GgmlType::Q8_0, {64}, 2 * 34},
};

Result<gguf::File> parse(const std::vector<std::byte>& b) { return gguf::File::fromMemory(b, "test.gguf"); }

}  // namespace

class FileTest : public QObject {
    Q_OBJECT
private slots:
    void everyMetadataType() {
        const auto bytes = build(kTensors);
        auto f = parse(bytes);
        QVERIFY2(f.has_value(), f ? "" : f.error().detail.c_str());
        QCOMPARE(f->arch(), std::string_view("llama"));
        QCOMPARE(f->uint("k.u8"), std::optional<uint64_t>(200));
        QCOMPARE(f->sint("k.i8"), std::optional<int64_t>(-5));
        QCOMPARE(f->u32("k.u16"), std::optional<uint32_t>(65000));
        QCOMPARE(f->sint("k.i16"), std::optional<int64_t>(-300));
        QCOMPARE(f->u32("k.u32"), std::optional<uint32_t>(4000000000u));
        QCOMPARE(f->u32("k.i32"), std::nullopt);  // negative does not fit
        QCOMPARE(f->f32("k.f32"), std::optional<float>(0.25f));
        QCOMPARE(f->boolean("k.bool"), std::optional<bool>(true));
        QCOMPARE(f->uint("k.u64"), std::optional<uint64_t>(1ull << 40));
        QCOMPARE(f->u32("k.u64"), std::nullopt);  // too big for 32 bits
        QCOMPARE(f->f32("k.f64"), std::optional<float>(-1.5f));
        auto s = f->array("k.strings");
        QVERIFY(s);
        QCOMPARE(s->size(), size_t(3));
        QCOMPARE(s->str(0), std::string_view("a"));
        QCOMPARE(s->str(1), std::string_view(""));
        QCOMPARE(s->str(2), std::string_view("hello"));
        auto ints = f->array("k.ints");
        QVERIFY(ints);
        QCOMPARE(ints->i32(0), -1);
        QCOMPARE(ints->i32(1), 9);
        auto nested = f->array("k.nested");
        QVERIFY(nested);
        QCOMPARE(nested->elementType(), gguf::ValueType::Array);
        QCOMPARE(nested->size(), size_t(2));
        QVERIFY(!f->str("k.missing"));
        auto req = f->requireU32("k.missing");
        QVERIFY(!req);
        QVERIFY(req.error().detail.find("k.missing") != std::string::npos);
        QVERIFY(f->describe("k.strings").find("array[3] of string") != std::string::npos);
    }

    void tensorLayouts() {
        const auto bytes = build(kTensors);
        auto f = parse(bytes);
        QVERIFY(f);
        QCOMPARE(f->tensors().size(), size_t(3));
        const gguf::TensorInfo* q = f->tensor("b.q4k");
        QVERIFY(q);
        QCOMPARE(q->rowBytes, uint64_t(2 * 144));
        QCOMPARE(q->rows, uint64_t(2));
        QCOMPARE(q->bytes, uint64_t(576));
        QCOMPARE(q->offset % 32, uint64_t(0));
        QCOMPARE(f->tensor("a.f32")->elements, uint64_t(21));
        QCOMPARE(f->tensor("c.q8")->nDims, 1u);
        QVERIFY(!f->tensor("nope"));
    }

    // Every truncation of a valid file before the end of its last tensor's data fails cleanly (and names
    // the file). (The last tensor, c.q8, has 68 bytes of data padded to 96: cuts in the padding are valid.)
    void truncatedAnywhere() {
        const auto bytes = build(kTensors);
        const size_t dataEnd = bytes.size() - (96 - 68);
        QVERIFY(parse(std::vector<std::byte>(bytes.begin(), bytes.begin() + long(dataEnd))).has_value());
        for (size_t n = 0; n < dataEnd; n += (n < 400 ? 1 : 17)) {
            std::vector<std::byte> cut(bytes.begin(), bytes.begin() + long(n));
            auto f = parse(cut);
            QVERIFY2(!f, qPrintable(QString("a file cut at %1 bytes was accepted").arg(n)));
            QCOMPARE(f.error().code, Errc::GgufInvalid);
            QVERIFY(f.error().detail.find("test.gguf") != std::string::npos);
        }
    }

    void badMagicAndVersion() {
        auto bytes = build(kTensors);
        bytes[0] = std::byte{'X'};
        auto f = parse(bytes);
        QVERIFY(!f);
        QVERIFY(f.error().detail.find("not a GGUF file") != std::string::npos);
        auto v1 = build(kTensors, 1);
        f = parse(v1);
        QVERIFY(!f);
        QCOMPARE(f.error().code, Errc::GgufUnsupported);
        QVERIFY(f.error().detail.find("version 1") != std::string::npos);
    }

    void hugeCounts() {
        auto bytes = build(kTensors);
        const uint64_t huge = 1ull << 60;
        std::memcpy(bytes.data() + 8, &huge, 8);  // tensor count
        auto f = parse(bytes);
        QVERIFY(!f);
        QVERIFY(f.error().detail.find("tensors") != std::string::npos);
    }

    void unknownTypeAndBadShapes() {
        auto f = parse(build({{"t", GgmlType(99), {32}, 32}}));
        QVERIFY(!f);
        QVERIFY(f.error().detail.find("unknown type 99") != std::string::npos);
        f = parse(build({{"t", GgmlType::Q4_K, {100}, 144}}));  // 100 is no multiple of 256
        QVERIFY(!f);
        QVERIFY(f.error().detail.find("whole number") != std::string::npos);
        f = parse(build({{"t", GgmlType::F32, {1ull << 40, 1ull << 40}, 64}}));
        QVERIFY(!f);
        QVERIFY(f.error().detail.find("impossible shape") != std::string::npos);
        f = parse(build({{"t", GgmlType::F32, {4, 0}, 16}}));
        QVERIFY(!f);
        f = parse(build({{"t", GgmlType::F32, {1, 1, 1, 1, 1}, 4}}));  // 5 dims
        QVERIFY(!f);
        QVERIFY(f.error().detail.find("dimensions") != std::string::npos);
    }

    void dataPastTheEnd() {
        // Declare a bigger tensor than the data written.
        auto bytes = build({{"t", GgmlType::F32, {64}, 256}});
        bytes.resize(bytes.size() - 64);
        auto f = parse(bytes);
        QVERIFY(!f);
        QVERIFY(f.error().detail.find("ends past the end of the file") != std::string::npos);
        QVERIFY(f.error().detail.find("'t'") != std::string::npos);
    }

    void duplicateTensor() {
        auto f = parse(build({{"t", GgmlType::F32, {8}, 32}, {"t", GgmlType::F32, {8}, 32}}));
        QVERIFY(!f);
        QVERIFY(f.error().detail.find("appears twice") != std::string::npos);
    }

    // Random byte flips in the header and tables never crash; most are rejected, the rest stay in bounds.
    void randomCorruption() {
        const auto good = build(kTensors);
        std::mt19937 rng(1234);
        for (int i = 0; i < 3000; ++i) {
            auto bytes = good;
            const int flips = 1 + int(rng() % 4);
            for (int k = 0; k < flips; ++k) {
                bytes[rng() % 700] = std::byte(rng());
            }
            auto f = parse(bytes);
            if (f) {
                for (const gguf::TensorInfo& t : f->tensors()) {
                    QVERIFY(t.offset + t.bytes <= bytes.size());
                }
            }
        }
    }

    void missingFile() {
        auto f = gguf::File::open("/nonexistent/model.gguf");
        QVERIFY(!f);
        QCOMPARE(f.error().code, Errc::FileNotFound);
    }
};

QTEST_GUILESS_MAIN(FileTest)
#include "filetest.moc"
