#include "ui/library/hubsearchmodel.h"

#include <QLocale>

#include "ui/library/libraryformat.h"

namespace lantern::ui {

HubSearchModel::HubSearchModel(QObject* parent) : QAbstractListModel(parent) {}

void HubSearchModel::setRepos(std::vector<service::HubRepo> repos) {
    beginResetModel();
    m_rows.clear();
    for (service::HubRepo& r : repos)
        m_rows.push_back({std::move(r), {}, {}, {}});
    endResetModel();
    emit countChanged();
}

int HubSearchModel::rowOf(const QString& repo) const {
    for (size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].repo.id == repo)
            return int(i);
    return -1;
}

void HubSearchModel::setListing(const QString& repo) {
    const int row = rowOf(repo);
    if (row < 0)
        return;
    m_rows[size_t(row)].filesState = QStringLiteral("listing");
    m_rows[size_t(row)].filesError.clear();
    emit dataChanged(index(row), index(row));
}

void HubSearchModel::setFiles(const QString& repo, std::vector<service::HubModelFiles> files,
                              const QString& error) {
    const int row = rowOf(repo);
    if (row < 0)
        return;  // a newer search replaced the list
    Row& r = m_rows[size_t(row)];
    r.files = std::move(files);
    r.filesError = error;
    r.filesState = error.isEmpty() ? QStringLiteral("listed") : QStringLiteral("error");
    emit dataChanged(index(row), index(row));
}

const service::HubModelFiles* HubSearchModel::files(const QString& repo, int index) const {
    const int row = rowOf(repo);
    if (row < 0 || index < 0 || size_t(index) >= m_rows[size_t(row)].files.size())
        return nullptr;
    return &m_rows[size_t(row)].files[size_t(index)];
}

int HubSearchModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

QHash<int, QByteArray> HubSearchModel::roleNames() const {
    return {{RepoIdRole, "repoId"},
            {StatsTextRole, "statsText"},
            {FilesStateRole, "filesState"},
            {FilesErrorRole, "filesError"},
            {FilesRole, "files"}};
}

QVariant HubSearchModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = m_rows[size_t(index.row())];
    switch (role) {
        case RepoIdRole:
            return r.repo.id;
        case StatsTextRole:
            return tr("%1 downloads · %2 likes")
                .arg(QLocale().toString(r.repo.downloads), QLocale().toString(r.repo.likes));
        case FilesStateRole:
            return r.filesState;
        case FilesErrorRole:
            return r.filesError;
        case FilesRole: {
            QVariantList out;
            for (const service::HubModelFiles& f : r.files) {
                out.append(QVariantMap{
                    {QStringLiteral("quant"), f.quant.isEmpty() ? tr("Other") : f.quant},
                    {QStringLiteral("sizeText"),
                     f.totalSize < 0 ? tr("size unknown") : libraryformat::bytes(f.totalSize)},
                    {QStringLiteral("files"), f.paths},
                    {QStringLiteral("filesText"),
                     f.paths.size() == 1
                         ? f.paths.first()
                         : tr("%1 (%2 parts)").arg(f.paths.first(), QLocale().toString(f.paths.size()))}});
            }
            return out;
        }
        default:
            return {};
    }
}

}  // namespace lantern::ui
