#include "service/library/catalogue.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

#include <cmath>
#include <initializer_list>
#include <limits>
#include <mutex>

#include "service/library/sizeestimate.h"

// The resource lives in an object library that qt_add_resources links into every consumer of lantern_service;
// calling its initializer by name (rcc --name lantern_catalogue) keeps it registered even where a linker
// would otherwise drop an unreferenced object. Q_INIT_RESOURCE must be used outside any namespace.
static void initCatalogueResource() {
    Q_INIT_RESOURCE(lantern_catalogue);
}

namespace lantern::service {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("Catalogue", text);
}

// Reads the catalogue strictly and keeps the first problem, worded with the entry and the field it is in, so
// whoever edits catalogue.json is told exactly where to look.
class Parser {
public:
    QString error;

    void setEntry(const QString& label) { m_entry = label; }

    bool fail(const QString& field, const QString& problem) {
        if (error.isEmpty()) {
            error = m_entry.isEmpty()
                        ? tr("The catalogue's field \"%1\" %2.").arg(field, problem)
                        : tr("The catalogue's %1, field \"%2\": %3.").arg(m_entry, field, problem);
        }
        return false;
    }

    // Every key must be one this version of the format knows.
    bool knownKeys(const QJsonObject& object, const QString& prefix,
                   std::initializer_list<const char*> known) {
        for (auto it = object.begin(); it != object.end(); ++it) {
            bool found = false;
            for (const char* k : known) {
                found = found || it.key() == QLatin1String(k);
            }
            if (!found) {
                return fail(prefix + it.key(), tr("is not a field of the catalogue format"));
            }
        }
        return true;
    }

