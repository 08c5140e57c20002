// service/library/catalogue.cpp: the strict parser (every field read, each kind of mistake named with its
// entry and field, nothing kept on an error), the catalogue compiled into the binary, and the fit badges from
// the engine's plan for shapes (Engine::planShapes) on the CPU backend, where the budget is this machine's
// memory.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <functional>

#include "service/library/catalogue.h"
#include "service/library/sizeestimate.h"

using namespace lantern;
using namespace lantern::service;

namespace {

QJsonObject tinyShape() {
    return QJsonObject{{"architecture", "llama"},
                       {"layers", 2},
                       {"embd", 256},
                       {"ff", 512},
                       {"heads", 4},
                       {"kvHeads", 2},
                       {"headDim", 64},
                       {"vocab", 512},
                       {"contextLength", 2048}};
}

// A valid entry with every field; each rejection case breaks one thing in it.
QJsonObject fullEntry(const QString& id = QStringLiteral("tiny-1b")) {
    return QJsonObject{
        {"id", id},
        {"name", "Tiny 1B"},
        {"family", "Llama 3"},
        {"kind", "chat"},
        {"repo", "example/Tiny-1B-GGUF"},
        {"revision", "main"},
        {"baseRepo", "example/Tiny-1B"},
        {"licence", "apache-2.0"},
        {"licenceUrl", "https://example.org/licence"},
        {"languages", QJsonArray{"en", "de"}},
        {"summary", "A tiny model for tests."},
        {"parameters", "1.2B"},
        {"thinking", true},
        {"recommendedQuant", "Q4_K_M"},
        {"sources", QJsonArray{"https://example.org/card", "https://example.org/config.json"}},
        {"supported", true},
        {"shape", tinyShape()},
        {"quants", QJsonArray{QJsonObject{{"quant", "Q4_K_M"},
                                          {"files", QJsonArray{"tiny-Q4_K_M.gguf"}},
                                          {"approxBytes", 800000000.0}},
                              QJsonObject{{"quant", "Q8_0"},
                                          {"files", QJsonArray{"Q8_0/tiny-Q8_0-00001-of-00002.gguf",
                                                               "Q8_0/tiny-Q8_0-00002-of-00002.gguf"}}}}},
    };
}

QByteArray document(const QJsonArray& entries) {
    return QJsonDocument(QJsonObject{{"version", 1}, {"entries", entries}}).toJson();
}

// Changes one value at a JSON path of the entry ("shape.layers", "quants.0.files"); an undefined value
// removes it.
void setPath(QJsonObject& object, QStringList path, const QJsonValue& value);

void setPath(QJsonArray& array, QStringList path, const QJsonValue& value) {
    const int i = path.takeFirst().toInt();
    if (path.isEmpty()) {
        array[i] = value;
        return;
    }
    QJsonObject inner = array[i].toObject();
    setPath(inner, path, value);
    array[i] = inner;
}

void setPath(QJsonObject& object, QStringList path, const QJsonValue& value) {
    const QString key = path.takeFirst();
    if (path.isEmpty()) {
        if (value.isUndefined()) {
            object.remove(key);
        } else {
            object[key] = value;
        }
        return;
    }
    if (object[key].isArray()) {
        QJsonArray inner = object[key].toArray();
        setPath(inner, path, value);
        object[key] = inner;
    } else {
        QJsonObject inner = object[key].toObject();
        setPath(inner, path, value);
        object[key] = inner;
    }
}

QByteArray withEntryChange(const QString& path, const QJsonValue& value) {
    QJsonObject e = fullEntry();
    setPath(e, path.split(QLatin1Char('.')), value);
    return document(QJsonArray{e});
}

const CatalogueFit* fitFor(const std::vector<CatalogueFit>& fits, const QString& id, const QString& quant) {
    for (const CatalogueFit& f : fits) {
        if (f.id == id && f.quant == quant) {
            return &f;
        }
    }
    return nullptr;
}

}  // namespace

