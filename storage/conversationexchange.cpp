#include "storage/conversationexchange.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace lantern::storage {

namespace {

const QString kFormatName = QStringLiteral("lantern-conversations");

QString isoTime(const QDateTime& t) { return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString(); }

QJsonValue idOrNull(qint64 id) { return id > 0 ? QJsonValue(id) : QJsonValue(QJsonValue::Null); }

QJsonObject conversationToJson(const ExchangeConversation& x) {
    // Renumber messages 1, 2, ... in their (parents-first) order.
    QHash<qint64, qint64> local;
    for (const Message& m : x.messages) {
        local.insert(m.id, local.size() + 1);
    }
    QJsonArray messages;
    for (const Message& m : x.messages) {
        QJsonObject o;
        o[QStringLiteral("id")] = local.value(m.id);
        o[QStringLiteral("parent")] = idOrNull(local.value(m.parentId));
        o[QStringLiteral("activeChild")] = idOrNull(local.value(x.activeChild.value(m.id)));
        o[QStringLiteral("role")] = roleName(m.role);
        o[QStringLiteral("state")] = stateName(m.state);
        o[QStringLiteral("content")] = m.content;
        o[QStringLiteral("thinking")] = m.thinking;
        o[QStringLiteral("error")] = m.errorText;
        o[QStringLiteral("created")] = isoTime(m.created);
        o[QStringLiteral("model")] = m.model;
        o[QStringLiteral("stats")] = statsToJson(m.stats);
        messages.append(o);
    }
    const Conversation& c = x.conversation;
    QJsonObject o;
    o[QStringLiteral("title")] = c.title;
    o[QStringLiteral("created")] = isoTime(c.created);
    o[QStringLiteral("updated")] = isoTime(c.updated);
    o[QStringLiteral("pinned")] = c.pinned;
    o[QStringLiteral("archived")] = c.archived;
    o[QStringLiteral("folder")] = c.folder;
    o[QStringLiteral("modelFile")] = c.modelFile;
    o[QStringLiteral("settings")] = c.settings;
    o[QStringLiteral("systemPrompt")] = c.systemPrompt;
    o[QStringLiteral("sourceLanguage")] = c.sourceLanguage;
    o[QStringLiteral("targetLanguage")] = c.targetLanguage;
    o[QStringLiteral("activeRoot")] = idOrNull(local.value(x.activeRoot));
    o[QStringLiteral("messages")] = messages;
    return o;
}

// Reads typed fields of one JSON object; remembers the first problem with the field's path.
class FieldReader {
public:
    FieldReader(const QJsonObject& o, QString where, QString& problem)
        : m_o(o), m_where(std::move(where)), m_problem(problem) {}

    QString string(const char* key) {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull()) {
            return {};
        }
        if (!v.isString()) {
            complain(key, QStringLiteral("a string"));
        }
        return v.toString();
    }
    bool boolean(const char* key) {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (!v.isUndefined() && !v.isBool()) {
            complain(key, QStringLiteral("true or false"));
        }
        return v.toBool();
    }
    QJsonObject object(const char* key) {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (!v.isUndefined() && !v.isNull() && !v.isObject()) {
            complain(key, QStringLiteral("an object"));
        }
        return v.toObject();
    }
    // A positive integer id, or 0 when absent/null (required: absent is a problem).
    qint64 id(const char* key, bool required) {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if ((v.isUndefined() || v.isNull()) && !required) {
            return 0;
        }
        const double d = v.toDouble(-1);
        if (!v.isDouble() || d < 1 || d != static_cast<double>(static_cast<qint64>(d))) {
            complain(key, QStringLiteral("a positive whole number"));
            return 0;
        }
        return static_cast<qint64>(d);
    }
    QDateTime time(const char* key, bool required) {
        const QString s = string(key);
        if (s.isEmpty() && !required) {
            return {};
        }
        QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
        if (!t.isValid()) {
            complain(key, QStringLiteral("an ISO-8601 date and time"));
        }
        return t.toUTC();
    }
    void complain(const char* key, const QString& expected) {
        if (m_problem.isEmpty()) {
            m_problem = QStringLiteral("%1.%2: expected %3").arg(m_where, QLatin1String(key), expected);
        }
    }

private:
    const QJsonObject& m_o;
    QString m_where;
    QString& m_problem;
};

