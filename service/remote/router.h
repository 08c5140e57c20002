#pragma once
// Hybrid routing: which engine answers a conversation's message, and the one gate every remote request
// passes through (../shared/notes/server-routing-downloads.md §3, issue 18 "Hybrid routing").
//
// PRIVACY RULE. A conversation is Private unless the user marked it "may use remote". A Private
// conversation's text never leaves the machine, and while the global "local only" switch is on nothing
// does. RemoteGate::send is THE ONE place that sends conversation text to a remote endpoint; RemoteClient
// cannot send without the permit only RemoteGate makes. Every task that derives text from a conversation
// and could run remotely -- answers, titles, summaries, translation side tasks, "continue", regenerate --
// must go through RemoteGate::send with THAT conversation's Privacy (never a default, never MayUseRemote
// "because it is only a title"); when the gate refuses, run the task locally.
//
// Routing never switches engines silently: when decideRoute cannot follow the policy (a named remote that
// is gone or hidden), the decision says so (overridden + reason) and the UI tells the user; when the chosen
// engine fails, the UI asks before trying the other one.
#include <QObject>
#include <QString>

#include <optional>
#include <vector>

#include "inference/engine.h"
#include "service/remote/endpoints.h"
#include "service/remote/remoteclient.h"

namespace lantern::service {

enum class Privacy {
    Private,       // local only: the default of every conversation
    MayUseRemote,  // the user allowed remote endpoints for this conversation
};

struct RoutePolicy {
    enum class Kind {
        Local,      // always this machine
        Remote,     // always the endpoint endpointId
        Automatic,  // remote (endpointId, or the first available when empty) when the prompt does not fit
                    // the local context or a deep answer was asked for; local otherwise
    };
    Kind kind = Kind::Local;
    QString endpointId;

    bool operator==(const RoutePolicy&) const = default;
};

// The database spelling (storage: conversations.privacy / conversations.routing):
// "private" | "remote"; "local" | "auto" | "auto:<endpoint id>" | "remote:<endpoint id>".
// Unknown spellings read as the safe default (Private, Local).
Privacy privacyFromName(const QString& name);
QString privacyName(Privacy privacy);
RoutePolicy routePolicyFromName(const QString& name);
QString routePolicyName(const RoutePolicy& policy);

struct RouteDecision {
    bool remote = false;
    QString endpointId;  // when remote
    QString reason;  // a translated sentence for the message's badge/tooltip ("Sent to X: the prompt ...")
    bool overridden = false;  // the policy asked for a remote that cannot be used: the UI must say so

    bool operator==(const RouteDecision&) const = default;
};

// Pure. Private or localOnly: always local. Local: local. Remote: that endpoint when it is in `available`,
// else local with overridden = true. Automatic: remote when promptTokens does not fit localContext (leaves
// no token to answer) or deepRequested, and an endpoint is available; local otherwise. localContext <= 0
// (no local model loaded) counts as "fits": the local attempt then fails visibly and the UI asks.
RouteDecision decideRoute(Privacy privacy, const RoutePolicy& policy, bool localOnly,
                          const std::vector<RemoteEndpoint>& available, int promptTokens, int localContext,
                          bool deepRequested);

// Owns the RemoteClient and re-emits its signals. Every refusal returns nullopt, opens no connection, sends
// no byte, and emits refused(reason) before returning.
class RemoteGate : public QObject {
    Q_OBJECT
public:
    // store: for localOnly and confirmed hosts, read at each send (not owned; must outlive the gate).
    explicit RemoteGate(const EndpointStore* store, QObject* parent = nullptr);
    ~RemoteGate() override;

    // Refused when: the conversation is Private; localOnly is on; the endpoint's URL is unusable; the key
    // holds a control character (it would inject a header); its host is not confirmed
    // (EndpointStore::confirmHost, after asking the user).
    std::optional<quint64> send(Privacy privacy, const RemoteEndpoint& endpoint, const QString& key,
                                const std::vector<lantern::ChatMessage>& messages,
                                const lantern::GenerateOptions& options);
    void abort(quint64 id);
    // "Test connection" (sends the key, no conversation text): refused while localOnly is on or for an
    // unusable URL. Needs no host confirmation (the user pressed the button for that host).
    bool listModels(const RemoteEndpoint& endpoint, const QString& key);

    void setTimeouts(const RemoteTimeouts& timeouts);
    RemoteTimeouts timeouts() const;

signals:
    void textArrived(quint64 id, const QString& text);
    void finished(quint64 id, const lantern::service::RemoteStats& stats);
    void failed(quint64 id, const QString& sentence);
    void modelsListed(const QStringList& models);
    void listFailed(const QString& sentence);
    void refused(const QString& reason);

private:
    const EndpointStore* m_store;
    RemoteClient* m_client;
};

}  // namespace lantern::service