    bool string(const QJsonObject& o, const QString& prefix, const char* key, QString* out, bool required) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined()) {
            return !required || fail(prefix + QLatin1String(key), tr("is missing"));
        }
        if (!v.isString() || v.toString().trimmed().isEmpty()) {
            return fail(prefix + QLatin1String(key), tr("must be a non-empty string"));
        }
        *out = v.toString();
        return true;
    }

    bool strings(const QJsonObject& o, const QString& prefix, const char* key, QStringList* out,
                 bool required) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined()) {
            return !required || fail(prefix + QLatin1String(key), tr("is missing"));
        }
        const QJsonArray a = v.toArray();
        if (!v.isArray() || a.isEmpty()) {
            return fail(prefix + QLatin1String(key), tr("must be a non-empty list of strings"));
        }
        for (const QJsonValue& item : a) {
            if (!item.isString() || item.toString().trimmed().isEmpty()) {
                return fail(prefix + QLatin1String(key), tr("must be a non-empty list of strings"));
            }
            out->append(item.toString());
        }
        return true;
    }

    bool boolean(const QJsonObject& o, const QString& prefix, const char* key, bool* out) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined()) {
            return true;
        }
        if (!v.isBool()) {
            return fail(prefix + QLatin1String(key), tr("must be true or false"));
        }
        *out = v.toBool();
        return true;
    }

    // A whole number in [minimum, maximum]; JSON numbers are doubles, exact up to 2^53, far above any count
    // or file size here.
    bool integer(const QJsonObject& o, const QString& prefix, const char* key, double minimum, double maximum,
                 bool required, double* out) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined()) {
            return !required || fail(prefix + QLatin1String(key), tr("is missing"));
        }
        const double d = v.toDouble(-1);
        if (!v.isDouble() || d != std::floor(d) || d < minimum || d > maximum) {
            return fail(prefix + QLatin1String(key),
                        tr("must be a whole number from %1 to %2").arg(qint64(minimum)).arg(qint64(maximum)));
        }
        *out = d;
        return true;
    }

    bool count(const QJsonObject& o, const QString& prefix, const char* key, bool required, uint32_t* out) {
        double d = 0;
        if (!integer(o, prefix, key, required ? 1 : 0, std::numeric_limits<uint32_t>::max(), required, &d)) {
            return false;
        }
        *out = uint32_t(d);
        return true;
    }

    bool shape(const QJsonObject& o, ModelShape* out) {
        const QString p = QStringLiteral("shape.");
        QString arch;
        // architecture, layers, embd, heads and vocab are required (every architecture has them); a count
        // left out is 0, which ModelShape reads as the architecture's default.
        const bool ok =
            knownKeys(o, p,
                      {"architecture", "layers", "embd", "ff", "heads", "kvHeads", "headDim", "vocab",
                       "contextLength", "experts", "expertsUsed", "expertFf", "sharedExperts", "denseLayers",
                       "kvLoraRank", "ropeDim", "qLoraRank", "tiedEmbeddings"}) &&
            string(o, p, "architecture", &arch, true) && count(o, p, "layers", true, &out->layers) &&
            count(o, p, "embd", true, &out->embd) && count(o, p, "ff", false, &out->ff) &&
            count(o, p, "heads", true, &out->heads) && count(o, p, "kvHeads", false, &out->kvHeads) &&
            count(o, p, "headDim", false, &out->headDim) && count(o, p, "vocab", true, &out->vocab) &&
            count(o, p, "contextLength", false, &out->contextLength) &&
            count(o, p, "experts", false, &out->experts) &&
            count(o, p, "expertsUsed", false, &out->expertsUsed) &&
            count(o, p, "expertFf", false, &out->expertFf) &&
            count(o, p, "sharedExperts", false, &out->sharedExperts) &&
            count(o, p, "denseLayers", false, &out->denseLayers) &&
            count(o, p, "kvLoraRank", false, &out->kvLoraRank) &&
            count(o, p, "ropeDim", false, &out->ropeDim) &&
            count(o, p, "qLoraRank", false, &out->qLoraRank) &&
            boolean(o, p, "tiedEmbeddings", &out->tiedEmbeddings);
        out->architecture = arch.toStdString();
        if (ok && (out->experts > 0) != (out->expertsUsed > 0 && out->expertFf > 0)) {
            return fail(QStringLiteral("shape.experts"),
                        tr("needs expertsUsed and expertFf beside it (a mixture of experts has all three)"));
        }
        return ok;
    }

    bool quant(const QJsonObject& o, int index, CatalogueQuant* out) {
        const QString p = QStringLiteral("quants[%1].").arg(index);
        double bytes = -1;
        if (!knownKeys(o, p, {"quant", "files", "approxBytes"}) ||
            !string(o, p, "quant", &out->quant, true) || !strings(o, p, "files", &out->files, true) ||
            !integer(o, p, "approxBytes", 1, double(qint64(1) << 53), false, &bytes)) {
            return false;
        }
        for (const QString& f : std::as_const(out->files)) {
            if (!f.endsWith(QLatin1String(".gguf"))) {
                return fail(p + QStringLiteral("files"),
                            tr("names \"%1\", which is not a .gguf file").arg(f));
            }
            if (out->files.count(f) > 1) {
                return fail(p + QStringLiteral("files"), tr("names \"%1\" twice").arg(f));
            }
        }
        out->approxBytes = qint64(bytes);
        return true;
    }

    bool quants(const QJsonObject& o, CatalogueEntry* e) {
        const QJsonValue v = o.value(QLatin1String("quants"));
        if (!v.isArray()) {
            return fail(QStringLiteral("quants"), v.isUndefined() ? tr("is missing") : tr("must be a list"));
        }
        const QJsonArray a = v.toArray();
        if (a.isEmpty()) {
            return fail(QStringLiteral("quants"),
                        tr("is empty; an entry needs at least one file to download"));
        }
        QSet<QString> seen;
        for (int i = 0; i < a.size(); ++i) {
            if (!a[i].isObject()) {
                return fail(QStringLiteral("quants[%1]").arg(i), tr("must be an object"));
            }
            CatalogueQuant q;
            if (!quant(a[i].toObject(), i, &q)) {
                return false;
            }
            if (seen.contains(q.quant)) {
                return fail(QStringLiteral("quants[%1].quant").arg(i),
                            tr("lists %1 a second time").arg(q.quant));
            }
            seen.insert(q.quant);
            e->quants.push_back(std::move(q));
        }
        if (!e->recommendedQuant.isEmpty() && !seen.contains(e->recommendedQuant)) {
            return fail(QStringLiteral("recommendedQuant"),
                        tr("names %1, which is not in the entry's quants").arg(e->recommendedQuant));
        }
        return true;
    }

    bool texts(const QJsonObject& o, CatalogueEntry* e) {
        static const QRegularExpression repoPattern(
            QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9._-]+$"));
        const QString p;
        if (!string(o, p, "name", &e->name, true) || !string(o, p, "family", &e->family, true) ||
            !string(o, p, "kind", &e->kind, true) || !string(o, p, "repo", &e->repo, true) ||
            !string(o, p, "revision", &e->revision, false) ||
            !string(o, p, "baseRepo", &e->baseRepo, false) || !string(o, p, "licence", &e->licence, true) ||
            !string(o, p, "licenceUrl", &e->licenceUrl, false) ||
            !strings(o, p, "languages", &e->languages, false) ||
            !string(o, p, "summary", &e->summary, true) ||
            !string(o, p, "parameters", &e->parameters, false) || !boolean(o, p, "thinking", &e->thinking) ||
            !string(o, p, "recommendedQuant", &e->recommendedQuant, false) ||
            !strings(o, p, "sources", &e->sources, true) || !boolean(o, p, "supported", &e->supported) ||
            !string(o, p, "unsupportedReason", &e->unsupportedReason, false)) {
            return false;
        }
        static const QStringList kinds = {QStringLiteral("chat"), QStringLiteral("reasoning"),
                                          QStringLiteral("translation"), QStringLiteral("base")};
        if (!kinds.contains(e->kind)) {
            return fail(QStringLiteral("kind"),
                        tr("is \"%1\"; it must be chat, reasoning, translation or base").arg(e->kind));
        }
        if (!repoPattern.match(e->repo).hasMatch()) {
            return fail(QStringLiteral("repo"), tr("is \"%1\"; it must be owner/name").arg(e->repo));
        }
        if (!e->baseRepo.isEmpty() && !repoPattern.match(e->baseRepo).hasMatch()) {
            return fail(QStringLiteral("baseRepo"), tr("is \"%1\"; it must be owner/name").arg(e->baseRepo));
        }
        if (e->revision.isEmpty()) {
            e->revision = QStringLiteral("main");
        }
        if (!e->supported && e->unsupportedReason.isEmpty()) {
            return fail(QStringLiteral("unsupportedReason"),
                        tr("is missing; an unsupported entry must say why"));
        }
        if (e->supported && !e->unsupportedReason.isEmpty()) {
            return fail(QStringLiteral("unsupportedReason"),
                        tr("is only for an entry whose supported is false"));
        }
        return true;
    }

    bool entry(const QJsonObject& o, CatalogueEntry* e) {
        static const QRegularExpression idPattern(QStringLiteral("^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$"));
        if (!string(o, {}, "id", &e->id, true)) {
            return false;
        }
        if (!idPattern.match(e->id).hasMatch()) {
            return fail(QStringLiteral("id"),
                        tr("is \"%1\"; it must be lower-case letters, digits, '.' and '-', "
                           "starting and ending with a letter or digit")
                            .arg(e->id));
        }
        setEntry(tr("entry \"%1\"").arg(e->id));
        if (!knownKeys(o, {},
                       {"id", "name", "family", "kind", "repo", "revision", "baseRepo", "licence",
                        "licenceUrl", "languages", "summary", "parameters", "thinking", "recommendedQuant",
                        "sources", "supported", "unsupportedReason", "shape", "quants"}) ||
            !texts(o, e)) {
            return false;
        }
        const QJsonValue shapeValue = o.value(QLatin1String("shape"));
        if (!shapeValue.isUndefined()) {
            if (!shapeValue.isObject()) {
                return fail(QStringLiteral("shape"), tr("must be an object"));
            }
            if (!shape(shapeValue.toObject(), &e->shape)) {
                return false;
            }
            e->hasShape = true;
        }
        return quants(o, e);
    }