class CatalogueTest : public QObject {
    Q_OBJECT

private slots:
    void parsesEveryField();
    void defaultsForOptionalFields();
    void rejects_data();
    void rejects();
    void dropsEverythingOnAnError();
    void builtInParses();
    void planFitsAndTooBig();
    void planOffloadsExpertsOverTheBudget();
    void planUnknownWithoutShapeOrSize();
    void planUnsupported();
    void planUsesExactBytes();
    void estimatesMatchStatedSizes();
};

// Every built-in size a source states, against the estimate from the same entry's shape: the bits-per-weight
// table (exact for Q8_0, an average for llama.cpp's Q4_K_M mix) holds within 5 % of real files (Q8_0 and Q6_K within 0.2 %).
void CatalogueTest::estimatesMatchStatedSizes() {
    const Catalogue c = Catalogue::builtIn();
    QCOMPARE(c.error, QString());
    int checked = 0;
    for (const CatalogueEntry& e : c.entries) {
        for (const CatalogueQuant& q : e.quants) {
            if (!e.hasShape || q.approxBytes <= 0 || bitsPerWeight(q.quant) <= 0) {
                continue;
            }
            const qint64 estimate = estimateFileBytes(e.shape, q.quant);
            const double ratio = double(estimate) / double(q.approxBytes);
            qInfo("%s %s: stated %lld, estimated %lld (%.3f)", qPrintable(e.id), qPrintable(q.quant),
                  q.approxBytes, estimate, ratio);
            QVERIFY2(ratio > 0.95 && ratio < 1.05, qPrintable(e.id + QLatin1Char(' ') + q.quant));
            ++checked;
        }
    }
    QVERIFY2(checked >= 10, qPrintable(QString::number(checked)));
}

void CatalogueTest::parsesEveryField() {
    const Catalogue c = Catalogue::parse(document(QJsonArray{fullEntry(), fullEntry("other")}));
    QCOMPARE(c.error, QString());
    QCOMPARE(c.entries.size(), size_t(2));
    const CatalogueEntry* e = c.find(QStringLiteral("tiny-1b"));
    QVERIFY(e);
    QCOMPARE(e->name, QStringLiteral("Tiny 1B"));
    QCOMPARE(e->family, QStringLiteral("Llama 3"));
    QCOMPARE(e->kind, QStringLiteral("chat"));
    QCOMPARE(e->repo, QStringLiteral("example/Tiny-1B-GGUF"));
    QCOMPARE(e->revision, QStringLiteral("main"));
    QCOMPARE(e->baseRepo, QStringLiteral("example/Tiny-1B"));
    QCOMPARE(e->licence, QStringLiteral("apache-2.0"));
    QCOMPARE(e->licenceUrl, QStringLiteral("https://example.org/licence"));
    QCOMPARE(e->languages, (QStringList{"en", "de"}));
    QCOMPARE(e->summary, QStringLiteral("A tiny model for tests."));
    QCOMPARE(e->parameters, QStringLiteral("1.2B"));
    QVERIFY(e->thinking);
    QCOMPARE(e->recommendedQuant, QStringLiteral("Q4_K_M"));
    QCOMPARE(e->sources.size(), 2);
    QVERIFY(e->supported);
    QVERIFY(e->hasShape);
    QCOMPARE(e->shape.architecture, std::string("llama"));
    QCOMPARE(e->shape.layers, 2u);
    QCOMPARE(e->shape.embd, 256u);
    QCOMPARE(e->shape.ff, 512u);
    QCOMPARE(e->shape.heads, 4u);
    QCOMPARE(e->shape.kvHeads, 2u);
    QCOMPARE(e->shape.headDim, 64u);
    QCOMPARE(e->shape.vocab, 512u);
    QCOMPARE(e->shape.contextLength, 2048u);
    QCOMPARE(e->shape.fileBytes, uint64_t(0));
    QCOMPARE(e->quants.size(), size_t(2));
    QCOMPARE(e->quants[0].quant, QStringLiteral("Q4_K_M"));
    QCOMPARE(e->quants[0].files, QStringList{"tiny-Q4_K_M.gguf"});
    QCOMPARE(e->quants[0].approxBytes, qint64(800000000));
    QCOMPARE(e->quants[1].files.size(), 2);
    QCOMPARE(e->quants[1].approxBytes, qint64(-1));
    QVERIFY(c.find(QStringLiteral("other")));
    QVERIFY(!c.find(QStringLiteral("missing")));
}

