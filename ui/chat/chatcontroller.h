#pragma once
// The chat's single point of control for QML: the open conversation, sending and streaming answers,
// stop, regenerate, edit, branches, delete with undo, rename, pin, archive and search. It owns the
// conversation store (GUI thread), the view models and the ModelManager (inference thread).
//
// One answer: send() stores the user message, starts a Streaming assistant message and queues a
// request to the worker. Text batches (~16 ms) update the MessageModel at once and the store every
// ~250 ms (crash-safe); the end stores the final text and the stats. Stop marks the answer cancelled
// immediately and sets the worker's atomic flag; late text of a stopped request is ignored.
//
// Hybrid routing (issue 18; the rules in service/remote/router.h): before each answer (send, regenerate,
// edit) the route is decided with service::decideRoute from the conversation's privacy and policy
// (ChatRouting), the prompt's token count (asked of the worker only when Automatic could go remote) and
// the composer's "deep answer" flag. A remote answer streams through RemoteGate into the same message
// and store path as a local one; Stop aborts it. An overridden policy, a first message to a host, and a
// failed engine become a question (ChatRouting::question) the user answers: nothing switches silently.
// Each answer's MessageStats says who answered (endpoint empty = this computer).
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <QtQml/qqmlregistration.h>
#include <memory>

#include "storage/conversationstore.h"
#include "ui/chat/chatrouting.h"
#include "ui/chat/codehighlighter.h"
#include "ui/chat/costlens.h"
#include "ui/chat/conversationlistmodel.h"
#include "service/inferenceworker.h"
#include "ui/chat/messagemodel.h"
#include "ui/chat/searchresultmodel.h"
#include "ui/library/modelmanager.h"

class QQmlEngine;
class QJSEngine;

namespace lantern::ui {

class AppSettings;

class ChatController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(lantern::ui::ConversationListModel* conversations READ conversations CONSTANT)
    Q_PROPERTY(lantern::ui::MessageModel* messages READ messages CONSTANT)
    Q_PROPERTY(lantern::ui::SearchResultModel* searchResults READ searchResults CONSTANT)
    Q_PROPERTY(lantern::ui::ModelManager* models READ models CONSTANT)
    Q_PROPERTY(lantern::ui::CodeHighlighter* highlighter READ highlighter CONSTANT)
    Q_PROPERTY(lantern::ui::ChatRouting* routing READ routing CONSTANT)
    Q_PROPERTY(lantern::ui::CostLens* cost READ cost CONSTANT)
    // The open conversation's cost lens: "1,240 tokens on this computer ≈ $0.004 saved" (+ tokens sent away).
    Q_PROPERTY(QString costText READ costText NOTIFY costTextChanged)
    Q_PROPERTY(QString costDetail READ costDetail NOTIFY costTextChanged)
    Q_PROPERTY(qint64 currentConversationId READ currentConversationId NOTIFY currentConversationChanged)
    Q_PROPERTY(QString currentTitle READ currentTitle NOTIFY currentConversationChanged)
    Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged)
    Q_PROPERTY(bool showArchived READ showArchived WRITE setShowArchived NOTIFY showArchivedChanged)
    Q_PROPERTY(QString searchQuery READ searchQuery NOTIFY searchQueryChanged)
    // Tokens the conversation plus the draft would take; estimated (chars/4) while no model is loaded.
    Q_PROPERTY(int draftTokens READ draftTokens NOTIFY draftTokensChanged)
    Q_PROPERTY(bool draftTokensEstimated READ draftTokensEstimated NOTIFY draftTokensChanged)
    Q_PROPERTY(int contextLimit READ contextLimit NOTIFY contextLimitChanged)
    // A sentence for the banner above the composer (storage or generation problems); "" = none.
    Q_PROPERTY(QString errorText READ errorText NOTIFY errorTextChanged)
    // A short notice, e.g. that older turns were left out of the context; "" = none.
    Q_PROPERTY(QString noticeText READ noticeText NOTIFY noticeTextChanged)
    // "Deleted “Title”" while the last delete can be undone; "" = nothing to undo.
    Q_PROPERTY(QString undoText READ undoText NOTIFY undoTextChanged)
