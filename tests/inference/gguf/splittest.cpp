// gguf::File on split sets (inference/gguf/split.cpp), written by the test writer the way llama.cpp's
// gguf-split writes them: the set opens as the single file it was split from (same metadata, same tensors,
// byte for byte), from any of its parts; names follow gguf-split's; and a broken set (a part missing,
// renamed, truncated, from another model, a tensor twice, split keys of the wrong type or count) gives an
// error naming the file at fault.
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <fstream>

#include "inference/gguf/file.h"
#include "inference/gguf/split.h"
#include "tests/support/ggufwriter.h"

using namespace lantern;
namespace fs = std::filesystem;

namespace {

test::GgufWriter model(uint32_t layers = 2) {
    test::SyntheticModel spec;
    spec.type = gguf::GgmlType::Q8_0;
    spec.nEmbd = 64;
    spec.nFf = 128;
    spec.nLayer = layers;
    spec.nVocab = 300;
    return test::syntheticModel(spec);
}

bool mentions(const Error& e, const std::string& what) {
    return e.detail.find(what) != std::string::npos;
}

}  // namespace

class SplitTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    fs::path m_single;

    fs::path dir() const { return fs::path(m_dir.path().toStdString()); }
    // A fresh set of three parts of model() under a prefix of its own; the parts' paths.
    std::vector<fs::path> writeSet(const std::string& prefix, const std::vector<test::GgufWriter>& parts) {
        std::vector<fs::path> paths;
        for (uint32_t i = 0; i < parts.size(); ++i) {
            paths.push_back(test::GgufWriter::splitPath(dir() / prefix, i, uint32_t(parts.size())));
            if (!parts[i].write(paths.back())) {
                qFatal("cannot write %s", paths.back().string().c_str());
            }
        }
        return paths;
    }
    std::vector<fs::path> writeSet(const std::string& prefix) {
        return writeSet(prefix, model().splitParts(3));
    }

    void expectError(const fs::path& open, std::initializer_list<std::string> mentioned) {
        auto f = gguf::File::open(open);
        QVERIFY2(!f.has_value(), "a broken set opened");
        qInfo("%s", f.error().detail.c_str());
        for (const std::string& m : mentioned) {
            QVERIFY2(mentions(f.error(), m),
                     (f.error().detail + "  (expected to mention: " + m + ")").c_str());
        }
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_single = dir() / "single.gguf";
        QVERIFY(model().write(m_single).has_value());
    }

    // The parts hold what the single file holds: all metadata in the first (plus the split keys), the tensors
    // in order across the parts, each tensor's bytes identical, the sizes of all parts counted.
    void opensAsTheSingleFile() {
        const auto paths = writeSet("m");
        auto single = gguf::File::open(m_single);
        auto split = gguf::File::open(paths[0]);
        QVERIFY2(split.has_value(), split ? "" : split.error().detail.c_str());
        QVERIFY(single.has_value());
        QCOMPARE(split->parts().size(), size_t(3));
        uint64_t sum = 0;
        for (size_t i = 0; i < 3; ++i) {
            QCOMPARE(split->parts()[i].path, paths[i]);
            QCOMPARE(split->parts()[i].bytes, uint64_t(fs::file_size(paths[i])));
            sum += fs::file_size(paths[i]);
        }
        QCOMPARE(split->fileBytes(), sum);
        QVERIFY(split->fileBytes() > single->fileBytes());  // three headers
        QCOMPARE(split->path(), paths[0]);
        QCOMPARE(split->keys().size(), single->keys().size() + 3);
        for (std::string_view k : single->keys()) {
            QCOMPARE(split->describe(k), single->describe(k));
        }
        QCOMPARE(split->uint(gguf::kSplitCount), uint64_t(3));
        QCOMPARE(split->typeOf(gguf::kSplitNo), gguf::ValueType::U16);
        QCOMPARE(split->typeOf(gguf::kSplitTensorsCount), gguf::ValueType::I32);
        QCOMPARE(split->tensors().size(), single->tensors().size());
        uint32_t lastPart = 0;
        for (size_t i = 0; i < single->tensors().size(); ++i) {
            const gguf::TensorInfo& a = single->tensors()[i];
            const gguf::TensorInfo& b = split->tensors()[i];
            QCOMPARE(b.name, a.name);
            QCOMPARE(b.type, a.type);
            QCOMPARE(b.ne, a.ne);
            QCOMPARE(b.bytes, a.bytes);
            QVERIFY(b.part >= lastPart && b.part < 3);
            lastPart = b.part;
            QCOMPARE(split->tensor(a.name), &b);
            QVERIFY(std::memcmp(a.data.data(), b.data.data(), a.bytes) == 0);
            // The data lies in its own part's file, at its offset there.
            std::ifstream in(paths[b.part], std::ios::binary);
            in.seekg(std::streamoff(b.offset));
            std::vector<char> bytes(b.bytes);
            in.read(bytes.data(), std::streamsize(bytes.size()));
            QVERIFY(in && std::memcmp(bytes.data(), b.data.data(), b.bytes) == 0);
        }
        QCOMPARE(lastPart, 2u);
    }

    // Whichever part is named, the set is read from its first part.
    void anyPartOpensTheSet() {
        const auto paths = writeSet("any");
        for (const fs::path& p : paths) {
            auto f = gguf::File::open(p);
            QVERIFY2(f.has_value(), f ? "" : f.error().detail.c_str());
            QCOMPARE(f->path(), paths[0]);
            QCOMPARE(f->parts().size(), size_t(3));
            QCOMPARE(f->arch(), std::string_view("llama"));
        }
    }

    // gguf-split's names: "%s-%05d-of-%05d.gguf" with the part's number from 1.
    void namesFollowGgufSplit() {
        QCOMPARE(gguf::splitPath("/m/qwen", 0, 3), fs::path("/m/qwen-00001-of-00003.gguf"));
        QCOMPARE(gguf::splitPath("/m/qwen", 11, 12), fs::path("/m/qwen-00012-of-00012.gguf"));
        QCOMPARE(gguf::splitPath("/m/qwen", 2, 3), test::GgufWriter::splitPath("/m/qwen", 2, 3));
        const auto n = gguf::parseSplitName("/m/Qwen3-235B-Q4_K_M-00002-of-00005.gguf");
        QVERIFY(n.has_value());
        QCOMPARE(n->prefix, fs::path("/m/Qwen3-235B-Q4_K_M"));
        QCOMPARE(n->no, 1u);
        QCOMPARE(n->count, 5u);
        for (const char* other :
             {"/m/model.gguf", "/m/model-00000-of-00003.gguf", "/m/model-00004-of-00003.gguf",
              "/m/model-0001-of-00003.gguf", "/m/model-00001-of-00003.bin", "-00001-of-00003.gguf"}) {
            QVERIFY2(!gguf::parseSplitName(other), other);
        }
    }

    // gguf-split writes a model that needs no splitting as one part of one: a plain file.
    void aSetOfOneIsAFile() {
        const auto paths = writeSet("one", model().splitParts(1));
        auto f = gguf::File::open(paths[0]);
        QVERIFY2(f.has_value(), f ? "" : f.error().detail.c_str());
        QCOMPARE(f->parts().size(), size_t(1));
        QCOMPARE(f->fileBytes(), uint64_t(fs::file_size(paths[0])));
    }

    void missingPart() {
        auto paths = writeSet("missing");
        fs::remove(paths[1]);
        auto f = gguf::File::open(paths[0]);
        QVERIFY(!f);
        QCOMPARE(f.error().code, Errc::FileNotFound);
        QVERIFY2(mentions(f.error(), "missing-00002-of-00003.gguf") && mentions(f.error(), "part 2 of 3"),
                 f.error().detail.c_str());
        // Named by a later part, the missing first part is said so.
        fs::remove(paths[0]);
        expectError(paths[2], {"missing-00001-of-00003.gguf", "is missing"});
    }

    void wrongSplitCount() {
        auto parts = model().splitParts(3);
        parts[1].set("split.count", uint16_t(4));
        const auto paths = writeSet("count", parts);
        expectError(paths[0], {"count-00002-of-00003.gguf", "split.count", "4 parts"});
        // The first part's count against the names: part 1 says 2, its name says 3.
        parts = model().splitParts(3);
        parts[0].set("split.count", uint16_t(2));
        expectError(writeSet("count1", parts)[0],
                    {"count1-00001-of-00003.gguf", "part 1 of 3", "part 1 of 2"});
    }

    void duplicateTensorAcrossParts() {
        auto parts = model().splitParts(3);
        parts[2].addRawTensor("token_embd.weight", {64, 300}, gguf::GgmlType::Q8_0,
                              std::vector<std::byte>(300 * 2 * 34));
        const auto paths = writeSet("dup", parts);
        expectError(paths[0], {"dup-00003-of-00003.gguf", "'token_embd.weight'", "dup-00001-of-00003.gguf"});
    }

    void truncatedPart() {
        const auto paths = writeSet("trunc");
        fs::resize_file(paths[2], fs::file_size(paths[2]) - 100);
        expectError(paths[0], {"trunc-00003-of-00003.gguf", "truncated"});
    }

    // A part of another model's set under this set's name: told by its tensor count, or, where that key is
    // absent, by the count of tensors the whole set holds.
    void partOfAnotherModel() {
        const auto paths = writeSet("mix");
        const auto other = writeSet("other", model(3).splitParts(3));
        fs::copy_file(other[1], paths[1], fs::copy_options::overwrite_existing);
        expectError(paths[0], {"mix-00002-of-00003.gguf", "another model"});

        // A stranger without the (optional) tensor count in a later part, holding one tensor of its own.
        auto parts = model().splitParts(3);
        test::GgufWriter stranger;
        stranger.set("split.no", uint16_t(1));
        stranger.set("split.count", uint16_t(3));
        stranger.addRawTensor("blk.7.ffn_up.weight", {64, 128}, gguf::GgmlType::Q8_0,
                              std::vector<std::byte>(128 * 2 * 34));
        parts[1] = stranger;
        expectError(writeSet("mix2", parts)[0],
                    {"mix2-00001-of-00003.gguf", "split.tensors.count says", "another model"});
    }

    void renamedParts() {
        auto paths = writeSet("ren");
        // Parts 2 and 3 swapped: each says which part it is.
        const fs::path tmp = dir() / "swap.tmp";
        fs::rename(paths[1], tmp);
        fs::rename(paths[2], paths[1]);
        fs::rename(tmp, paths[2]);
        expectError(paths[0], {"ren-00002-of-00003.gguf", "part 3", "part 2"});
        // A first part that lost its name: its siblings cannot be found.
        const auto again = writeSet("lost");
        fs::rename(again[0], dir() / "lost.gguf");
        expectError(dir() / "lost.gguf",
                    {"lost.gguf", "-00001-of-00003.gguf", "cannot find the other parts"});
    }

    // The split keys as gguf-split types them (llama.cpp reads them typed): u16, u16, i32; the tensor count
    // is required in the first part.
    void splitKeyTypes() {
        auto parts = model().splitParts(3);
        parts[0].set("split.count", uint32_t(3));
        expectError(writeSet("type", parts)[0], {"type-00001-of-00003.gguf", "split.count", "u16"});
        parts = model().splitParts(3);
        parts[2].set("split.tensors.count", uint32_t(34));
        expectError(writeSet("type2", parts)[0], {"type2-00003-of-00003.gguf", "split.tensors.count", "i32"});
        parts = model().splitParts(3);
        parts[0].erase("split.tensors.count");
        expectError(writeSet("type3", parts)[0],
                    {"type3-00001-of-00003.gguf", "split.tensors.count is missing"});
    }
};

QTEST_GUILESS_MAIN(SplitTest)
#include "splittest.moc"
