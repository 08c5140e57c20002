#pragma once
// Full-text search results for the sidebar: one row per hit with the store's snippet (hits in <b>).
#include <QAbstractListModel>
#include <QList>
#include <QtQml/qqmlregistration.h>

#include "storage/records.h"

namespace lantern::ui {

class SearchResultModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use ChatController.searchResults")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Roles { ConversationIdRole = Qt::UserRole + 1, MessageIdRole, TitleRole, SnippetHtmlRole, CreatedRole };
    Q_ENUM(Roles)

    explicit SearchResultModel(QObject* parent = nullptr);
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    void setHits(const QList<storage::SearchHit>& hits);

signals:
    void countChanged();

private:
    QList<storage::SearchHit> m_hits;
};

}  // namespace lantern::ui