public:
    // endpoints: the remote endpoints (tests pass a store on files of their own); nullptr = the application's.
    ChatController(std::unique_ptr<storage::ConversationStore> store, const QString& storeError,
                   AppSettings* settings, ModelLoader loader,
                   std::unique_ptr<service::EndpointStore> endpoints = nullptr, QObject* parent = nullptr);
    ~ChatController() override;

    // The instance QML gets. The app (and the QML tests) set it before loading QML; otherwise
    // create() builds one on the user's real database and the real engine.
    static void setInstance(ChatController* controller);
    static ChatController* create(QQmlEngine*, QJSEngine*);
    static std::unique_ptr<ChatController> createDefault();

    ConversationListModel* conversations() { return &m_conversations; }
    MessageModel* messages() { return &m_messages; }
    SearchResultModel* searchResults() { return &m_searchResults; }
    ModelManager* models() { return m_models; }
    CodeHighlighter* highlighter() { return &m_highlighter; }
    ChatRouting* routing() { return m_routing; }
    CostLens* cost() { return m_cost; }
    QString costText() const { return m_costText; }
    QString costDetail() const { return m_costDetail; }
    storage::ConversationStore* store() { return m_store.get(); }
    qint64 currentConversationId() const { return m_conversationId; }
    QString currentTitle() const { return m_title; }
    // An answer streams, or its route is being decided (counting the prompt, or a question to the user).
    bool generating() const { return m_active.requestId != 0 || m_prepare.parentId != 0; }
    bool showArchived() const { return m_showArchived; }
    void setShowArchived(bool show);
    QString searchQuery() const { return m_searchQuery; }
    int draftTokens() const { return m_draftTokens; }
    bool draftTokensEstimated() const { return m_draftEstimated; }
    int contextLimit() const;
    QString errorText() const { return m_errorText; }
    QString noticeText() const { return m_noticeText; }
    QString undoText() const { return m_undoText; }

    Q_INVOKABLE void newConversation();
    Q_INVOKABLE void openConversation(qint64 conversationId);
    Q_INVOKABLE bool send(const QString& text);
    Q_INVOKABLE void stop();
    Q_INVOKABLE void regenerate(qint64 assistantMessageId);
    Q_INVOKABLE void editMessage(qint64 messageId, const QString& newContent);
    Q_INVOKABLE void switchSibling(qint64 messageId, int delta);
    Q_INVOKABLE void deleteMessage(qint64 messageId);
    Q_INVOKABLE void renameConversation(qint64 conversationId, const QString& title);
    Q_INVOKABLE void setPinned(qint64 conversationId, bool pinned);
    Q_INVOKABLE void setArchived(qint64 conversationId, bool archived);
    Q_INVOKABLE void deleteConversation(qint64 conversationId);
    Q_INVOKABLE void undoDelete();
    Q_INVOKABLE void search(const QString& query);
    Q_INVOKABLE void openSearchHit(qint64 conversationId, qint64 messageId);
    Q_INVOKABLE void updateDraft(const QString& text);
    Q_INVOKABLE void copyText(const QString& text);
    Q_INVOKABLE QString copyableText(const QString& content) const;
    Q_INVOKABLE bool openLink(const QString& url);
    Q_INVOKABLE void dismissError();
    Q_INVOKABLE void dismissNotice();
    // The cost lens over every conversation (archived and binned ones included), for Settings.
    Q_INVOKABLE QString totalCostText() const;

