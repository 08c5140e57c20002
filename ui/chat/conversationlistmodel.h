#pragma once
// The sidebar's conversations: pinned first, then grouped by date of last change ("Today",
// "Yesterday", "Previous 7 days", "Previous 30 days", then month and year). The `section` role drives
// ListView.section. Filled by ChatController from ConversationStore::listConversations.
#include <QAbstractListModel>
#include <QDateTime>
#include <QList>
#include <QtQml/qqmlregistration.h>

#include "storage/records.h"

namespace lantern::ui {

class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use ChatController.conversations")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Roles {
        ConversationIdRole = Qt::UserRole + 1,
        TitleRole,
        PinnedRole,
        ArchivedRole,
        UpdatedRole,
        SectionRole,
    };
    Q_ENUM(Roles)

    explicit ConversationListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Replaces the list; rows keep their delegates when only titles, flags or times changed.
    // `now` fixes "today" for tests.
    void setConversations(const QList<storage::Conversation>& conversations, const QDateTime& now = {});
    Q_INVOKABLE int rowOf(qint64 conversationId) const;
    // The group a conversation falls in, relative to now (local time).
    static QString sectionFor(const storage::Conversation& conversation, const QDateTime& now);

signals:
    void countChanged();

private:
    QList<storage::Conversation> m_items;
    QList<QString> m_sections;
};

}  // namespace lantern::ui