void CatalogueTest::defaultsForOptionalFields() {
    QJsonObject e = fullEntry();
    for (const char* key : {"revision", "baseRepo", "licenceUrl", "languages", "parameters", "thinking",
                            "recommendedQuant", "supported", "shape"}) {
        e.remove(QLatin1String(key));
    }
    QJsonObject moe = tinyShape();
    moe["architecture"] = "qwen3moe";
    moe["experts"] = 8;
    moe["expertsUsed"] = 2;
    moe["expertFf"] = 128;
    moe.remove("ff");
    moe["sharedExperts"] = 2;
    moe["denseLayers"] = 1;
    moe["kvLoraRank"] = 512;
    moe["ropeDim"] = 64;
    moe["qLoraRank"] = 1536;
    moe["tiedEmbeddings"] = true;
    QJsonObject withMoe = fullEntry("moe");
    withMoe["shape"] = moe;
    const Catalogue c = Catalogue::parse(document(QJsonArray{e, withMoe}));
    QCOMPARE(c.error, QString());
    QCOMPARE(c.entries.size(), size_t(2));
    const CatalogueEntry& plain = c.entries[0];
    QCOMPARE(plain.revision, QStringLiteral("main"));
    QVERIFY(!plain.thinking);
    QVERIFY(plain.supported);
    QVERIFY(!plain.hasShape);
    QVERIFY(plain.languages.isEmpty());
    QCOMPARE(c.entries[1].shape.experts, 8u);
    QCOMPARE(c.entries[1].shape.expertsUsed, 2u);
    QCOMPARE(c.entries[1].shape.expertFf, 128u);
    QCOMPARE(c.entries[1].shape.ff, 0u);
    QCOMPARE(c.entries[1].shape.sharedExperts, 2u);
    QCOMPARE(c.entries[1].shape.denseLayers, 1u);
    QCOMPARE(c.entries[1].shape.kvLoraRank, 512u);
    QCOMPARE(c.entries[1].shape.ropeDim, 64u);
    QCOMPARE(c.entries[1].shape.qLoraRank, 1536u);
    QVERIFY(c.entries[1].shape.tiedEmbeddings);
    QVERIFY(!Catalogue::parse(document(QJsonArray{fullEntry()})).entries[0].shape.tiedEmbeddings);
}

