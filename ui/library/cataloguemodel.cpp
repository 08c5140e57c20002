#include "ui/library/cataloguemodel.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QRegularExpression>

#include "ui/library/libraryformat.h"

namespace lantern::ui {

namespace {

// CatalogueEntry gains `supported` and `unsupportedReason` (the engine cannot run the architecture); until a
// build has them every entry counts as supported.
template <class Entry>
bool supportedOf(const Entry& e) {
    if constexpr (requires { e.supported; })
        return e.supported;
    else
        return true;
}
template <class Entry>
QString unsupportedReasonOf(const Entry& e) {
    if constexpr (requires { e.unsupportedReason; })
        return e.unsupportedReason;
    else
        return {};
}

QString fitKey(const QString& id, const QString& quant) {
    return id + QLatin1Char('/') + quant;
}

// The device as a badge names it: "Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz (avx512, 2 threads)" reads
// "Intel Xeon Platinum 8481C" (the whole name stays in the fit's text and the badge's tooltip).
QString shortDeviceName(QString name) {
    static const QRegularExpression marks(QStringLiteral("\\((R|TM|r|tm)\\)"));
    static const QRegularExpression tail(QStringLiteral("\\s*(\\(.*\\)|CPU\\b.*|@.*)$"));
    name.remove(marks);
    name.replace(tail, QString());
    name = name.simplified();
    return name.isEmpty() ? QCoreApplication::translate("CatalogueModel", "this computer") : name;
}

}  // namespace

CatalogueModel::CatalogueModel(QObject* parent) : QAbstractListModel(parent) {}

int CatalogueModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_catalogue.entries.size());
}

QHash<int, QByteArray> CatalogueModel::roleNames() const {
    return {{EntryIdRole, "entryId"},
            {NameRole, "name"},
            {FamilyRole, "family"},
            {KindRole, "kind"},
            {KindTextRole, "kindText"},
            {ParametersRole, "parameters"},
            {LicenceRole, "licence"},
            {LicenceUrlRole, "licenceUrl"},
            {LanguagesRole, "languages"},
            {SummaryRole, "summary"},
            {ThinkingRole, "thinking"},
            {RepoRole, "repo"},
            {SupportedRole, "supported"},
            {UnsupportedReasonRole, "unsupportedReason"},
            {RecommendedIndexRole, "recommendedIndex"},
            {QuantsRole, "quants"}};
}

QVariant CatalogueModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const service::CatalogueEntry& e = m_catalogue.entries[size_t(index.row())];
    switch (role) {
        case EntryIdRole:
            return e.id;
        case NameRole:
            return e.name;
        case FamilyRole:
            return e.family;
        case KindRole:
            return e.kind;
        case KindTextRole:
            return e.kind == QLatin1String("chat")          ? tr("Chat")
                   : e.kind == QLatin1String("reasoning")   ? tr("Reasoning")
                   : e.kind == QLatin1String("translation") ? tr("Translation")
                   : e.kind == QLatin1String("base")        ? tr("Base model (not for chat)")
                                                            : e.kind;
        case ParametersRole:
            return e.parameters;
        case LicenceRole:
            return e.licence;
        case LicenceUrlRole:
            return e.licenceUrl;
        case LanguagesRole:
            return e.languages == QStringList{QStringLiteral("multilingual")}
                       ? tr("Many languages")
                       : e.languages.join(QStringLiteral(", "));
        case SummaryRole:
            return e.summary;
        case ThinkingRole:
            return e.thinking;
        case RepoRole:
            return e.repo;
        case SupportedRole:
            return supportedOf(e);
        case UnsupportedReasonRole:
            return unsupportedReasonOf(e);
        case RecommendedIndexRole:
            for (size_t i = 0; i < e.quants.size(); ++i)
                if (e.quants[i].quant == e.recommendedQuant)
                    return int(i);
            return 0;
        case QuantsRole:
            return quants(e);
        default:
            return {};
    }
}

