#pragma once
// The queue of file jobs under the translate view: one row per job with its state and progress, read from
// the translation store (each job's segments live there, so the list survives the app being killed).
#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

#include "storage/translationstore.h"

namespace lantern::ui {

class JobModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use TranslateController.jobs")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Roles { JobIdRole = Qt::UserRole + 1, NameRole, StateRole, StateTextRole, ProgressRole, OutputRole, DetailRole };
    Q_ENUM(Roles)

    explicit JobModel(QObject* parent = nullptr);
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setJobs(const QList<storage::TranslationJob>& jobs);
    void setProgress(qint64 jobId, int done, int total, int flagged);
    const storage::TranslationJob* job(qint64 jobId) const;

signals:
    void countChanged();

private:
    QList<storage::TranslationJob> m_jobs;
};

}  // namespace lantern::ui
