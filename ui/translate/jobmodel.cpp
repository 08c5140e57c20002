#include "ui/translate/jobmodel.h"

#include <QDir>

namespace lantern::ui {

namespace {
QString stateName(storage::JobState s) {
    switch (s) {
    case storage::JobState::Queued: return QStringLiteral("queued");
    case storage::JobState::Running: return QStringLiteral("running");
    case storage::JobState::Paused: return QStringLiteral("paused");
    case storage::JobState::Done: return QStringLiteral("done");
    case storage::JobState::Failed: return QStringLiteral("failed");
    case storage::JobState::Cancelled: return QStringLiteral("cancelled");
    }
    return {};
}
}  // namespace

JobModel::JobModel(QObject* parent) : QAbstractListModel(parent) {}

int JobModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_jobs.size()); }

QVariant JobModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const storage::TranslationJob& j = m_jobs[index.row()];
    switch (role) {
    case JobIdRole: return j.id;
    case Qt::DisplayRole:
    case NameRole: return j.name;
    case StateRole: return stateName(j.state);
    case StateTextRole:
        switch (j.state) {
        case storage::JobState::Queued: return tr("Waiting");
        case storage::JobState::Running:
            return tr("%1 of %2 segments").arg(j.segmentsDone).arg(j.segmentsTotal);
        case storage::JobState::Paused: return tr("Paused");
        case storage::JobState::Done:
            return j.segmentsFlagged ? tr("Done, %n segment(s) to review", "", j.segmentsFlagged) : tr("Done");
        case storage::JobState::Failed: return tr("Failed: %1").arg(j.error);
        case storage::JobState::Cancelled: return tr("Stopped");
        }
        return {};
    case ProgressRole: return j.segmentsTotal > 0 ? double(j.segmentsDone) / j.segmentsTotal : 0.0;
    case OutputRole: return QDir::toNativeSeparators(j.outputPath);
    case DetailRole:
        return tr("%1 → %2 · %3").arg(j.sourceLanguage, j.targetLanguage, j.format);
    default: return {};
    }
}

QHash<int, QByteArray> JobModel::roleNames() const {
    return {{JobIdRole, "jobId"},   {NameRole, "name"},         {StateRole, "state"}, {StateTextRole, "stateText"},
            {ProgressRole, "progress"}, {OutputRole, "output"}, {DetailRole, "detail"}};
}

void JobModel::setJobs(const QList<storage::TranslationJob>& jobs) {
    beginResetModel();
    m_jobs = jobs;
    endResetModel();
    emit countChanged();
}

void JobModel::setProgress(qint64 jobId, int done, int total, int flagged) {
    for (int i = 0; i < m_jobs.size(); ++i) {
        if (m_jobs[i].id != jobId)
            continue;
        m_jobs[i].segmentsDone = done;
        m_jobs[i].segmentsTotal = total;
        m_jobs[i].segmentsFlagged = flagged;
        m_jobs[i].state = storage::JobState::Running;
        emit dataChanged(index(i), index(i), {StateRole, StateTextRole, ProgressRole});
        return;
    }
}

const storage::TranslationJob* JobModel::job(qint64 jobId) const {
    for (const storage::TranslationJob& j : m_jobs)
        if (j.id == jobId)
            return &j;
    return nullptr;
}

}  // namespace lantern::ui
