#pragma once
// What the library's UI tests and screenshots share: a small GGUF model (synthetic weights, tests/support), a
// catalogue of test entries (one with a shape the engine plans, one without, one not supported) served by the
// fake hub, and the hub settings kept in the test's own files.
#include <QByteArray>
#include <QFile>
#include <QString>
#include <QTemporaryDir>

#include "service/library/catalogue.h"
#include "tests/support/ggufwriter.h"
#include "tests/ui/library/loopbackhub.h"

namespace lantern::test {

inline QByteArray tinyGguf(uint64_t seed = 1) {
    SyntheticModel spec;
    spec.nEmbd = 64;
    spec.nFf = 128;
    spec.nVocab = 300;
    spec.seed = seed;
    GgufWriter w = syntheticModel(spec);
    w.set("general.name", std::string("Tiny test model"));
    const std::vector<std::byte> bytes = w.bytes();
    return QByteArray(reinterpret_cast<const char*>(bytes.data()), qsizetype(bytes.size()));
}

inline service::CatalogueEntry testEntry(const QString& id, const QString& name, const QString& kind) {
    service::CatalogueEntry e;
    e.id = id;
    e.name = name;
    e.family = QStringLiteral("Test");
    e.kind = kind;
    e.repo = QStringLiteral("test/") + name.simplified().replace(QLatin1Char(' '), QLatin1Char('-')) +
             QStringLiteral("-GGUF");
    e.revision = QStringLiteral("main");
    e.licence = QStringLiteral("apache-2.0");
    e.languages = {QStringLiteral("en"), QStringLiteral("de")};
    e.summary = QStringLiteral("A tiny model with random weights, for tests: it answers nonsense, quickly.");
    e.parameters = QStringLiteral("0.4M");
    return e;
}

// tiny-chat (planned: its shape and size are known), no-shape (unknown), unsupported (with a reason). The hub
// serves tiny-chat's file.
inline service::Catalogue testCatalogue(LoopbackHub& hub, const QByteArray& gguf) {
    service::Catalogue c;
    service::CatalogueEntry tiny =
        testEntry(QStringLiteral("tiny-chat"), QStringLiteral("Tiny Chat"), QStringLiteral("chat"));
    tiny.recommendedQuant = QStringLiteral("F32");
    tiny.hasShape = true;
    tiny.shape.architecture = "llama";
    tiny.shape.layers = 2;
    tiny.shape.embd = 64;
    tiny.shape.ff = 128;
    tiny.shape.heads = 4;
    tiny.shape.kvHeads = 2;
    tiny.shape.vocab = 300;
    tiny.shape.contextLength = 256;
    tiny.quants.push_back({QStringLiteral("F32"), {QStringLiteral("tiny-chat-F32.gguf")}, gguf.size()});
    hub.addFile(tiny.repo, QStringLiteral("tiny-chat-F32.gguf"), gguf);
    c.entries.push_back(tiny);

    service::CatalogueEntry noShape =
        testEntry(QStringLiteral("no-shape"), QStringLiteral("Shapeless Seven"), QStringLiteral("reasoning"));
    noShape.thinking = true;
    noShape.recommendedQuant = QStringLiteral("Q4_K_M");
    noShape.quants.push_back(
        {QStringLiteral("Q4_K_M"), {QStringLiteral("shapeless-Q4_K_M.gguf")}, 4'700'000'000});
    noShape.quants.push_back(
        {QStringLiteral("Q8_0"), {QStringLiteral("shapeless-Q8_0.gguf")}, 8'100'000'000});
    c.entries.push_back(noShape);

    service::CatalogueEntry unsupported = testEntry(
        QStringLiteral("unsupported"), QStringLiteral("Future Arch"), QStringLiteral("translation"));
    unsupported.supported = false;
    unsupported.unsupportedReason = QStringLiteral("Lantern cannot run the futurearch architecture yet.");
    unsupported.recommendedQuant = QStringLiteral("Q4_K_M");
    unsupported.quants.push_back(
        {QStringLiteral("Q4_K_M"), {QStringLiteral("future-Q4_K_M.gguf")}, 2'000'000'000});
    c.entries.push_back(unsupported);
    return c;
}

inline bool writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

}  // namespace lantern::test