void CatalogueTest::rejects_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QStringList>("mentions");     // what the sentence must name
    const QJsonValue gone(QJsonValue::Undefined);  // removes the field
    QTest::newRow("not json") << QByteArray("{\"version\": 1,") << QStringList{"not valid JSON"};
    QTest::newRow("array at top") << QByteArray("[]") << QStringList{"JSON object"};
    QTest::newRow("version 2") << QByteArray(R"({"version": 2, "entries": []})") << QStringList{"version 2"};
    QTest::newRow("no version") << QByteArray(R"({"entries": []})") << QStringList{"\"version\"", "missing"};
    QTest::newRow("no entries") << QByteArray(R"({"version": 1})") << QStringList{"\"entries\""};
    QTest::newRow("unknown top key") << QByteArray(R"({"version": 1, "entries": [], "extra": 1})")
                                     << QStringList{"\"extra\""};
    QTest::newRow("entry not object")
        << QByteArray(R"({"version": 1, "entries": [3]})") << QStringList{"entry 1", "entries[0]"};
    QTest::newRow("no id") << withEntryChange("id", gone) << QStringList{"entry 1", "\"id\"", "missing"};
    QTest::newRow("upper-case id") << withEntryChange("id", "Tiny") << QStringList{"\"id\"", "Tiny"};
    QTest::newRow("duplicate id") << document(QJsonArray{fullEntry(), fullEntry()})
                                  << QStringList{"entry \"tiny-1b\"", "\"id\"", "earlier"};
    QTest::newRow("no name") << withEntryChange("name", gone) << QStringList{"entry \"tiny-1b\"", "\"name\""};
    QTest::newRow("empty summary") << withEntryChange("summary", " ") << QStringList{"\"summary\""};
    QTest::newRow("kind") << withEntryChange("kind", "poetry") << QStringList{"\"kind\"", "poetry"};
    QTest::newRow("repo") << withEntryChange("repo", "noslash") << QStringList{"\"repo\"", "owner/name"};
    QTest::newRow("baseRepo") << withEntryChange("baseRepo", "a/b/c") << QStringList{"\"baseRepo\""};
    QTest::newRow("thinking string") << withEntryChange("thinking", "yes")
                                     << QStringList{"\"thinking\"", "true or false"};
    QTest::newRow("languages string") << withEntryChange("languages", "en") << QStringList{"\"languages\""};
    QTest::newRow("no sources") << withEntryChange("sources", QJsonArray{}) << QStringList{"\"sources\""};
    QTest::newRow("misspelt key") << withEntryChange("licence_url", "https://x.org")
                                  << QStringList{"entry \"tiny-1b\"", "\"licence_url\""};
    QTest::newRow("no reason") << withEntryChange("supported", false) << QStringList{"\"unsupportedReason\""};
    QTest::newRow("reason on supported") << withEntryChange("unsupportedReason", "The engine lacks it.")
                                         << QStringList{"\"unsupportedReason\""};
    QTest::newRow("shape not object") << withEntryChange("shape", 3) << QStringList{"\"shape\""};
    QTest::newRow("shape no layers") << withEntryChange("shape.layers", gone)
                                     << QStringList{"\"shape.layers\"", "missing"};
    QTest::newRow("shape negative") << withEntryChange("shape.embd", -1) << QStringList{"\"shape.embd\""};
    QTest::newRow("shape fraction") << withEntryChange("shape.heads", 1.5) << QStringList{"\"shape.heads\""};
    QTest::newRow("shape too large") << withEntryChange("shape.vocab", 5e9) << QStringList{"\"shape.vocab\""};
    QTest::newRow("shape unknown key")
        << withEntryChange("shape.hidden", 3) << QStringList{"\"shape.hidden\""};
    QTest::newRow("shape no arch") << withEntryChange("shape.architecture", gone)
                                   << QStringList{"\"shape.architecture\""};
    QTest::newRow("tied string") << withEntryChange("shape.tiedEmbeddings", "yes")
                                 << QStringList{"\"shape.tiedEmbeddings\""};
    QTest::newRow("experts alone") << withEntryChange("shape.experts", 8) << QStringList{"\"shape.experts\""};
    QTest::newRow("no quants") << withEntryChange("quants", gone) << QStringList{"\"quants\"", "missing"};
    QTest::newRow("empty quants") << withEntryChange("quants", QJsonArray{}) << QStringList{"\"quants\""};
    QTest::newRow("quant not object") << withEntryChange("quants.1", "Q8_0") << QStringList{"\"quants[1]\""};
    QTest::newRow("quant no files") << withEntryChange("quants.0.files", QJsonArray{})
                                    << QStringList{"\"quants[0].files\""};
    QTest::newRow("quant not gguf") << withEntryChange("quants.1.files.0", "tiny.bin")
                                    << QStringList{"\"quants[1].files\"", "tiny.bin"};
    QTest::newRow("quant file twice")
        << withEntryChange("quants.1.files.1", "Q8_0/tiny-Q8_0-00001-of-00002.gguf")
        << QStringList{"\"quants[1].files\"", "twice"};
    QTest::newRow("approxBytes zero")
        << withEntryChange("quants.0.approxBytes", 0) << QStringList{"\"quants[0].approxBytes\""};
    QTest::newRow("approxBytes string")
        << withEntryChange("quants.0.approxBytes", "800 MB") << QStringList{"\"quants[0].approxBytes\""};
    QTest::newRow("quant twice") << withEntryChange("quants.1.quant", "Q4_K_M")
                                 << QStringList{"\"quants[1].quant\"", "Q4_K_M"};
    QTest::newRow("quant unknown key")
        << withEntryChange("quants.0.sha256", "ab") << QStringList{"\"quants[0].sha256\""};
    QTest::newRow("recommended not listed")
        << withEntryChange("recommendedQuant", "Q2_K") << QStringList{"\"recommendedQuant\"", "Q2_K"};
}