signals:
    void currentConversationChanged();
    void generatingChanged();
    void showArchivedChanged();
    void searchQueryChanged();
    void draftTokensChanged();
    void contextLimitChanged();
    void errorTextChanged();
    void noticeTextChanged();
    void undoTextChanged();
    void costTextChanged();
    // The view scrolls to this row of `messages` (a search hit).
    void jumpRequested(int row, const QString& query);
    // An answer finished (complete, cancelled or failed) and is stored.
    void answerFinished(qint64 messageId);

private:
    struct Active {
        quint64 requestId = 0;
        qint64 messageId = 0;
        qint64 parentId = 0;  // the question it answers (to offer the other engine after a failure)
        QString content;
        QElapsedTimer sinceSave;
        QElapsedTimer sinceView;
        // Remote answers: the endpoint, ChatRouting's handle, and timing the client does not report.
        bool remote = false;
        service::RemoteEndpoint endpoint;
        quint64 remoteHandle = 0;
        QElapsedTimer sinceStart;
        double ttftMs = 0;
    };
    // An answer whose route is being decided: under which message, with which context.
    struct Prepare {
        qint64 parentId = 0;
        std::vector<ChatMessage> context;
        quint64 countRequest = 0;
    };
    // A route the user already chose (after a question): decided no further.
    struct Forced {
        enum class Kind { None, Local, Remote } kind = Kind::None;
        service::RemoteEndpoint endpoint;
    };

    bool check(const Result<void>& result);
    template <class T>
    bool check(const Result<T>& result) {
        if (result)
            return true;
        reportError(result.error());
        return false;
    }
    void reportError(const Error& error);
    void setError(const QString& text);
    void setNotice(const QString& text);
    void reloadConversations();
    void reloadMessages();
    void setCurrent(qint64 conversationId);
    std::vector<ChatMessage> contextUpTo(int rowExclusive) const;
    void answerUnder(qint64 parentId) { answerUnder(parentId, Forced{}); }
    void answerUnder(qint64 parentId, const Forced& forced);
    void decide(int promptTokens);
    bool beginAnswer(const QString& model);
    void launchLocal();
    void launchRemote(const service::RemoteEndpoint& endpoint);
    void cancelPrepared();
    void askAfterLocalFailure(qint64 parentId, const QString& message);
    void onRemoteText(quint64 handle, const QString& text);
    void onRemoteFinished(quint64 handle, const service::RemoteStats& stats);
    void onRemoteFailed(quint64 handle, const QString& sentence, const QString& keyProblem);
    storage::MessageStats remoteStats(const service::RemoteStats* stats) const;
    void updateCost();
    void onText(quint64 requestId, const QString& text);
    void appendText(const QString& text);
    void pushStreamingText();
    void onFinished(quint64 requestId, const GenerateStats& stats);
    void onFailed(quint64 requestId, const QString& message);
    void onInterrupted(quint64 requestId, const QString& message);
    void finishActive(storage::MessageState state, const storage::MessageStats& stats, const QString& error);
    void countDraft();
    void onTokensCounted(quint64 requestId, int tokens);

    std::unique_ptr<storage::ConversationStore> m_store;
    AppSettings* m_settings;
    ModelManager* m_models;
    ConversationListModel m_conversations;
    MessageModel m_messages;
    SearchResultModel m_searchResults;
    CodeHighlighter m_highlighter;
    ChatRouting* m_routing;
    CostLens* m_cost;
    QString m_costText;
    QString m_costDetail;
    Prepare m_prepare;
    qint64 m_conversationId = 0;
    QString m_title;
    bool m_showArchived = false;
    QString m_searchQuery;
    Active m_active;
    quint64 m_nextRequest = 0;
    QString m_errorText;
    QString m_noticeText;
    qint64 m_undoId = 0;
    QString m_undoText;
    QTimer m_undoTimer;
    QTimer m_viewTimer;  // coalesces view updates of long streaming answers
    QString m_draft;
    QTimer m_draftTimer;
    quint64 m_countRequest = 0;
    int m_draftTokens = 0;
    bool m_draftEstimated = true;
};

}  // namespace lantern::ui
