#pragma once
// The messages of the open conversation along its active branch, one row per message, for the chat
// view. Each row knows its place among its siblings (for the "< 2/3 >" switcher). Changed only on the
// GUI thread, by ChatController; the streaming answer grows through setStreamingContent().
#include <QAbstractListModel>
#include <QList>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include "storage/records.h"

namespace lantern::ui {
class CostLens;
}

namespace lantern::ui {

class MessageModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use ChatController.messages")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Roles {
        MessageIdRole = Qt::UserRole + 1,
        AuthorRole,        // "user", "assistant", "system"
        ContentRole,       // raw text (markdown, may start with <think>)
        SegmentsRole,      // MessageFormatter::segments(content)
        StateRole,         // "complete", "streaming", "cancelled", "error", "interrupted"
        ErrorTextRole,
        SiblingIndexRole,  // 1-based
        SiblingCountRole,
        StatsTextRole,     // "0.4 s to first token · 23.1 tokens/s · 212 tokens", or ""
        ModelRole,
        RemoteRole,        // answered by a remote endpoint (bool)
        RouteTextRole,     // "Answered by <model> on this computer" / "… on <host>", or "" (not an answer)
        CostTextRole,      // the cost lens of this answer, for its tooltip, or ""
    };
    Q_ENUM(Roles)

    struct Row {
        storage::Message message;
        int siblingIndex = 1;
        int siblingCount = 1;
    };

    explicit MessageModel(QObject* parent = nullptr);
    // For CostTextRole (not owned); its changes refresh every row.
    void setCostLens(CostLens* lens);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Replaces the rows, keeping unchanged leading rows in place (a new turn appends, a branch switch
    // replaces only the tail), so the view keeps its scroll position and delegates.
    void setRows(const QList<Row>& rows);
    void clear();
    // The row of a message, or -1.
    Q_INVOKABLE int rowOf(qint64 messageId) const;
    const Row* row(int index) const;
    // Replaces one row's message (after a finished answer or a rename of its state).
    void updateMessage(const storage::Message& message);
    // The growing text of a streaming answer; one dataChanged per GUI batch.
    void setStreamingContent(qint64 messageId, const QString& content);

signals:
    void countChanged();

private:
    QString costText(const storage::Message& m) const;

    CostLens* m_cost = nullptr;
    QList<Row> m_rows;
    mutable QList<QVariantList> m_segments;  // cached per row; empty = not computed yet
    mutable QList<bool> m_segmentsValid;
};

}  // namespace lantern::ui
