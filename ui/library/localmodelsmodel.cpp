#include "ui/library/localmodelsmodel.h"

#include <QFileInfo>
#include <QLocale>

#include "ui/library/libraryformat.h"

namespace lantern::ui {

LocalModelsModel::LocalModelsModel(QObject* parent) : QAbstractListModel(parent) {}

void LocalModelsModel::setModels(std::vector<service::LocalModel> models) {
    beginResetModel();
    m_models = std::move(models);
    endResetModel();
    emit countChanged();
}

void LocalModelsModel::setLoadedPath(const QString& path) {
    if (path == m_loadedPath)
        return;
    m_loadedPath = path;
    if (!m_models.empty())
        emit dataChanged(index(0), index(rowCount() - 1), {LoadedRole});
}

const service::LocalModel* LocalModelsModel::find(const QString& path) const {
    for (const service::LocalModel& m : m_models)
        if (m.path == path)
            return &m;
    return nullptr;
}

QSet<QString> LocalModelsModel::fileNames() const {
    QSet<QString> names;
    for (const service::LocalModel& m : m_models) {
        names.insert(QFileInfo(m.path).fileName());
        for (const QString& f : m.files)
            names.insert(QFileInfo(f).fileName());
    }
    return names;
}

int LocalModelsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_models.size());
}

QHash<int, QByteArray> LocalModelsModel::roleNames() const {
    return {{PathRole, "path"},
            {NameRole, "name"},
            {FileNameRole, "fileName"},
            {QuantizationRole, "quantization"},
            {ArchitectureRole, "architecture"},
            {ParametersTextRole, "parametersText"},
            {ContextTextRole, "contextText"},
            {SizeTextRole, "sizeText"},
            {DetailsTextRole, "detailsText"},
            {IsLinkRole, "isLink"},
            {LastUsedTextRole, "lastUsedText"},
            {LastUsedFullRole, "lastUsedFull"},
            {ErrorRole, "error"},
            {LoadedRole, "loaded"},
            {FilesCountRole, "filesCount"}};
}

QVariant LocalModelsModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const service::LocalModel& m = m_models[size_t(index.row())];
    const auto contextText = [&] {
        return m.contextLength == 0 ? QString()
                                    : tr("%1 tokens of context").arg(QLocale().toString(m.contextLength));
    };
    switch (role) {
        case PathRole:
            return m.path;
        case NameRole:
            return m.name.isEmpty() ? QFileInfo(m.path).fileName() : m.name;
        case FileNameRole:
            return QFileInfo(m.path).fileName();
        case QuantizationRole:
            return m.quantization;
        case ArchitectureRole:
            return m.architecture;
        case ParametersTextRole:
            return libraryformat::parameters(m.parameters);
        case ContextTextRole:
            return contextText();
        case SizeTextRole:
            return libraryformat::bytes(m.sizeBytes);
        case DetailsTextRole: {
            QStringList parts{m.quantization, m.architecture, libraryformat::parameters(m.parameters),
                              contextText(), libraryformat::bytes(m.sizeBytes)};
            parts.removeAll(QString());
            return parts.join(QStringLiteral(" · "));
        }
        case IsLinkRole:
            return m.isLink;
        case LastUsedTextRole:
            return libraryformat::relativeDate(m.lastUsed);
        case LastUsedFullRole:
            return m.lastUsed.isValid() ? QLocale().toString(m.lastUsed, QLocale::LongFormat) : QString();
        case ErrorRole:
            return m.error;
        case LoadedRole:
            return !m_loadedPath.isEmpty() && m.path == m_loadedPath;
        case FilesCountRole:
            return int(m.files.size());
        default:
            return {};
    }
}

}  // namespace lantern::ui