// Parses one message into x; checks ids and the parent link against the ones seen so far.
void parseMessage(const QJsonValue& v, const QString& where, ExchangeConversation& x, QHash<qint64, qint64>& parentOf,
                  QString& problem) {
    if (!v.isObject()) {
        problem = where + QStringLiteral(": expected an object");
        return;
    }
    const QJsonObject o = v.toObject();
    FieldReader r(o, where, problem);
    Message m;
    m.id = r.id("id", true);
    m.parentId = r.id("parent", false);
    const qint64 activeChild = r.id("activeChild", false);
    const auto role = roleFromName(r.string("role"));
    const auto state = stateFromName(o.contains(QStringLiteral("state")) ? r.string("state") : QStringLiteral("complete"));
    m.content = r.string("content");
    m.thinking = r.string("thinking");
    m.errorText = r.string("error");
    m.created = r.time("created", true);
    m.model = r.string("model");
    m.stats = statsFromJson(r.object("stats"));
    if (!role) {
        r.complain("role", QStringLiteral("system, user, assistant or tool"));
    }
    if (!state) {
        r.complain("state", QStringLiteral("complete, streaming, interrupted, cancelled or error"));
    }
    if (!problem.isEmpty()) {
        return;
    }
    if (parentOf.contains(m.id)) {
        problem = where + QStringLiteral(".id: %1 is used twice").arg(m.id);
        return;
    }
    if (m.parentId != 0 && !parentOf.contains(m.parentId)) {
        problem = where + QStringLiteral(".parent: %1 is not an earlier message of this conversation").arg(m.parentId);
        return;
    }
    m.role = *role;
    m.state = *state == MessageState::Streaming ? MessageState::Interrupted : *state;
    if (activeChild > 0) {
        x.activeChild.insert(m.id, activeChild);
    }
    parentOf.insert(m.id, m.parentId);
    x.messages.append(m);
}

// The active links must point at a child of the right node (or a root).
QString checkActiveLinks(const ExchangeConversation& x, const QHash<qint64, qint64>& parentOf, const QString& where) {
    for (auto it = x.activeChild.cbegin(); it != x.activeChild.cend(); ++it) {
        if (!parentOf.contains(it.value()) || parentOf.value(it.value()) != it.key()) {
            return where + QStringLiteral(": activeChild of message %1 is %2, which is not its child")
                               .arg(it.key())
                               .arg(it.value());
        }
    }
    if (x.activeRoot != 0 && (!parentOf.contains(x.activeRoot) || parentOf.value(x.activeRoot) != 0)) {
        return where + QStringLiteral(".activeRoot: %1 is not a root message").arg(x.activeRoot);
    }
    return {};
}

void parseConversation(const QJsonValue& v, const QString& where, ExchangeConversation& x, QString& problem) {
    if (!v.isObject()) {
        problem = where + QStringLiteral(": expected an object");
        return;
    }
    const QJsonObject o = v.toObject();
    FieldReader r(o, where, problem);
    Conversation& c = x.conversation;
    c.title = r.string("title");
    c.created = r.time("created", false);
    c.updated = r.time("updated", false);
    c.pinned = r.boolean("pinned");
    c.archived = r.boolean("archived");
    c.folder = r.string("folder");
    c.modelFile = r.string("modelFile");
    c.settings = r.object("settings");
    c.systemPrompt = r.string("systemPrompt");
    c.sourceLanguage = r.string("sourceLanguage");
    c.targetLanguage = r.string("targetLanguage");
    x.activeRoot = r.id("activeRoot", false);
    const QJsonValue messages = o.value(QStringLiteral("messages"));
    if (!messages.isUndefined() && !messages.isArray()) {
        r.complain("messages", QStringLiteral("an array"));
    }
    const QJsonArray list = messages.toArray();
    QHash<qint64, qint64> parentOf;  // message id -> parent id, of the messages read so far
    for (qsizetype i = 0; i < list.size() && problem.isEmpty(); ++i) {
        parseMessage(list.at(i), where + QStringLiteral(".messages[%1]").arg(i), x, parentOf, problem);
    }
    if (problem.isEmpty()) {
        problem = checkActiveLinks(x, parentOf, where);
    }
}

}  // namespace

QJsonObject statsToJson(const MessageStats& s) {
    QJsonObject o{{QStringLiteral("ttftMs"), s.ttftMs},
                  {QStringLiteral("tokensPerSecond"), s.tokensPerSecond},
                  {QStringLiteral("promptTokens"), s.promptTokens},
                  {QStringLiteral("generatedTokens"), s.generatedTokens},
                  {QStringLiteral("device"), s.device}};
    // Remote answers only, so a local answer's stats stay as they always were.
    if (!s.endpoint.isEmpty()) {
        o[QStringLiteral("endpoint")] = s.endpoint;
        o[QStringLiteral("endpointName")] = s.endpointName;
        o[QStringLiteral("endpointHost")] = s.endpointHost;
        o[QStringLiteral("remotePromptTokens")] = s.remotePromptTokens;
        o[QStringLiteral("remoteCompletionTokens")] = s.remoteCompletionTokens;
    }
    return o;
}

