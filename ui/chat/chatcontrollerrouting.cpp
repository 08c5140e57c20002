// ChatController, continued: how one answer is routed and started (local engine or a remote endpoint through
// RemoteGate), the questions asked on the way, remote answers' stats, and the cost lens of the open
// conversation. Split from chatcontroller.cpp to keep each file readable; same class, same rules.
#include "ui/chat/chatcontroller.h"

#include <QLocale>

#include "ui/settings/appsettings.h"

namespace lantern::ui {

using Choice = ChatRouting::Choice;

namespace {
// About four characters per token in English text: the stand-in while no model can count.
int estimateTokens(const std::vector<ChatMessage>& messages) {
    qsizetype chars = 0;
    for (const auto& m : messages)
        chars += qsizetype(m.content.size());
    return int((chars + 3) / 4);
}

QString nameOf(const service::RemoteEndpoint& endpoint) {
    return endpoint.name.isEmpty() ? service::endpointHost(endpoint.baseUrl) : endpoint.name;
}
}  // namespace

void ChatController::answerUnder(qint64 parentId, const Forced& forced) {
    setError({});
    setNotice({});
    m_routing->cancelQuestion();  // a question left from an earlier answer is moot now
    reloadMessages();
    m_prepare = {};
    m_prepare.parentId = parentId;
    m_prepare.context = contextUpTo(m_messages.rowOf(parentId) + 1);
    emit generatingChanged();
    if (forced.kind == Forced::Kind::Local)
        return launchLocal();
    if (forced.kind == Forced::Kind::Remote)
        return launchRemote(forced.endpoint);
    // Only Automatic with somewhere to go depends on the prompt's size: count it exactly then.
    if (!m_routing->decisionNeedsCount() || !m_models->isReady())
        return decide(estimateTokens(m_prepare.context));
    m_prepare.countRequest = ++m_countRequest;
    QMetaObject::invokeMethod(m_models->worker(), "countTokens", Qt::QueuedConnection,
                              Q_ARG(quint64, m_prepare.countRequest),
                              Q_ARG(std::vector<lantern::ChatMessage>, m_prepare.context));
}

void ChatController::decide(int promptTokens) {
    m_prepare.countRequest = 0;
    const service::RouteDecision d = m_routing->decide(promptTokens, m_models->contextLength());
    m_routing->setDeepAnswer(false);  // "deep" is asked for one answer at a time
    if (d.overridden) {
        m_routing->ask(tr("%1 Answer this message on this computer instead?").arg(d.reason),
                       tr("Answer on this computer"), {}, [this](Choice c) {
                           c == Choice::Accept ? launchLocal() : cancelPrepared();
                       });
        return;
    }
    if (!d.remote)
        return launchLocal();
    const std::optional<service::RemoteEndpoint> endpoint = m_routing->endpoint(d.endpointId);
    if (!endpoint) {
        // decideRoute only picks available endpoints; should it ever not, say so rather than switch.
        m_routing->ask(tr("The remote endpoint cannot be used. Answer this message on this computer instead?"),
                       tr("Answer on this computer"), {}, [this](Choice c) {
                           c == Choice::Accept ? launchLocal() : cancelPrepared();
                       });
        return;
    }
    if (!d.reason.isEmpty() && m_routing->policy().kind == service::RoutePolicy::Kind::Automatic)
        setNotice(d.reason);
    if (m_routing->hostConfirmed(*endpoint))
        return launchRemote(*endpoint);
    const QString host = service::endpointHost(endpoint->baseUrl);
    m_routing->ask(tr("This is the first message to %1 (“%2”). This conversation, your system prompt included, "
                      "will be sent there and leave this computer. Send it?")
                       .arg(host, nameOf(*endpoint)),
                   tr("Send to %1").arg(host), tr("Answer on this computer"), [this, e = *endpoint](Choice c) {
                       if (c == Choice::Accept) {
                           m_routing->confirmHost(e);
                           launchRemote(e);
                       } else if (c == Choice::Other) {
                           setNotice({});
                           launchLocal();
                       } else {
                           cancelPrepared();
                       }
                   });
}

// Starts the Streaming assistant message of the prepared answer; the decision is made, so the model
// that will answer is known.
bool ChatController::beginAnswer(const QString& model) {
    const qint64 parent = m_prepare.parentId;
    m_prepare.parentId = 0;
    auto answer = m_store ? m_store->beginStreaming(m_conversationId, parent, model) : Result<storage::Message>();
    if (!m_store || !check(answer)) {
        emit generatingChanged();
        return false;
    }
    m_active = {};
    m_active.requestId = ++m_nextRequest;
    m_active.messageId = answer->id;
    m_active.parentId = parent;
    m_active.sinceSave.start();
    m_active.sinceView.start();
    m_active.sinceStart.start();
    reloadMessages();
    return true;
}

void ChatController::launchLocal() {
    std::vector<ChatMessage> context = std::move(m_prepare.context);
    if (!beginAnswer(ModelManager::fileNameOf(m_models->modelPath())))
        return;
    QMetaObject::invokeMethod(m_models->worker(), "generate", Qt::QueuedConnection, Q_ARG(quint64, m_active.requestId),
                              Q_ARG(std::vector<lantern::ChatMessage>, context),
                              Q_ARG(lantern::GenerateOptions, m_settings->generateOptions()));
    emit generatingChanged();
    countDraft();  // the gauge now counts the question too (an estimate while the model is busy)
}

void ChatController::launchRemote(const service::RemoteEndpoint& endpoint) {
    std::vector<ChatMessage> context = std::move(m_prepare.context);
    if (!beginAnswer(endpoint.model.isEmpty() ? nameOf(endpoint) : endpoint.model))
        return;
    m_active.remote = true;
    m_active.endpoint = endpoint;
    m_active.remoteHandle = m_routing->startRemote(endpoint, context, m_settings->generateOptions());
    emit generatingChanged();
    countDraft();
}

// The user declined every way to answer (or pressed Stop while asked): the question stays with a stopped,
// empty answer they can regenerate later.
void ChatController::cancelPrepared() {
    const qint64 parent = std::exchange(m_prepare.parentId, 0);
    m_prepare = {};
    if (parent == 0)
        return;
    m_routing->cancelQuestion();
    qint64 id = 0;
    if (m_store) {
        auto answer = m_store->beginStreaming(m_conversationId, parent, {});
        if (check(answer) && check(m_store->finishMessage(answer->id, storage::MessageState::Cancelled)))
            id = answer->id;
    }
    reloadMessages();
    emit generatingChanged();
    if (id != 0)
        emit answerFinished(id);
    countDraft();
}

void ChatController::askAfterLocalFailure(qint64 parentId, const QString& message) {
    const std::optional<service::RemoteEndpoint> endpoint = m_routing->fallbackEndpoint();
    if (!endpoint || parentId == 0)
        return;  // a Private conversation (or local only) has nowhere else to go: the error is the answer
    m_routing->ask(tr("The local model failed: %1 Send this message to “%2” (%3)?")
                       .arg(message, nameOf(*endpoint), service::endpointHost(endpoint->baseUrl)),
                   tr("Send to %1").arg(nameOf(*endpoint)), {}, [this, parentId, e = *endpoint](Choice c) {
                       if (c != Choice::Accept)
                           return;
                       m_routing->confirmHost(e);  // the user just said yes to this host
                       answerUnder(parentId, {Forced::Kind::Remote, e});
                   });
}

void ChatController::onRemoteText(quint64 handle, const QString& text) {
    if (!m_active.remote || handle != m_active.remoteHandle || handle == 0)
        return;
    if (m_active.ttftMs <= 0)
        m_active.ttftMs = double(m_active.sinceStart.nsecsElapsed()) / 1e6;
    appendText(text);
}

storage::MessageStats ChatController::remoteStats(const service::RemoteStats* stats) const {
    storage::MessageStats s;
    s.endpoint = m_active.endpoint.id;
    s.endpointName = m_active.endpoint.name;
    s.endpointHost = service::endpointHost(m_active.endpoint.baseUrl);
    s.ttftMs = m_active.ttftMs;
    if (!stats)
        return s;
    s.remotePromptTokens = stats->promptTokens;
    s.remoteCompletionTokens = stats->completionTokens;
    s.device = stats->model;  // the model the server says answered
    const double decodeMs = double(m_active.sinceStart.nsecsElapsed()) / 1e6 - m_active.ttftMs;
    // Measured here, so only over a stretch long enough to mean something (a proxy may deliver all at once).
    if (stats->completionTokens > 1 && decodeMs >= 100)
        s.tokensPerSecond = (stats->completionTokens - 1) / (decodeMs / 1000.0);
    return s;
}

void ChatController::onRemoteFinished(quint64 handle, const service::RemoteStats& stats) {
    if (!m_active.remote || handle != m_active.remoteHandle || handle == 0)
        return;
    if (stats.finishReason == QLatin1String("length"))
        setNotice(tr("The answer stopped at the length limit of “%1”.").arg(nameOf(m_active.endpoint)));
    finishActive(storage::MessageState::Complete, remoteStats(&stats), {});
}

void ChatController::onRemoteFailed(quint64 handle, const QString& sentence, const QString& keyProblem) {
    if (!m_active.remote || handle != m_active.remoteHandle || handle == 0)
        return;
    const service::RemoteEndpoint endpoint = m_active.endpoint;
    const qint64 parent = m_active.parentId;
    finishActive(storage::MessageState::Error, remoteStats(nullptr),
                 keyProblem.isEmpty() ? sentence : sentence + QLatin1Char(' ') + keyProblem);
    m_routing->ask(tr("“%1” failed: %2 Answer this message on this computer instead?").arg(nameOf(endpoint), sentence),
                   tr("Answer on this computer"), {}, [this, parent](Choice c) {
                       if (c == Choice::Accept)
                           answerUnder(parent, {Forced::Kind::Local, {}});
                   });
}

QString ChatController::totalCostText() const {
    if (!m_store)
        return {};
    qint64 localIn = 0, localOut = 0, remoteTokens = 0;
    auto live = m_store->listConversations({.includeArchived = true});
    auto binned = m_store->deletedConversations();
    QList<storage::Conversation> all = live ? *live : QList<storage::Conversation>{};
    if (binned)
        all += *binned;
    for (const storage::Conversation& c : all) {
        auto messages = m_store->allMessages(c.id);
        if (!messages)
            continue;
        for (const storage::Message& m : *messages) {
            if (m.role != storage::Role::Assistant)
                continue;
            if (m.stats.endpoint.isEmpty()) {
                localIn += m.stats.promptTokens;
                localOut += m.stats.generatedTokens;
            } else {
                remoteTokens += m.stats.remotePromptTokens + m.stats.remoteCompletionTokens;
            }
        }
    }
    QStringList parts;
    parts << (localIn + localOut > 0 ? m_cost->localSentence(localIn, localOut) + QLatin1Char(' ') + m_cost->basis()
                                     : tr("No tokens have run on this computer yet."));
    if (remoteTokens > 0)
        parts << tr("%1 tokens sent to remote endpoints.").arg(QLocale().toString(remoteTokens));
    return tr("All conversations: %1").arg(parts.join(QStringLiteral(" · ")));
}

// Every answer of the conversation counts, other branches included: they all ran.
void ChatController::updateCost() {
    qint64 localIn = 0, localOut = 0, remoteTokens = 0;
    if (m_store && m_conversationId != 0) {
        if (auto all = m_store->allMessages(m_conversationId)) {
            for (const storage::Message& m : *all) {
                if (m.role != storage::Role::Assistant)
                    continue;
                if (m.stats.endpoint.isEmpty()) {
                    localIn += m.stats.promptTokens;
                    localOut += m.stats.generatedTokens;
                } else {
                    remoteTokens += m.stats.remotePromptTokens + m.stats.remoteCompletionTokens;
                }
            }
        }
    }
    QStringList parts;
    if (localIn + localOut > 0)
        parts << m_cost->localSentence(localIn, localOut);
    if (remoteTokens > 0)
        parts << tr("%1 tokens sent away").arg(QLocale().toString(remoteTokens));
    QString text = parts.join(QStringLiteral(" · "));
    QString detail;
    if (localIn + localOut > 0)
        detail = tr("%1 prompt and %2 generated tokens ran on this computer; %3 they would have cost %4.")
                     .arg(QLocale().toString(localIn), QLocale().toString(localOut), m_cost->basis(),
                          m_cost->money(m_cost->cost(localIn, localOut)));
    if (text == m_costText && detail == m_costDetail)
        return;
    m_costText = text;
    m_costDetail = detail;
    emit costTextChanged();
}

}  // namespace lantern::ui
