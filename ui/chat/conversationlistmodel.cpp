#include "ui/chat/conversationlistmodel.h"

#include <QLocale>

namespace lantern::ui {

ConversationListModel::ConversationListModel(QObject* parent) : QAbstractListModel(parent) {}

int ConversationListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_items.size());
}

QHash<int, QByteArray> ConversationListModel::roleNames() const {
    return {{ConversationIdRole, "conversationId"}, {TitleRole, "title"},     {PinnedRole, "pinned"},
            {ArchivedRole, "archived"},             {UpdatedRole, "updated"}, {SectionRole, "section"}};
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const storage::Conversation& c = m_items[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case TitleRole: return c.title.isEmpty() ? tr("New chat") : c.title;
    case ConversationIdRole: return c.id;
    case PinnedRole: return c.pinned;
    case ArchivedRole: return c.archived;
    case UpdatedRole: return c.updated;
    case SectionRole: return m_sections[index.row()];
    default: return {};
    }
}

QString ConversationListModel::sectionFor(const storage::Conversation& c, const QDateTime& now) {
    if (c.pinned)
        return tr("Pinned");
    const QDate today = now.toLocalTime().date();
    const QDate day = c.updated.toLocalTime().date();
    const qint64 age = day.daysTo(today);
    if (age <= 0)
        return tr("Today");
    if (age == 1)
        return tr("Yesterday");
    if (age < 7)
        return tr("Previous 7 days");
    if (age < 30)
        return tr("Previous 30 days");
    return QLocale().toString(day, QStringLiteral("MMMM yyyy"));
}

void ConversationListModel::setConversations(const QList<storage::Conversation>& conversations,
                                             const QDateTime& now) {
    const QDateTime reference = now.isValid() ? now : QDateTime::currentDateTime();
    QList<QString> sections;
    sections.reserve(conversations.size());
    for (const auto& c : conversations)
        sections.append(sectionFor(c, reference));

    bool sameOrder = conversations.size() == m_items.size();
    for (qsizetype i = 0; sameOrder && i < conversations.size(); ++i)
        sameOrder = conversations[i].id == m_items[i].id;
    if (!sameOrder) {
        beginResetModel();
        m_items = conversations;
        m_sections = sections;
        endResetModel();
        emit countChanged();
        return;
    }
    for (qsizetype i = 0; i < conversations.size(); ++i) {
        if (conversations[i] == m_items[i] && sections[i] == m_sections[i])
            continue;
        m_items[i] = conversations[i];
        m_sections[i] = sections[i];
        emit dataChanged(index(int(i)), index(int(i)));
    }
}

int ConversationListModel::rowOf(qint64 conversationId) const {
    for (qsizetype i = 0; i < m_items.size(); ++i)
        if (m_items[i].id == conversationId)
            return int(i);
    return -1;
}

}  // namespace lantern::ui