MessageStats statsFromJson(const QJsonObject& o) {
    MessageStats s;
    s.ttftMs = o.value(QStringLiteral("ttftMs")).toDouble();
    s.tokensPerSecond = o.value(QStringLiteral("tokensPerSecond")).toDouble();
    s.promptTokens = o.value(QStringLiteral("promptTokens")).toInt();
    s.generatedTokens = o.value(QStringLiteral("generatedTokens")).toInt();
    s.device = o.value(QStringLiteral("device")).toString();
    s.endpoint = o.value(QStringLiteral("endpoint")).toString();
    s.endpointName = o.value(QStringLiteral("endpointName")).toString();
    s.endpointHost = o.value(QStringLiteral("endpointHost")).toString();
    s.remotePromptTokens = o.value(QStringLiteral("remotePromptTokens")).toInt();
    s.remoteCompletionTokens = o.value(QStringLiteral("remoteCompletionTokens")).toInt();
    return s;
}

QByteArray exchangeToJson(const QList<ExchangeConversation>& conversations) {
    QJsonArray list;
    for (const ExchangeConversation& x : conversations) {
        list.append(conversationToJson(x));
    }
    QJsonObject root;
    root[QStringLiteral("format")] = kFormatName;
    root[QStringLiteral("version")] = kExchangeFormatVersion;
    root[QStringLiteral("exported")] = isoTime(QDateTime::currentDateTimeUtc());
    root[QStringLiteral("conversations")] = list;
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

Result<QList<ExchangeConversation>> exchangeFromJson(const QByteArray& json) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    auto invalid = [](const QString& why) {
        return fail(Errc::InvalidArgument,
                    QStringLiteral("The file is not a valid Lantern export (%1); nothing was imported.").arg(why).toStdString());
    };
    if (parseError.error != QJsonParseError::NoError) {
        return invalid(QStringLiteral("JSON error at byte %1: %2").arg(parseError.offset).arg(parseError.errorString()));
    }
    const QJsonObject root = doc.object();
    if (!doc.isObject() || root.value(QStringLiteral("format")).toString() != kFormatName) {
        return invalid(QStringLiteral("\"format\" must be \"%1\"").arg(kFormatName));
    }
    const QJsonValue version = root.value(QStringLiteral("version"));
    if (!version.isDouble() || version.toDouble() < 1) {
        return invalid(QStringLiteral("\"version\" must be a positive number"));
    }
    if (version.toDouble() > kExchangeFormatVersion) {
        return invalid(QStringLiteral("it uses format version %1, this Lantern reads up to %2; update Lantern")
                           .arg(version.toDouble())
                           .arg(kExchangeFormatVersion));
    }
    if (!root.value(QStringLiteral("conversations")).isArray()) {
        return invalid(QStringLiteral("\"conversations\" must be an array"));
    }
    const QJsonArray list = root.value(QStringLiteral("conversations")).toArray();
    QList<ExchangeConversation> out;
    QString problem;
    for (qsizetype i = 0; i < list.size(); ++i) {
        ExchangeConversation x;
        parseConversation(list.at(i), QStringLiteral("conversations[%1]").arg(i), x, problem);
        if (!problem.isEmpty()) {
            return invalid(problem);
        }
        out.append(std::move(x));
    }
    return out;
}

QString conversationToMarkdown(const Conversation& c, const QList<Message>& path) {
    QString md;
    md += QStringLiteral("# %1\n\n").arg(c.title.isEmpty() ? QStringLiteral("Untitled conversation") : c.title);
    md += QStringLiteral("- Created: %1\n").arg(isoTime(c.created));
    md += QStringLiteral("- Updated: %1\n").arg(isoTime(c.updated));
    if (!c.modelFile.isEmpty()) {
        md += QStringLiteral("- Model: %1\n").arg(c.modelFile);
    }
    if (!c.sourceLanguage.isEmpty() || !c.targetLanguage.isEmpty()) {
        md += QStringLiteral("- Languages: %1 → %2\n").arg(c.sourceLanguage, c.targetLanguage);
    }
    if (!c.systemPrompt.isEmpty()) {
        md += QStringLiteral("\n## System prompt\n\n%1\n").arg(c.systemPrompt);
    }
    for (const Message& m : path) {
        QString heading = roleName(m.role);
        heading[0] = heading[0].toUpper();
        md += QStringLiteral("\n## %1\n\n").arg(heading);
        if (!m.thinking.isEmpty()) {
            md += QStringLiteral("<details><summary>Thinking</summary>\n\n%1\n\n</details>\n\n").arg(m.thinking);
        }
        md += m.content;
        md += QLatin1Char('\n');
        if (m.state != MessageState::Complete) {
            md += QStringLiteral("\n*(%1%2)*\n")
                      .arg(stateName(m.state), m.errorText.isEmpty() ? QString() : QStringLiteral(": ") + m.errorText);
        }
    }
    return md;
}

}  // namespace lantern::storage