void CatalogueTest::rejects() {
    QFETCH(QByteArray, json);
    QFETCH(QStringList, mentions);
    const Catalogue c = Catalogue::parse(json);
    QVERIFY2(!c.error.isEmpty(), json.constData());
    QVERIFY(c.entries.empty());
    for (const QString& m : mentions) {
        QVERIFY2(c.error.contains(m), qPrintable(c.error + QStringLiteral(" lacks ") + m));
    }
    QVERIFY2(c.error.endsWith(QLatin1Char('.')), qPrintable(c.error));  // a sentence
}

void CatalogueTest::dropsEverythingOnAnError() {
    QJsonObject broken = fullEntry("second");
    broken["kind"] = "poetry";
    const Catalogue c = Catalogue::parse(document(QJsonArray{fullEntry(), broken}));
    QVERIFY(c.error.contains(QStringLiteral("entry \"second\"")));
    QVERIFY(c.entries.empty());
    QVERIFY(!c.find(QStringLiteral("tiny-1b")));
}

void CatalogueTest::builtInParses() {
    const Catalogue c = Catalogue::builtIn();
    QCOMPARE(c.error, QString());
    for (const CatalogueEntry& e : c.entries) {
        QVERIFY2(!e.quants.empty(), qPrintable(e.id));
        QVERIFY2(e.recommendedQuant.isEmpty() ||
                     std::any_of(e.quants.begin(), e.quants.end(),
                                 [&](const CatalogueQuant& q) { return q.quant == e.recommendedQuant; }),
                 qPrintable(e.id));
    }
    // The plan of the shipped catalogue gives every entry × quantization a known state with a line of text.
    LoadOptions cpu;
    cpu.device = "cpu";
    const std::vector<CatalogueFit> fits = planCatalogue(c, cpu);
    size_t expected = 0;
    for (const CatalogueEntry& e : c.entries) {
        expected += e.quants.size();
    }
    QCOMPARE(fits.size(), expected);
    const QStringList states = {"fits", "offloaded", "too-big", "unknown", "unsupported"};
    for (const CatalogueFit& f : fits) {
        QVERIFY2(states.contains(f.state), qPrintable(f.id + QLatin1Char(' ') + f.state));
        QVERIFY2(!f.text.isEmpty(), qPrintable(f.id + QLatin1Char('/') + f.quant));
    }
}

void CatalogueTest::planFitsAndTooBig() {
    QJsonObject huge = fullEntry("huge");
    // Far more weights than any test machine has memory: 400 layers of a 16k-wide model, 4 TB of file.
    QJsonObject hugeShape = tinyShape();
    hugeShape["layers"] = 400;
    hugeShape["embd"] = 16384;
    hugeShape["ff"] = 53248;
    hugeShape["heads"] = 128;
    hugeShape["kvHeads"] = 8;
    hugeShape["headDim"] = 128;
    hugeShape["vocab"] = 128256;
    huge["shape"] = hugeShape;
    QJsonArray quants = huge["quants"].toArray();
    QJsonObject q0 = quants[0].toObject();
    q0["approxBytes"] = 4.0e12;
    quants[0] = q0;
    huge["quants"] = quants;
    QJsonObject tiny = fullEntry("tiny");
    QJsonArray tinyQuants = tiny["quants"].toArray();
    QJsonObject t0 = tinyQuants[0].toObject();
    t0["approxBytes"] = 3.0e6;  // 2 layers at 256 wide in 4-bit: a few megabytes
    tinyQuants[0] = t0;
    tiny["quants"] = tinyQuants;
    const Catalogue c = Catalogue::parse(document(QJsonArray{tiny, huge}));
    QCOMPARE(c.error, QString());

    LoadOptions cpu;
    cpu.device = "cpu";
    const std::vector<CatalogueFit> fits = planCatalogue(c, cpu);
    QCOMPARE(fits.size(), size_t(4));
    const CatalogueFit* small = fitFor(fits, "tiny", "Q4_K_M");
    const CatalogueFit* big = fitFor(fits, "huge", "Q4_K_M");
    QVERIFY(small && big);
    QVERIFY2(small->state == QLatin1String("fits"),
             qPrintable(small->state + QStringLiteral(": ") + small->text));
    QVERIFY(!small->text.isEmpty());
    QVERIFY(!small->deviceName.isEmpty());
    QVERIFY2(big->state == QLatin1String("too-big"),
             qPrintable(big->state + QStringLiteral(": ") + big->text));
    QVERIFY(!big->text.isEmpty());
    QVERIFY(small->text != big->text);
}

