#pragma once
// "Search the hub": the repositories a search found, and for each one whose files were asked for, its GGUF
// models grouped by quantization with their sizes (groupGgufFiles). GUI thread only.
#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>

#include <vector>

#include "service/library/hubclient.h"

namespace lantern::ui {

class HubSearchModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use LibraryController.hubSearch")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Roles {
        RepoIdRole = Qt::UserRole + 1,
        StatsTextRole,   // "12,345 downloads · 321 likes"
        FilesStateRole,  // "", "listing", "listed" or "error"
        FilesErrorRole,
        // [{quant, sizeText, files, filesText}]: the repository's models, after listFiles.
        FilesRole,
    };

    explicit HubSearchModel(QObject* parent = nullptr);

    void setRepos(std::vector<service::HubRepo> repos);
    void setListing(const QString& repo);
    void setFiles(const QString& repo, std::vector<service::HubModelFiles> files, const QString& error);
    const service::HubModelFiles* files(const QString& repo, int index) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

signals:
    void countChanged();

private:
    struct Row {
        service::HubRepo repo;
        QString filesState;
        QString filesError;
        std::vector<service::HubModelFiles> files;
    };
    int rowOf(const QString& repo) const;

    std::vector<Row> m_rows;
};

}  // namespace lantern::ui
