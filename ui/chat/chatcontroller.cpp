#include "ui/chat/chatcontroller.h"

#include <QClipboard>
#include <algorithm>
#include <QDesktopServices>
#include <QGuiApplication>
#include <QJSEngine>
#include <QQmlEngine>
#include <QUrl>

#include "storage/recovery.h"
#include "storage/storagepaths.h"
#include "service/errortext.h"
#include "ui/chat/databaserecovery.h"
#include "ui/chat/messageformatter.h"
#include "ui/settings/appsettings.h"

namespace lantern::ui {

namespace {
// The streaming answer is written to disk at least this often (crash safety vs. write load).
constexpr int kSaveIntervalMs = 250;
constexpr int kUndoWindowMs = 10000;
constexpr int kTitleLength = 60;

ChatController* g_instance = nullptr;

QString titleFrom(const QString& text) {
    QString line = text.trimmed().section(QLatin1Char('\n'), 0, 0).simplified();
    if (line.size() > kTitleLength)
        line = line.left(kTitleLength - 1).trimmed() + QChar(0x2026);
    return line;
}
}  // namespace

ChatController::ChatController(std::unique_ptr<storage::ConversationStore> store, const QString& storeError,
                               AppSettings* settings, ModelLoader loader,
                               std::unique_ptr<service::EndpointStore> endpoints, QObject* parent)
    : QObject(parent), m_store(std::move(store)), m_settings(settings),
      m_models(new ModelManager(settings, std::move(loader), this)),
      m_routing(new ChatRouting(std::move(endpoints), this)), m_cost(new CostLens(this)) {
    m_messages.setCostLens(m_cost);
    connect(m_routing, &ChatRouting::remoteText, this, &ChatController::onRemoteText);
    connect(m_routing, &ChatRouting::remoteFinished, this, &ChatController::onRemoteFinished);
    connect(m_routing, &ChatRouting::remoteFailed, this, &ChatController::onRemoteFailed);
    connect(m_cost, &CostLens::changed, this, &ChatController::updateCost);
    InferenceWorker* worker = m_models->worker();
    connect(worker, &InferenceWorker::textArrived, this, &ChatController::onText);
    connect(worker, &InferenceWorker::generationFinished, this, &ChatController::onFinished);
    connect(worker, &InferenceWorker::generationFailed, this, &ChatController::onFailed);
    connect(worker, &InferenceWorker::generationInterrupted, this, &ChatController::onInterrupted);
    connect(worker, &InferenceWorker::tokensCounted, this, &ChatController::onTokensCounted);
    connect(m_models, &ModelManager::stateChanged, this, [this] {
        emit contextLimitChanged();
        countDraft();
    });
    connect(m_settings, &AppSettings::contextSizeChanged, this, &ChatController::contextLimitChanged);
    m_undoTimer.setSingleShot(true);
    m_undoTimer.setInterval(kUndoWindowMs);
    connect(&m_undoTimer, &QTimer::timeout, this, [this] {
        m_undoId = 0;
        m_undoText.clear();
        emit undoTextChanged();
    });
    m_viewTimer.setSingleShot(true);
    connect(&m_viewTimer, &QTimer::timeout, this, &ChatController::pushStreamingText);
    m_draftTimer.setSingleShot(true);
    m_draftTimer.setInterval(300);
    connect(&m_draftTimer, &QTimer::timeout, this, &ChatController::countDraft);
    if (!m_store)
        setError(tr("Your conversations cannot be opened, so nothing you write will be saved. %1").arg(storeError));
    reloadConversations();
}

ChatController::~ChatController() {
    // Quitting mid-answer keeps the partial answer: it is saved and marked as stopped.
    if (m_active.requestId != 0)
        stop();
    if (g_instance == this)
        g_instance = nullptr;
}

void ChatController::setInstance(ChatController* controller) {
    g_instance = controller;
    if (controller)
        QJSEngine::setObjectOwnership(controller, QJSEngine::CppOwnership);
}

std::unique_ptr<ChatController> ChatController::createDefault() {
    // A damaged database is moved aside and replaced by an empty one; DatabaseRecovery offers the
    // last good copy (see storage/recovery.h).
    const QString path = storage::databasePath();
    auto opened = storage::openRecovering(path);
    QString error;
    std::unique_ptr<storage::ConversationStore> store;
    if (opened) {
        store = std::move(opened->store);
        DatabaseRecovery::instance()->setReport(path, opened->report);
    } else {
        error = describeError(opened.error());
    }
    return std::make_unique<ChatController>(std::move(store), error, AppSettings::instance(), ModelLoader{});
}

ChatController* ChatController::create(QQmlEngine*, QJSEngine*) {
    if (!g_instance) {
        auto created = createDefault().release();
        created->setParent(qApp);
        setInstance(created);
        created->models()->start();
    }
    return g_instance;
}

int ChatController::contextLimit() const {
    if (m_models->contextLength() > 0)
        return m_models->contextLength();
    return m_settings->contextSize() > 0 ? m_settings->contextSize() : 8192;
}

bool ChatController::check(const Result<void>& result) {
    if (result)
        return true;
    reportError(result.error());
    return false;
}

void ChatController::reportError(const Error& error) { setError(describeError(error)); }

void ChatController::setError(const QString& text) {
    if (text == m_errorText)
        return;
    m_errorText = text;
    emit errorTextChanged();
}

void ChatController::setNotice(const QString& text) {
    if (text == m_noticeText)
        return;
    m_noticeText = text;
    emit noticeTextChanged();
}

void ChatController::dismissError() { setError({}); }
void ChatController::dismissNotice() { setNotice({}); }

void ChatController::setShowArchived(bool show) {
    if (show == m_showArchived)
        return;
    m_showArchived = show;
    emit showArchivedChanged();
    reloadConversations();
}

void ChatController::reloadConversations() {
    if (!m_store)
        return;
    storage::ConversationFilter filter;
    filter.onlyArchived = m_showArchived;
    auto list = m_store->listConversations(filter);
    if (check(list))
        m_conversations.setConversations(*list);
}

void ChatController::reloadMessages() {
    if (!m_store || m_conversationId == 0) {
        m_messages.clear();
        return;
    }
    auto path = m_store->activePath(m_conversationId);
    if (!check(path))
        return;
    QList<MessageModel::Row> rows;
    rows.reserve(path->size());
    for (const storage::Message& m : *path) {
        MessageModel::Row row{m, 1, 1};
        auto siblings = m_store->siblings(m.id);
        if (siblings && siblings->size() > 1) {
            row.siblingCount = int(siblings->size());
            for (qsizetype i = 0; i < siblings->size(); ++i)
                if ((*siblings)[i].id == m.id)
                    row.siblingIndex = int(i) + 1;
        }
        // The streaming answer's text lives in memory between saves; keep the newest.
        if (m.id == m_active.messageId)
            row.message.content = m_active.content;
        rows.append(row);
    }
    m_messages.setRows(rows);
    updateCost();
}

void ChatController::setCurrent(qint64 conversationId) {
    QString title;
    if (conversationId != 0 && m_store) {
        auto c = m_store->conversation(conversationId);
        if (!check(c))
            conversationId = 0;
        else
            title = c->title;
    }
    const bool changed = conversationId != m_conversationId || title != m_title;
    m_conversationId = conversationId;
    m_title = title;
    m_routing->cancelQuestion();
    m_routing->setConversation(m_store.get(), conversationId);
    if (changed)
        emit currentConversationChanged();
    reloadMessages();
    countDraft();
}

void ChatController::newConversation() {
    stop();
    setCurrent(0);
    setNotice({});
}

void ChatController::openConversation(qint64 conversationId) {
    if (conversationId == m_conversationId)
        return;
    stop();
    setNotice({});
    setCurrent(conversationId);
}

std::vector<ChatMessage> ChatController::contextUpTo(int rowExclusive) const {
    std::vector<ChatMessage> out;
    if (!m_settings->systemPrompt().trimmed().isEmpty())
        out.push_back({"system", m_settings->systemPrompt().toStdString()});
    for (int i = 0; i < rowExclusive; ++i) {
        const MessageModel::Row* row = m_messages.row(i);
        if (!row)
            break;
        const storage::Message& m = row->message;
        // Earlier reasoning is not sent back: the visible answer is what the conversation is about.
        const QString text = m.role == storage::Role::Assistant ? MessageFormatter::withoutThinking(m.content) : m.content;
        if (m.role == storage::Role::Assistant && text.trimmed().isEmpty())
            continue;
        out.push_back({storage::roleName(m.role).toStdString(), text.toStdString()});
    }
    return out;
}

bool ChatController::send(const QString& text) {
    const QString content = text.trimmed();
    if (content.isEmpty() || generating() || !m_store)
        return false;
    if (m_conversationId == 0) {
        storage::Conversation fields;
        fields.title = titleFrom(content);
        fields.modelFile = ModelManager::fileNameOf(m_models->modelPath());
        fields.systemPrompt = m_settings->systemPrompt();
        m_routing->applyTo(fields);
        auto created = m_store->createConversation(fields);
        if (!check(created))
            return false;
        m_conversationId = created->id;
        m_routing->conversationCreated(created->id);
        m_title = created->title;
        emit currentConversationChanged();
    }
    const int last = m_messages.rowCount() - 1;
    const qint64 parent = last >= 0 ? m_messages.row(last)->message.id : 0;
    storage::Message fields;
    fields.role = storage::Role::User;
    fields.content = content;
    auto user = m_store->addMessage(m_conversationId, parent, fields);
    if (!check(user))
        return false;
    answerUnder(user->id);
    reloadConversations();
    return true;
}

void ChatController::onText(quint64 requestId, const QString& text) {
    if (requestId != m_active.requestId || requestId == 0 || m_active.remote)
        return;  // text of a stopped request that was already on its way
    appendText(text);
}

void ChatController::appendText(const QString& text) {
    m_active.content += text;
    // The view re-renders the whole answer's markdown on each update, so a long answer is shown at
    // most every ~length/100 ms (16 ms for short answers, 250 ms at most): frames stay short.
    const qint64 interval = std::clamp<qint64>(m_active.content.size() / 100, 16, 250);
    if (m_active.sinceView.elapsed() >= interval)
        pushStreamingText();
    else if (!m_viewTimer.isActive())
        m_viewTimer.start(int(interval - m_active.sinceView.elapsed()));
    if (m_active.sinceSave.elapsed() >= kSaveIntervalMs && m_store) {
        check(m_store->updateStreamingMessage(m_active.messageId, m_active.content));
        m_active.sinceSave.restart();
    }
}

void ChatController::pushStreamingText() {
    if (m_active.requestId == 0)
        return;
    m_viewTimer.stop();
    m_messages.setStreamingContent(m_active.messageId, m_active.content);
    m_active.sinceView.restart();
}

void ChatController::finishActive(storage::MessageState state, const storage::MessageStats& stats,
                                  const QString& error) {
    const qint64 id = m_active.messageId;
    const QString content = m_active.content;
    m_viewTimer.stop();
    m_messages.setStreamingContent(id, content);
    m_active = {};
    if (m_store) {
        check(m_store->updateStreamingMessage(id, content));
        check(m_store->finishMessage(id, state, stats, error));
        auto stored = m_store->message(id);
        if (stored)
            m_messages.updateMessage(*stored);
    }
    updateCost();
    emit generatingChanged();
    emit answerFinished(id);
    reloadConversations();
    countDraft();
}

void ChatController::onFinished(quint64 requestId, const GenerateStats& stats) {
    if (requestId != m_active.requestId || requestId == 0 || m_active.remote)
        return;
    storage::MessageStats s;
    s.ttftMs = stats.timeToFirstTokenMs;
    s.tokensPerSecond = stats.decodeTokensPerSecond;
    s.promptTokens = int(stats.promptTokens);
    s.generatedTokens = int(stats.generatedTokens);
    s.device = m_models->deviceName();
    const bool cancelled = stats.stopReason == "cancelled";
    if (!stats.droppedMessages.empty())
        setNotice(tr("The conversation is longer than the model's context, so the %1 oldest messages were left out "
                     "of this answer. Your system prompt was kept.").arg(stats.droppedMessages.size()));
    else if (stats.stopReason == "context")
        setNotice(tr("The answer stopped because the context is full. Start a new chat or raise the context size in "
                     "Settings."));
    finishActive(cancelled ? storage::MessageState::Cancelled : storage::MessageState::Complete, s, {});
}

void ChatController::onFailed(quint64 requestId, const QString& message) {
    if (requestId != m_active.requestId || requestId == 0 || m_active.remote)
        return;
    const qint64 parent = m_active.parentId;
    finishActive(storage::MessageState::Error, {}, message);
    askAfterLocalFailure(parent, message);
}

// The engine process stopped under this answer and was restarted: the text so far is kept, marked interrupted, with
// the sentence that says what happened and offers Retry (MessageDelegate.qml).
void ChatController::onInterrupted(quint64 requestId, const QString& message) {
    if (requestId != m_active.requestId || requestId == 0 || m_active.remote)
        return;
    storage::MessageStats s;
    s.device = m_models->deviceName();
    finishActive(storage::MessageState::Interrupted, s, message);
}

void ChatController::stop() {
    if (m_active.requestId == 0) {
        if (m_prepare.parentId != 0)
            cancelPrepared();
        return;
    }
    if (m_active.remote) {
        m_routing->abortRemote(m_active.remoteHandle);
        finishActive(storage::MessageState::Cancelled, remoteStats(nullptr), {});
        return;
    }
    m_models->worker()->cancelGeneration(m_active.requestId);
    finishActive(storage::MessageState::Cancelled, {}, {});
}

void ChatController::regenerate(qint64 assistantMessageId) {
    if (generating() || !m_store)
        return;
    // A new answer beside this one, under the same question, routed afresh.
    auto old = m_store->message(assistantMessageId);
    if (!check(old))
        return;
    if (old->role != storage::Role::Assistant || old->parentId == 0)
        return;
    answerUnder(old->parentId);
}

void ChatController::editMessage(qint64 messageId, const QString& newContent) {
    if (generating() || !m_store || newContent.trimmed().isEmpty())
        return;
    auto edited = m_store->editMessage(messageId, newContent.trimmed());
    if (!check(edited))
        return;
    if (edited->role != storage::Role::User) {
        reloadMessages();
        return;
    }
    // An edited question gets a new answer on its new branch.
    answerUnder(edited->id);
}

void ChatController::switchSibling(qint64 messageId, int delta) {
    if (generating() || !m_store)
        return;
    auto siblings = m_store->siblings(messageId);
    if (!check(siblings))
        return;
    qsizetype at = -1;
    for (qsizetype i = 0; i < siblings->size(); ++i)
        if ((*siblings)[i].id == messageId)
            at = i;
    const qsizetype target = at + delta;
    if (at < 0 || target < 0 || target >= siblings->size())
        return;
    if (check(m_store->switchBranch((*siblings)[target].id)))
        reloadMessages();
}

void ChatController::deleteMessage(qint64 messageId) {
    if (generating() || !m_store)
        return;
    if (check(m_store->deleteBranch(messageId)))
        reloadMessages();
}

void ChatController::renameConversation(qint64 conversationId, const QString& title) {
    const QString clean = title.simplified();
    if (!m_store || clean.isEmpty() || !check(m_store->renameConversation(conversationId, clean)))
        return;
    if (conversationId == m_conversationId) {
        m_title = clean;
        emit currentConversationChanged();
    }
    reloadConversations();
}

void ChatController::setPinned(qint64 conversationId, bool pinned) {
    if (m_store && check(m_store->setPinned(conversationId, pinned)))
        reloadConversations();
}

void ChatController::setArchived(qint64 conversationId, bool archived) {
    if (m_store && check(m_store->setArchived(conversationId, archived)))
        reloadConversations();
}

void ChatController::deleteConversation(qint64 conversationId) {
    if (!m_store)
        return;
    auto c = m_store->conversation(conversationId);
    if (!check(c))
        return;
    if (conversationId == m_conversationId)
        newConversation();
    if (!check(m_store->deleteConversation(conversationId)))
        return;
    m_undoId = conversationId;
    m_undoText = tr("Deleted “%1”").arg(c->title.isEmpty() ? tr("New chat") : c->title);
    m_undoTimer.start();
    emit undoTextChanged();
    reloadConversations();
    if (!m_searchQuery.isEmpty())
        search(m_searchQuery);
}

void ChatController::undoDelete() {
    if (!m_store || m_undoId == 0)
        return;
    const qint64 id = m_undoId;
    m_undoId = 0;
    m_undoText.clear();
    m_undoTimer.stop();
    emit undoTextChanged();
    if (check(m_store->undoDelete(id))) {
        reloadConversations();
        openConversation(id);
    }
}

void ChatController::search(const QString& query) {
    const QString q = query.trimmed();
    if (q != m_searchQuery) {
        m_searchQuery = q;
        emit searchQueryChanged();
    }
    if (!m_store || q.isEmpty()) {
        m_searchResults.setHits({});
        return;
    }
    auto hits = m_store->search(q, 50);
    if (check(hits))
        m_searchResults.setHits(*hits);
}

void ChatController::openSearchHit(qint64 conversationId, qint64 messageId) {
    openConversation(conversationId);
    if (messageId == 0 || !m_store)
        return;
    int row = m_messages.rowOf(messageId);
    if (row < 0 && check(m_store->switchBranch(messageId))) {
        // The hit sits on another branch: make that branch the visible one.
        reloadMessages();
        row = m_messages.rowOf(messageId);
    }
    if (row >= 0)
        emit jumpRequested(row, m_searchQuery);
}

void ChatController::updateDraft(const QString& text) {
    m_draft = text;
    m_draftTimer.start();
}

void ChatController::countDraft() {
    std::vector<ChatMessage> messages = contextUpTo(m_messages.rowCount());
    if (!m_draft.trimmed().isEmpty())
        messages.push_back({"user", m_draft.toStdString()});
    if (m_models->isReady() && !generating()) {
        QMetaObject::invokeMethod(m_models->worker(), "countTokens", Qt::QueuedConnection,
                                  Q_ARG(quint64, ++m_countRequest), Q_ARG(std::vector<lantern::ChatMessage>, messages));
        return;
    }
    // No model to ask (or it is busy): about four characters per token in English text. A count still on its
    // way from the worker is for an older state (e.g. the empty chat before this answer started): drop it.
    ++m_countRequest;
    qsizetype chars = 0;
    for (const auto& m : messages)
        chars += qsizetype(m.content.size());
    m_draftTokens = int((chars + 3) / 4);
    m_draftEstimated = true;
    emit draftTokensChanged();
}

void ChatController::onTokensCounted(quint64 requestId, int tokens) {
    if (requestId != 0 && requestId == m_prepare.countRequest && m_prepare.parentId != 0) {
        decide(tokens >= 0 ? tokens : int((m_draftTokens)));
        return;
    }
    if (requestId != m_countRequest || tokens < 0)
        return;
    m_draftTokens = tokens;
    m_draftEstimated = false;
    emit draftTokensChanged();
}

void ChatController::copyText(const QString& text) {
    if (QClipboard* clipboard = QGuiApplication::clipboard())
        clipboard->setText(text);
}

QString ChatController::copyableText(const QString& content) const { return MessageFormatter::withoutThinking(content); }

bool ChatController::openLink(const QString& url) {
    const QUrl u(url);
    const QString scheme = u.scheme().toLower();
    // Only ordinary web and mail links leave the app; anything else (file:, javascript:, custom
    // schemes a model made up) is refused.
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https") && scheme != QLatin1String("mailto"))
        return false;
    return QDesktopServices::openUrl(u);
}

}  // namespace lantern::ui
