#pragma once
// The chat's side of hybrid routing (issue 18, service/remote/router.h): the open conversation's privacy and
// routing policy, the endpoints it may use, the "deep answer" flag of the composer, the question the UI
// asks before anything switches engines or first goes to a host, and remote answers streamed through
// RemoteGate (the one place that sends; this class never touches RemoteClient).
//
// ChatController owns one and decides with it; QML reads it as ChatController.routing. GUI thread only.
//
// Keys: a remote request first reads the endpoint's key from the keychain (EndpointStore::readKey, async).
// When no keychain works the request goes without a key (a server on the user's own network often needs
// none); should it then fail, the failed answer's error also says that the keychain could not be read.
#include <QObject>
#include <QString>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "service/remote/endpoints.h"
#include "service/remote/router.h"
#include "storage/records.h"

namespace lantern::storage {
class ConversationStore;
}

namespace lantern::ui {

class ChatRouting : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use ChatController.routing")
    // The open conversation's (or, before its first message, the new one's): "private" | "remote".
    Q_PROPERTY(QString privacy READ privacyName NOTIFY conversationChanged)
    // "local" | "auto" | "auto:<id>" | "remote:<id>" (storage's spelling).
    Q_PROPERTY(QString policy READ policyName NOTIFY conversationChanged)
    Q_PROPERTY(bool localOnly READ localOnly NOTIFY endpointsChanged)
    // [{endpointId, name, host, model}] the chat may use: empty while local only is on.
    Q_PROPERTY(QVariantList endpoints READ endpointList NOTIFY endpointsChanged)
    // The conversation may use remote and there is somewhere to send it: the policy selector is shown.
    Q_PROPERTY(bool remoteAvailable READ remoteAvailable NOTIFY conversationChanged)
    // The composer's "Deep answer" toggle: shown when the policy is Automatic and remote is available.
    Q_PROPERTY(bool deepAvailable READ deepAvailable NOTIFY conversationChanged)
    Q_PROPERTY(bool deepAnswer READ deepAnswer WRITE setDeepAnswer NOTIFY deepAnswerChanged)
    // The question waiting for the user ("" = none), and the labels of its buttons ("" = no such button).
    Q_PROPERTY(QString question READ question NOTIFY questionChanged)
    Q_PROPERTY(QString questionAccept READ questionAccept NOTIFY questionChanged)
    Q_PROPERTY(QString questionOther READ questionOther NOTIFY questionChanged)
public:
    enum class Choice { Accept, Other, Cancel };
    using Answer = std::function<void(Choice)>;

    // endpoints: the store to use (tests pass one on files of their own); nullptr = the application's.
    explicit ChatRouting(std::unique_ptr<service::EndpointStore> endpoints = nullptr, QObject* parent = nullptr);
    ~ChatRouting() override;

    service::EndpointStore* endpointStore() const { return m_endpoints.get(); }
    service::RemoteGate* gate() const { return m_gate; }

    // The conversation the chat shows (0 = a new one, not stored yet: its choices are kept here and
    // written by createConversation through applyTo).
    void setConversation(storage::ConversationStore* store, qint64 conversationId);
    void applyTo(storage::Conversation& fields) const;
    // The new conversation was just stored (its choices were applied): it is the open one now.
    void conversationCreated(qint64 conversationId) { m_conversationId = conversationId; }
    service::Privacy privacy() const { return m_privacy; }
    service::RoutePolicy policy() const { return m_policy; }
    QString privacyName() const { return service::privacyName(m_privacy); }
    QString policyName() const { return service::routePolicyName(m_policy); }
    bool localOnly() const { return m_endpoints->localOnly(); }
    QVariantList endpointList() const;
    bool remoteAvailable() const;
    bool deepAvailable() const;
    bool deepAnswer() const { return m_deep; }
    void setDeepAnswer(bool deep);

    // QML calls these after the user confirmed (the privacy dialog is QML's). False when not stored.
    Q_INVOKABLE bool setPrivacy(const QString& privacy);
    Q_INVOKABLE bool setPolicy(const QString& policy);

    // Whether this conversation's answer of promptTokens would be decided by the prompt's size (Automatic
    // with remote available): only then is the prompt counted before deciding.
    bool decisionNeedsCount() const;
    service::RouteDecision decide(int promptTokens, int localContext) const;
    std::optional<service::RemoteEndpoint> endpoint(const QString& id) const;
    // The endpoint a failed local answer may be offered to: the policy's, else the first available; none
    // when the conversation is Private or local only is on.
    std::optional<service::RemoteEndpoint> fallbackEndpoint() const;
    bool hostConfirmed(const service::RemoteEndpoint& endpoint) const;
    void confirmHost(const service::RemoteEndpoint& endpoint);

    // The question. A new one replaces (cancels) the one before.
    void ask(const QString& text, const QString& accept, const QString& other, Answer answer);
    bool asking() const { return bool(m_answer); }
    QString question() const { return m_question; }
    QString questionAccept() const { return m_accept; }
    QString questionOther() const { return m_other; }
    // "accept", "other" or anything else (cancel).
    Q_INVOKABLE void answerQuestion(const QString& choice);
    void cancelQuestion() { answer(Choice::Cancel); }

    // Streams an answer from the endpoint through RemoteGate with this conversation's privacy. Returns a
    // handle (never 0); what follows is remoteText*, then exactly one of remoteFinished / remoteFailed (a
    // refusal of the gate is a failure with its reason), or nothing after abortRemote.
    quint64 startRemote(const service::RemoteEndpoint& endpoint, const std::vector<lantern::ChatMessage>& messages,
                        const lantern::GenerateOptions& options);
    void abortRemote(quint64 handle);

signals:
    void conversationChanged();
    void endpointsChanged();
    void deepAnswerChanged();
    void questionChanged();
    void remoteText(quint64 handle, const QString& text);
    void remoteFinished(quint64 handle, const lantern::service::RemoteStats& stats);
    // keyProblem: why no key could be read from the keychain ("" when one was, or none was stored).
    void remoteFailed(quint64 handle, const QString& sentence, const QString& keyProblem);

private:
    struct Request {
        quint64 handle = 0;
        quint64 gateId = 0;  // 0 while the key is being read
        service::RemoteEndpoint endpoint;
        service::Privacy privacy = service::Privacy::Private;  // of the conversation it came from
        std::vector<lantern::ChatMessage> messages;
        lantern::GenerateOptions options;
        QString keyProblem;  // why the keychain gave no key, when it gave none
    };
    void answer(Choice choice);
    void onKey(const QString& endpointId, const QString& key, const QString& problem);
    Request* byGateId(quint64 id);
    void drop(quint64 handle);

    std::unique_ptr<service::EndpointStore> m_endpoints;
    service::RemoteGate* m_gate = nullptr;
    storage::ConversationStore* m_store = nullptr;
    qint64 m_conversationId = 0;
    service::Privacy m_privacy = service::Privacy::Private;
    service::RoutePolicy m_policy;
    bool m_deep = false;
    QString m_question, m_accept, m_other;
    Answer m_answer;
    std::vector<Request> m_requests;
    quint64 m_nextHandle = 0;
    QString m_refusal;  // the gate's last refused() reason, read right after send() returned nothing
};

}  // namespace lantern::ui