void CatalogueTest::planOffloadsExpertsOverTheBudget() {
    // Qwen3 30B-A3B's shape (its config.json): 17 GB of weights, nearly all experts. On a Vulkan device
    // (lavapipe counts when asked for by "vulkan") with a 4 GB budget, the experts stay in system memory; a
    // dense model of the same size is refused.
    QJsonObject moe = fullEntry("moe");
    moe["shape"] = QJsonObject{{"architecture", "qwen3moe"},
                               {"layers", 48},
                               {"embd", 2048},
                               {"heads", 32},
                               {"kvHeads", 4},
                               {"headDim", 128},
                               {"vocab", 151936},
                               {"contextLength", 40960},
                               {"experts", 128},
                               {"expertsUsed", 8},
                               {"expertFf", 768}};
    QJsonObject dense = fullEntry("dense");
    QJsonObject denseShape = tinyShape();
    denseShape["layers"] = 48;
    denseShape["embd"] = 5120;
    denseShape["ff"] = 25600;
    denseShape["heads"] = 40;
    denseShape["kvHeads"] = 8;
    denseShape["headDim"] = 128;
    denseShape["vocab"] = 151936;
    dense["shape"] = denseShape;
    const QHash<QString, qint64> bytes = {{"moe/Q4_K_M", 18556685824}, {"dense/Q4_K_M", 18556685824}};
    LoadOptions gpu;
    gpu.device = "vulkan";
    gpu.vramBudgetBytes = uint64_t(4) << 30;
    const std::vector<CatalogueFit> fits =
        planCatalogue(Catalogue::parse(document(QJsonArray{moe, dense})), gpu, bytes);
    const CatalogueFit* m = fitFor(fits, "moe", "Q4_K_M");
    const CatalogueFit* d = fitFor(fits, "dense", "Q4_K_M");
    QVERIFY(m && d);
    if (m->state == QLatin1String("unknown") && m->deviceName.isEmpty()) {
        QSKIP(qPrintable(QStringLiteral("no Vulkan device: ") + m->text));
    }
    QVERIFY2(m->state == QLatin1String("offloaded"), qPrintable(m->state + QStringLiteral(": ") + m->text));
    QVERIFY(m->deviceBytes > 0 && m->deviceBytes <= qint64(gpu.vramBudgetBytes));
    QVERIFY(!m->deviceName.isEmpty());
    QVERIFY2(d->state == QLatin1String("too-big"), qPrintable(d->state + QStringLiteral(": ") + d->text));
}

