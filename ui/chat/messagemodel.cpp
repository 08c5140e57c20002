#include "ui/chat/messagemodel.h"

#include <QLocale>

#include "ui/chat/costlens.h"
#include "ui/chat/messageformatter.h"

namespace lantern::ui {

namespace {
QString statsText(const storage::Message& m) {
    const int tokens = m.stats.endpoint.isEmpty() ? m.stats.generatedTokens : m.stats.remoteCompletionTokens;
    if (m.role != storage::Role::Assistant || tokens <= 0)
        return {};
    QStringList parts;
    if (m.stats.ttftMs > 0)
        parts << MessageModel::tr("%1 s to first token").arg(m.stats.ttftMs / 1000.0, 0, 'f', 2);
    if (m.stats.tokensPerSecond > 0)
        parts << MessageModel::tr("%1 tokens/s").arg(m.stats.tokensPerSecond, 0, 'f', 1);
    parts << MessageModel::tr("%1 tokens").arg(tokens);
    if (!m.stats.device.isEmpty())
        parts << m.stats.device;
    return parts.join(QStringLiteral(" · "));
}

// Who answered: the model and where it ran. Stopped answers that never began name nobody.
QString routeText(const storage::Message& m) {
    if (m.role != storage::Role::Assistant || m.state == storage::MessageState::Streaming)
        return {};
    if (m.stats.endpoint.isEmpty()) {
        if (m.model.isEmpty())
            return {};
        return MessageModel::tr("Answered by %1 on this computer").arg(m.model);
    }
    QString model = m.model.isEmpty() || m.model == m.stats.endpointName ? m.stats.device : m.model;
    if (model.isEmpty())
        model = m.stats.endpointName;
    const QString host = m.stats.endpointHost.isEmpty() ? m.stats.endpointName : m.stats.endpointHost;
    if (m.state == storage::MessageState::Error)
        return MessageModel::tr("Sent to %1 on %2").arg(model, host);
    return MessageModel::tr("Answered by %1 on %2").arg(model, host);
}
}  // namespace

MessageModel::MessageModel(QObject* parent) : QAbstractListModel(parent) {}

int MessageModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }

QHash<int, QByteArray> MessageModel::roleNames() const {
    return {{MessageIdRole, "messageId"},       {AuthorRole, "author"},         {ContentRole, "content"},
            {SegmentsRole, "segments"},         {StateRole, "messageState"},           {ErrorTextRole, "errorText"},
            {SiblingIndexRole, "siblingIndex"}, {SiblingCountRole, "siblingCount"}, {StatsTextRole, "statsText"},
            {ModelRole, "modelName"},          {RemoteRole, "remote"},         {RouteTextRole, "routeText"},
            {CostTextRole, "costText"}};
}

QVariant MessageModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = m_rows[index.row()];
    const storage::Message& m = r.message;
    switch (role) {
    case Qt::DisplayRole:
    case ContentRole: return m.content;
    case MessageIdRole: return m.id;
    case AuthorRole: return storage::roleName(m.role);
    case SegmentsRole:
        if (!m_segmentsValid[index.row()]) {
            m_segments[index.row()] = MessageFormatter::segments(m.content);
            m_segmentsValid[index.row()] = true;
        }
        return m_segments[index.row()];
    case StateRole: return storage::stateName(m.state);
    case ErrorTextRole: return m.errorText;
    case SiblingIndexRole: return r.siblingIndex;
    case SiblingCountRole: return r.siblingCount;
    case StatsTextRole: return statsText(m);
    case ModelRole: return m.model;
    case RemoteRole: return !m.stats.endpoint.isEmpty();
    case RouteTextRole: return routeText(m);
    case CostTextRole: return costText(m);
    default: return {};
    }
}

void MessageModel::setCostLens(CostLens* lens) {
    if (lens == m_cost)
        return;
    if (m_cost)
        disconnect(m_cost, nullptr, this, nullptr);
    m_cost = lens;
    if (m_cost)
        connect(m_cost, &CostLens::changed, this, [this] {
            if (!m_rows.isEmpty())
                emit dataChanged(index(0), index(int(m_rows.size() - 1)), {CostTextRole});
        });
}

QString MessageModel::costText(const storage::Message& m) const {
    if (m.role != storage::Role::Assistant || !m_cost)
        return {};
    if (!m.stats.endpoint.isEmpty()) {
        const int sent = m.stats.remotePromptTokens + m.stats.remoteCompletionTokens;
        if (sent <= 0)
            return {};
        return tr("%1 tokens went to %2 (%3 in, %4 out).")
            .arg(QLocale().toString(sent), m.stats.endpointName.isEmpty() ? m.stats.endpointHost : m.stats.endpointName,
                 QLocale().toString(m.stats.remotePromptTokens), QLocale().toString(m.stats.remoteCompletionTokens));
    }
    const QString sentence = m_cost->localSentence(m.stats.promptTokens, m.stats.generatedTokens);
    return sentence.isEmpty() ? QString() : tr("%1, %2.").arg(sentence, m_cost->basis());
}

void MessageModel::setRows(const QList<Row>& rows) {
    // Keep the common prefix (same ids, same content and sibling position): only the tail changes.
    qsizetype same = 0;
    while (same < m_rows.size() && same < rows.size() && m_rows[same].message.id == rows[same].message.id)
        ++same;
    if (same < m_rows.size()) {
        beginRemoveRows({}, int(same), int(m_rows.size() - 1));
        m_rows.resize(same);
        m_segments.resize(same);
        m_segmentsValid.resize(same);
        endRemoveRows();
    }
    for (qsizetype i = 0; i < same; ++i) {
        if (m_rows[i].message == rows[i].message && m_rows[i].siblingIndex == rows[i].siblingIndex &&
            m_rows[i].siblingCount == rows[i].siblingCount)
            continue;
        m_rows[i] = rows[i];
        m_segmentsValid[i] = false;
        emit dataChanged(index(int(i)), index(int(i)));
    }
    if (same < rows.size()) {
        beginInsertRows({}, int(same), int(rows.size() - 1));
        for (qsizetype i = same; i < rows.size(); ++i) {
            m_rows.append(rows[i]);
            m_segments.append(QVariantList());
            m_segmentsValid.append(false);
        }
        endInsertRows();
    }
    emit countChanged();
}

void MessageModel::clear() {
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    m_segments.clear();
    m_segmentsValid.clear();
    endResetModel();
    emit countChanged();
}

int MessageModel::rowOf(qint64 messageId) const {
    for (qsizetype i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].message.id == messageId)
            return int(i);
    return -1;
}

const MessageModel::Row* MessageModel::row(int index) const {
    return index >= 0 && index < m_rows.size() ? &m_rows[index] : nullptr;
}

void MessageModel::updateMessage(const storage::Message& message) {
    const int r = rowOf(message.id);
    if (r < 0 || m_rows[r].message == message)
        return;
    m_rows[r].message = message;
    m_segmentsValid[r] = false;
    emit dataChanged(index(r), index(r));
}

void MessageModel::setStreamingContent(qint64 messageId, const QString& content) {
    const int r = rowOf(messageId);
    if (r < 0 || m_rows[r].message.content == content)
        return;
    m_rows[r].message.content = content;
    m_segmentsValid[r] = false;
    emit dataChanged(index(r), index(r), {ContentRole, SegmentsRole});
}

}  // namespace lantern::ui