private:
    QString m_entry;  // "" at the top level, then "entry 3" until its id is read, then "entry \"qwen3-8b\""
};

}  // namespace

Catalogue Catalogue::parse(const QByteArray& json) {
    Catalogue catalogue;
    QJsonParseError jsonError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &jsonError);
    if (jsonError.error != QJsonParseError::NoError) {
        catalogue.error = tr("The catalogue is not valid JSON: %1 at character %2.")
                              .arg(jsonError.errorString())
                              .arg(jsonError.offset);
        return catalogue;
    }
    if (!doc.isObject()) {
        catalogue.error = tr("The catalogue must be a JSON object with \"version\" and \"entries\".");
        return catalogue;
    }
    const QJsonObject top = doc.object();
    Parser parser;
    double version = 0;
    if (!parser.knownKeys(top, {}, {"$schema", "version", "entries"}) ||
        !parser.integer(top, {}, "version", 1, 1000000, true, &version)) {
        catalogue.error = parser.error;
        return catalogue;
    }
    if (version != 1) {
        catalogue.error =
            tr("The catalogue is version %1; this Lantern reads version 1.").arg(qint64(version));
        return catalogue;
    }
    const QJsonValue entries = top.value(QLatin1String("entries"));
    if (!entries.isArray()) {
        catalogue.error = tr("The catalogue's \"entries\" must be a list.");
        return catalogue;
    }
    QSet<QString> ids;
    const QJsonArray list = entries.toArray();
    for (int i = 0; i < list.size(); ++i) {
        parser.setEntry(tr("entry %1").arg(i + 1));
        CatalogueEntry e;
        if (!list[i].isObject()) {
            parser.fail(QStringLiteral("entries[%1]").arg(i), tr("must be an object"));
        } else if (parser.entry(list[i].toObject(), &e) && ids.contains(e.id)) {
            parser.fail(QStringLiteral("id"), tr("is used by an earlier entry too"));
        }
        if (!parser.error.isEmpty()) {
            catalogue.error = parser.error;
            catalogue.entries.clear();
            return catalogue;
        }
        if (e.hasShape) {
            for (CatalogueQuant& q : e.quants) {
                if (q.approxBytes < 0) {
                    q.estimatedBytes = estimateFileBytes(e.shape, q.quant);
                }
            }
        }
        ids.insert(e.id);
        catalogue.entries.push_back(std::move(e));
    }
    return catalogue;
}