void CatalogueTest::planUnknownWithoutShapeOrSize() {
    QJsonObject noShape = fullEntry("noshape");
    noShape.remove("shape");
    const Catalogue c = Catalogue::parse(document(QJsonArray{fullEntry(), noShape}));
    QCOMPARE(c.error, QString());
    LoadOptions cpu;
    cpu.device = "cpu";
    const std::vector<CatalogueFit> fits = planCatalogue(c, cpu);
    QCOMPARE(fits.size(), size_t(4));
    // Q8_0 states no size: planned with the estimate from the shape (8.5 bits a weight), and said so.
    const CatalogueEntry* tiny = c.find(QStringLiteral("tiny-1b"));
    QVERIFY(tiny);
    QCOMPARE(tiny->quants[1].approxBytes, qint64(-1));
    QCOMPARE(tiny->quants[1].estimatedBytes, estimateFileBytes(tiny->shape, QStringLiteral("Q8_0")));
    QVERIFY(tiny->quants[1].estimatedBytes > 0);
    QCOMPARE(tiny->quants[0].estimatedBytes, qint64(-1));  // a stated size is not estimated
    const CatalogueFit* estimated = fitFor(fits, "tiny-1b", "Q8_0");
    QVERIFY(estimated);
    QVERIFY(estimated->estimated);
    QCOMPARE(estimated->state, QStringLiteral("fits"));
    QVERIFY2(estimated->text.startsWith(QStringLiteral("Size estimated")), qPrintable(estimated->text));
    QVERIFY(!fitFor(fits, "tiny-1b", "Q4_K_M")->estimated);
    // A quantization with no bits-per-weight figure and no stated size: unknown, not a guess.
    QJsonObject oddQuant = fullEntry("odd");
    setPath(oddQuant, {"quants", "1", "quant"}, "IQ2_XXS");
    const std::vector<CatalogueFit> oddFits = planCatalogue(Catalogue::parse(document(QJsonArray{oddQuant})), cpu);
    const CatalogueFit* noSize = fitFor(oddFits, "odd", "IQ2_XXS");
    QVERIFY(noSize);
    QCOMPARE(noSize->state, QStringLiteral("unknown"));
    QVERIFY(noSize->text.contains(QStringLiteral("size")));
    for (const QString& quant : {QStringLiteral("Q4_K_M"), QStringLiteral("Q8_0")}) {
        const CatalogueFit* f = fitFor(fits, "noshape", quant);
        QVERIFY(f);
        QCOMPARE(f->state, QStringLiteral("unknown"));
        QVERIFY(f->text.contains(QStringLiteral("shape")));
    }
    // An architecture the engine cannot lay out is unknown too, with the engine's reason.
    QJsonObject alien = fullEntry("alien");
    QJsonObject shape = tinyShape();
    shape["architecture"] = "notanarchitecture";
    alien["shape"] = shape;
    const std::vector<CatalogueFit> alienFits =
        planCatalogue(Catalogue::parse(document(QJsonArray{alien})), cpu);
    const CatalogueFit* a = fitFor(alienFits, "alien", "Q4_K_M");
    QVERIFY(a);
    QCOMPARE(a->state, QStringLiteral("unknown"));
    QVERIFY(!a->text.isEmpty());
}

void CatalogueTest::planUnsupported() {
    QJsonObject e = fullEntry();
    e["supported"] = false;
    e["unsupportedReason"] = "Lantern cannot run this architecture yet.";
    const Catalogue c = Catalogue::parse(document(QJsonArray{e}));
    QCOMPARE(c.error, QString());
    QVERIFY(!c.entries[0].supported);
    LoadOptions cpu;
    cpu.device = "cpu";
    const std::vector<CatalogueFit> fits = planCatalogue(c, cpu);
    QCOMPARE(fits.size(), size_t(2));
    for (const CatalogueFit& f : fits) {
        QCOMPARE(f.state, QStringLiteral("unsupported"));
        QCOMPARE(f.text, QStringLiteral("Lantern cannot run this architecture yet."));
    }
}

void CatalogueTest::planUsesExactBytes() {
    const Catalogue c = Catalogue::parse(document(QJsonArray{fullEntry()}));
    LoadOptions cpu;
    cpu.device = "cpu";
    // Q8_0 has no approxBytes: the hub's exact size makes it plannable; a huge exact size overrides the
    // catalogue's small approximate one.
    const QHash<QString, qint64> exact = {{"tiny-1b/Q8_0", 5000000}, {"tiny-1b/Q4_K_M", qint64(4e12)}};
    const std::vector<CatalogueFit> fits = planCatalogue(c, cpu, exact);
    const CatalogueFit* q8 = fitFor(fits, "tiny-1b", "Q8_0");
    const CatalogueFit* q4 = fitFor(fits, "tiny-1b", "Q4_K_M");
    QVERIFY(q8 && q4);
    QVERIFY2(q8->state == QLatin1String("fits"), qPrintable(q8->state + QStringLiteral(": ") + q8->text));
    QVERIFY2(q4->state == QLatin1String("too-big"), qPrintable(q4->state + QStringLiteral(": ") + q4->text));
}

QTEST_GUILESS_MAIN(CatalogueTest)
#include "cataloguetest.moc"
