#pragma once
// "On this computer": the models in the models folder (scanModels, run by the controller on its worker
// thread), with size, quantization, architecture, trained context and when each was last loaded.
#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>
#include <QSet>

#include <vector>

#include "service/library/localmodels.h"

namespace lantern::ui {

class LocalModelsModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use LibraryController.localModels")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Roles {
        PathRole = Qt::UserRole + 1,
        NameRole,
        FileNameRole,
        QuantizationRole,
        ArchitectureRole,
        ParametersTextRole,
        ContextTextRole,  // "40,960 tokens of context" or ""
        SizeTextRole,
        DetailsTextRole,  // the above on one line: "Q4_K_M · qwen3 · 8.2B parameters · 40,960 tokens · 4.9
                          // GiB"
        IsLinkRole,
        LastUsedTextRole,  // "Yesterday", "Never"
        LastUsedFullRole,  // the locale's long date and time, or ""
        ErrorRole,
        LoadedRole,  // the model the chat uses now
        FilesCountRole,
    };

    explicit LocalModelsModel(QObject* parent = nullptr);

    void setModels(std::vector<service::LocalModel> models);
    void setLoadedPath(const QString& path);
    const service::LocalModel* find(const QString& path) const;
    QSet<QString> fileNames() const;  // of every file of every model

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

signals:
    void countChanged();

private:
    std::vector<service::LocalModel> m_models;
    QString m_loadedPath;
};

}  // namespace lantern::ui
