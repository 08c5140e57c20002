#include "ui/library/downloadsmodel.h"

#include <QLocale>

#include "ui/library/cataloguemodel.h"
#include "ui/library/libraryformat.h"

namespace lantern::ui {

using service::DownloadState;
using service::DownloadStatus;

namespace {
bool isActive(DownloadState s) {
    return s != DownloadState::Done && s != DownloadState::Failed;
}
}  // namespace

DownloadsModel::DownloadsModel(QObject* parent) : QAbstractListModel(parent) {}

void DownloadsModel::setManager(service::DownloadManager* manager) {
    if (m_manager)
        disconnect(m_manager, nullptr, this, nullptr);
    m_manager = manager;
    if (m_manager) {
        connect(m_manager, &service::DownloadManager::jobsChanged, this, &DownloadsModel::reload);
        connect(m_manager, &service::DownloadManager::jobChanged, this, &DownloadsModel::updateJob);
    }
    reload();
}

void DownloadsModel::reload() {
    beginResetModel();
    m_jobs = m_manager ? m_manager->jobs() : std::vector<DownloadStatus>{};
    endResetModel();
    emit countChanged();
    emit activeChanged();
}

void DownloadsModel::updateJob(const QString& id) {
    if (!m_manager)
        return;
    const DownloadStatus* now = m_manager->job(id);
    for (size_t i = 0; i < m_jobs.size(); ++i) {
        if (m_jobs[i].id != id)
            continue;
        if (!now) {
            reload();
            return;
        }
        const bool activeBefore = isActive(m_jobs[i].state);
        m_jobs[i] = *now;
        emit dataChanged(index(int(i)), index(int(i)));
        if (activeBefore != isActive(now->state)) {
            emit countChanged();
            emit activeChanged();
        }
        return;
    }
    reload();  // a job this list has not seen yet
}

int DownloadsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_jobs.size());
}

int DownloadsModel::activeCount() const {
    int n = 0;
    for (const DownloadStatus& j : m_jobs)
        n += isActive(j.state) ? 1 : 0;
    return n;
}

QSet<QString> DownloadsModel::activeKeys() const {
    QSet<QString> keys;
    for (const DownloadStatus& j : m_jobs)
        if (isActive(j.state))
            keys.insert(CatalogueModel::downloadKey(j.repo, j.files.value(0)));
    return keys;
}

const DownloadStatus* DownloadsModel::find(const QString& id) const {
    for (const DownloadStatus& j : m_jobs)
        if (j.id == id)
            return &j;
    return nullptr;
}

QHash<int, QByteArray> DownloadsModel::roleNames() const {
    return {{JobIdRole, "jobId"},        {NameRole, "name"},           {RepoRole, "repo"},
            {StateRole, "jobState"},     {StateTextRole, "stateText"}, {ProgressRole, "progress"},
            {SizeTextRole, "sizeText"},  {SpeedTextRole, "speedText"}, {TimeLeftTextRole, "timeLeftText"},
            {ErrorRole, "error"},        {VerifiedRole, "verified"},   {FinalPathRole, "finalPath"},
            {FilesTextRole, "filesText"}};
}

QVariant DownloadsModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const DownloadStatus& j = m_jobs[size_t(index.row())];
    switch (role) {
        case JobIdRole:
            return j.id;
        case NameRole:
            return j.name;
        case RepoRole:
            return j.repo;
        case StateRole:
            return service::downloadStateName(j.state);
        case StateTextRole:
            switch (j.state) {
                case DownloadState::Queued:
                    return tr("Waiting");
                case DownloadState::Checking:
                    return tr("Checking the files on the hub");
                case DownloadState::Downloading:
                    return tr("Downloading");
                case DownloadState::Verifying:
                    return tr("Verifying");
                case DownloadState::Paused:
                    return tr("Paused");
                case DownloadState::Done:
                    return j.verified ? tr("Done, verified") : tr("Done (size checked, not verified)");
                case DownloadState::Failed:
                    return tr("Failed");
            }
            return {};
        case ProgressRole:
            if (j.state == DownloadState::Done)
                return 1.0;
            return j.bytesTotal > 0 ? double(j.bytesDone) / double(j.bytesTotal) : -1.0;
        case SizeTextRole:
            if (j.bytesTotal < 0)
                return j.bytesDone > 0 ? libraryformat::bytes(j.bytesDone) : QString();
            return j.state == DownloadState::Done
                       ? libraryformat::bytes(j.bytesTotal)
                       : tr("%1 of %2")
                             .arg(libraryformat::bytes(j.bytesDone), libraryformat::bytes(j.bytesTotal));
        case SpeedTextRole:
            return j.state == DownloadState::Downloading ? libraryformat::speed(j.bytesPerSecond) : QString();
        case TimeLeftTextRole:
            return j.state == DownloadState::Downloading ? libraryformat::timeLeft(j.secondsLeft) : QString();
        case ErrorRole:
            return j.error;
        case VerifiedRole:
            return j.verified;
        case FinalPathRole:
            return j.finalPath;
        case FilesTextRole:
            return j.files.size() > 1 && isActive(j.state)
                       ? tr("File %1 of %2")
                             .arg(QLocale().toString(j.fileIndex + 1), QLocale().toString(j.files.size()))
                       : QString();
        default:
            return {};
    }
}

}  // namespace lantern::ui
