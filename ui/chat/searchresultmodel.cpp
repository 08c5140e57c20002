#include "ui/chat/searchresultmodel.h"

namespace lantern::ui {

SearchResultModel::SearchResultModel(QObject* parent) : QAbstractListModel(parent) {}

int SearchResultModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_hits.size()); }

QHash<int, QByteArray> SearchResultModel::roleNames() const {
    return {{ConversationIdRole, "conversationId"}, {MessageIdRole, "messageId"}, {TitleRole, "title"},
            {SnippetHtmlRole, "snippetHtml"}, {CreatedRole, "created"}};
}

QVariant SearchResultModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const storage::SearchHit& h = m_hits[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case TitleRole: return h.conversationTitle.isEmpty() ? tr("New chat") : h.conversationTitle;
    case ConversationIdRole: return h.conversationId;
    case MessageIdRole: return h.messageId;
    case SnippetHtmlRole: return h.snippetHtml;
    case CreatedRole: return h.created;
    default: return {};
    }
}

void SearchResultModel::setHits(const QList<storage::SearchHit>& hits) {
    beginResetModel();
    m_hits = hits;
    endResetModel();
    emit countChanged();
}

}  // namespace lantern::ui