QVariantList CatalogueModel::quants(const service::CatalogueEntry& e) const {
    QVariantList out;
    const bool supported = supportedOf(e);
    for (const service::CatalogueQuant& q : e.quants) {
        QVariantMap m;
        m[QStringLiteral("quant")] = q.quant;
        m[QStringLiteral("bytes")] = q.approxBytes;
        m[QStringLiteral("estimatedBytes")] = q.estimatedBytes;
        // For the closed quantization box, which has room for little: "~" a stated size, "≈" an estimate (the fit
        // text below says so in words).
        if (q.approxBytes >= 0) {
            m[QStringLiteral("sizeText")] = tr("about %1").arg(libraryformat::bytes(q.approxBytes));
            m[QStringLiteral("shortText")] = tr("%1 · ~%2").arg(q.quant, libraryformat::bytes(q.approxBytes));
        } else if (q.estimatedBytes > 0) {
            m[QStringLiteral("sizeText")] =
                tr("about %1 (estimated from the model's shape)").arg(libraryformat::bytes(q.estimatedBytes));
            m[QStringLiteral("shortText")] =
                tr("%1 · ≈%2").arg(q.quant, libraryformat::bytes(q.estimatedBytes));
        } else {
            m[QStringLiteral("sizeText")] = tr("size not stated");
            m[QStringLiteral("shortText")] = q.quant;
        }
        const auto fit = m_fits.constFind(fitKey(e.id, q.quant));
        QString state, badge, text;
        if (!supported) {
            state = QStringLiteral("unsupported");
            badge = tr("Not supported yet");
            text = unsupportedReasonOf(e);
        } else if (fit == m_fits.constEnd()) {
            state = m_planning ? QStringLiteral("planning") : QStringLiteral("unknown");
            badge = m_planning ? tr("Checking…") : tr("Fit unknown");
        } else {
            state = fit->state;
            text = fit->text;
            if (state == QLatin1String("fits"))
                badge = tr("Fits on %1").arg(shortDeviceName(fit->deviceName));
            else if (state == QLatin1String("offloaded"))
                badge = tr("Experts in system memory");
            else if (state == QLatin1String("too-big"))
                // The numbers (what it needs, what is free) are in the fit's text, in the engine's own units.
                badge = tr("Too big for %1").arg(shortDeviceName(fit->deviceName));
            else if (state == QLatin1String("unsupported"))
                badge = tr("Not supported yet");
            else
                badge = tr("Fit unknown");
        }
        m[QStringLiteral("state")] = state;
        m[QStringLiteral("badge")] = badge;
        m[QStringLiteral("fitText")] = text;
        const QString first = q.files.value(0);
        m[QStringLiteral("installed")] =
            !first.isEmpty() && m_localFiles.contains(QFileInfo(first).fileName());
        m[QStringLiteral("downloading")] = m_activeDownloads.contains(downloadKey(e.repo, first));
        out.append(m);
    }
    return out;
}

void CatalogueModel::setCatalogue(service::Catalogue catalogue) {
    beginResetModel();
    m_catalogue = std::move(catalogue);
    m_fits.clear();
    endResetModel();
    emit countChanged();
}

void CatalogueModel::changedAll(int role) {
    if (!m_catalogue.entries.empty())
        emit dataChanged(index(0), index(rowCount() - 1), {role});
}

void CatalogueModel::setPlanning() {
    m_planning = true;
    m_fits.clear();
    changedAll(QuantsRole);
}

void CatalogueModel::setFits(const std::vector<service::CatalogueFit>& fits) {
    m_planning = false;
    m_fits.clear();
    for (const service::CatalogueFit& fit : fits)
        m_fits.insert(fitKey(fit.id, fit.quant), fit);
    changedAll(QuantsRole);
}

void CatalogueModel::setLocalFiles(const QSet<QString>& fileNames) {
    if (fileNames == m_localFiles)
        return;
    m_localFiles = fileNames;
    changedAll(QuantsRole);
}

void CatalogueModel::setActiveDownloads(const QSet<QString>& keys) {
    if (keys == m_activeDownloads)
        return;
    m_activeDownloads = keys;
    changedAll(QuantsRole);
}

QString CatalogueModel::downloadKey(const QString& repo, const QString& firstFile) {
    return repo + QLatin1Char('/') + firstFile;
}

}  // namespace lantern::ui
