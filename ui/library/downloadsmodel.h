#pragma once
// The download queue as the library lists it: one row per job of the DownloadManager, in its order, with
// progress, speed and time left said in the user's locale. Follows the manager's signals (GUI thread).
#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>
#include <QPointer>
#include <QSet>

#include <vector>

#include "service/library/downloads.h"

namespace lantern::ui {

class DownloadsModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use LibraryController.downloads")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    // Jobs not done or failed yet (queued, checking, downloading, verifying, paused).
    Q_PROPERTY(int activeCount READ activeCount NOTIFY countChanged)
public:
    enum Roles {
        JobIdRole = Qt::UserRole + 1,
        NameRole,
        RepoRole,
        StateRole,      // "jobState": downloadStateName: "queued", "checking", "downloading", "verifying",
                        // "paused", "done", "failed"
        StateTextRole,  // for people
        ProgressRole,   // 0..1, or -1 while the total is unknown
        SizeTextRole,   // "1.2 GiB of 4.9 GiB"
        SpeedTextRole,  // "12.3 MiB/s" or ""
        TimeLeftTextRole,
        ErrorRole,
        VerifiedRole,
        FinalPathRole,
        FilesTextRole,  // "File 2 of 3" for split sets, else ""
    };

    explicit DownloadsModel(QObject* parent = nullptr);

    // The manager to follow (null = none: the list empties, e.g. while the models folder moves).
    void setManager(service::DownloadManager* manager);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int activeCount() const;

    // "repo/first file" of every job not done or failed (for the catalogue's buttons).
    QSet<QString> activeKeys() const;
    const service::DownloadStatus* find(const QString& id) const;

signals:
    void countChanged();
    void activeChanged();  // activeKeys() may differ

private:
    void reload();
    void updateJob(const QString& id);

    QPointer<service::DownloadManager> m_manager;
    std::vector<service::DownloadStatus> m_jobs;
};

}  // namespace lantern::ui