Catalogue Catalogue::builtIn() {
    static std::once_flag once;
    std::call_once(once, initCatalogueResource);
    QFile file(QStringLiteral(":/lantern/library/catalogue.json"));
    if (!file.open(QIODevice::ReadOnly)) {
        Catalogue catalogue;
        catalogue.error = tr("This build of Lantern lacks its model catalogue (%1).").arg(file.errorString());
        return catalogue;
    }
    return parse(file.readAll());
}

const CatalogueEntry* Catalogue::find(const QString& id) const {
    for (const CatalogueEntry& e : entries) {
        if (e.id == id) {
            return &e;
        }
    }
    return nullptr;
}

std::vector<CatalogueFit> planCatalogue(const Catalogue& catalogue, const LoadOptions& options,
                                        const QHash<QString, qint64>& exactBytes) {
    std::vector<CatalogueFit> fits;
    std::vector<ModelShape> shapes;
    std::vector<size_t> planned;  // for each shape, its fit's index
    for (const CatalogueEntry& e : catalogue.entries) {
        for (const CatalogueQuant& q : e.quants) {
            CatalogueFit fit;
            fit.id = e.id;
            fit.quant = q.quant;
            const QString key = e.id + QLatin1Char('/') + q.quant;
            fit.estimated = !exactBytes.contains(key) && q.approxBytes < 0 && q.estimatedBytes > 0;
            const qint64 bytes = exactBytes.value(key, fit.estimated ? q.estimatedBytes : q.approxBytes);
            if (!e.supported) {
                fit.state = QStringLiteral("unsupported");
                fit.text = e.unsupportedReason;
            } else if (!e.hasShape) {
                fit.state = QStringLiteral("unknown");
                fit.text =
                    tr("No source gives %1's shape, so Lantern cannot tell before downloading whether it "
                       "fits this computer.")
                        .arg(e.name);
            } else if (bytes <= 0) {
                fit.state = QStringLiteral("unknown");
                fit.text =
                    tr("The size of %1 %2 is not known yet, so Lantern cannot tell whether it fits this "
                       "computer.")
                        .arg(e.name, q.quant);
            } else {
                ModelShape shape = e.shape;
                shape.fileBytes = uint64_t(bytes);
                shapes.push_back(std::move(shape));
                planned.push_back(fits.size());
            }
            fits.push_back(std::move(fit));
        }
    }
    if (shapes.empty()) {
        return fits;
    }
    // One call for all of them: the device is queried once, however long the catalogue is.
    const std::vector<Result<MemoryPlanInfo>> plans = Engine::planShapes(shapes, options);
    for (size_t i = 0; i < planned.size(); ++i) {
        CatalogueFit& fit = fits[planned[i]];
        if (i >= plans.size()) {
            fit.state = QStringLiteral("unknown");
            fit.text = tr("Lantern could not plan this model.");
        } else if (!plans[i]) {
            // A shape the engine cannot lay out: its reason, not a guess at the size.
            fit.state = QStringLiteral("unknown");
            fit.text = QString::fromStdString(plans[i].error().detail);
        } else {
            const MemoryPlanInfo& plan = *plans[i];
            fit.state = !plan.fits       ? QStringLiteral("too-big")
                        : plan.offloaded ? QStringLiteral("offloaded")
                                         : QStringLiteral("fits");
            fit.text = QString::fromStdString(plan.text);
            if (fit.estimated) {
                fit.text = tr("Size estimated from the model's shape: %1").arg(fit.text);
            }
            fit.deviceName = QString::fromStdString(plan.deviceName);
            fit.deviceBytes = qint64(plan.deviceBytes);
        }
    }
    return fits;
}

}  // namespace lantern::service
