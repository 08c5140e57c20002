#include "service/remote/router.h"

#include <QCoreApplication>

#include <algorithm>

namespace lantern::service {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("Router", text);
}

const RemoteEndpoint* findEndpoint(const std::vector<RemoteEndpoint>& available, const QString& id) {
    for (const RemoteEndpoint& e : available) {
        if (e.id == id) {
            return &e;
        }
    }
    return nullptr;
}

QString label(const RemoteEndpoint& e) {
    return e.name.isEmpty() ? endpointHost(e.baseUrl) : e.name;
}

// A key is one header value: a line break in it would start a header of its own.
bool keyUsable(const QString& key) {
    return std::none_of(key.begin(), key.end(),
                        [](QChar c) { return c.unicode() < 0x20 || c.unicode() == 0x7f; });
}

QString badKeySentence() {
    return tr(
        "Nothing was sent: the API key contains a line break or another control character. Paste it again "
        "in Settings.");
}

RouteDecision local(const QString& reason, bool overridden = false) {
    return {false, {}, reason, overridden};
}

}  // namespace

Privacy privacyFromName(const QString& name) {
    return name == QLatin1String("remote") ? Privacy::MayUseRemote : Privacy::Private;
}

QString privacyName(Privacy privacy) {
    return privacy == Privacy::MayUseRemote ? QStringLiteral("remote") : QStringLiteral("private");
}

RoutePolicy routePolicyFromName(const QString& name) {
    if (name == QLatin1String("auto")) {
        return {RoutePolicy::Kind::Automatic, {}};
    }
    for (const auto& [prefix, kind] : {std::pair{QLatin1String("auto:"), RoutePolicy::Kind::Automatic},
                                       std::pair{QLatin1String("remote:"), RoutePolicy::Kind::Remote}}) {
        if (name.startsWith(prefix) && name.size() > prefix.size()) {
            return {kind, name.mid(prefix.size())};
        }
    }
    return {};  // "local" and anything unknown
}

QString routePolicyName(const RoutePolicy& policy) {
    switch (policy.kind) {
        case RoutePolicy::Kind::Local:
            return QStringLiteral("local");
        case RoutePolicy::Kind::Remote:
            return policy.endpointId.isEmpty() ? QStringLiteral("local")
                                               : QStringLiteral("remote:") + policy.endpointId;
        case RoutePolicy::Kind::Automatic:
            return policy.endpointId.isEmpty() ? QStringLiteral("auto")
                                               : QStringLiteral("auto:") + policy.endpointId;
    }
    return QStringLiteral("local");
}

RouteDecision decideRoute(Privacy privacy, const RoutePolicy& policy, bool localOnly,
                          const std::vector<RemoteEndpoint>& available, int promptTokens, int localContext,
                          bool deepRequested) {
    const bool wantsRemote = policy.kind != RoutePolicy::Kind::Local;
    // The privacy rule comes first, whatever the policy says.
    if (privacy == Privacy::Private) {
        return local(tr("Answered on this computer: the conversation is private."), false);
    }
    if (localOnly) {
        return local(tr("Answered on this computer: \"Local only\" is on."), false);
    }
    switch (policy.kind) {
        case RoutePolicy::Kind::Local:
            return local(tr("Answered on this computer."));
        case RoutePolicy::Kind::Remote: {
            const RemoteEndpoint* e = findEndpoint(available, policy.endpointId);
            if (!e) {
                return local(
                    tr("The remote endpoint this conversation uses is no longer set up; choose another one "
                       "in the conversation's settings, or answer on this computer."),
                    wantsRemote);
            }
            return {true, e->id, tr("Sent to %1: this conversation uses it.").arg(label(*e)), false};
        }
        case RoutePolicy::Kind::Automatic: {
            const bool tooLong = localContext > 0 && promptTokens >= localContext;
            if (!tooLong && !deepRequested) {
                return local(tr("Answered on this computer: the prompt fits the local model."));
            }
            const RemoteEndpoint* e = policy.endpointId.isEmpty()
                                          ? (available.empty() ? nullptr : &available.front())
                                          : findEndpoint(available, policy.endpointId);
            if (!e) {
                return local(
                    tr("No remote endpoint is available, so this is answered on this computer; add one in "
                       "Settings to send long or deep questions elsewhere."),
                    true);
            }
            const QString why =
                tooLong ? tr("Sent to %1: the prompt (%2 tokens) does not fit the local model's context "
                             "(%3 tokens).")
                              .arg(label(*e))
                              .arg(promptTokens)
                              .arg(localContext)
                        : tr("Sent to %1: a deep answer was asked for.").arg(label(*e));
            return {true, e->id, why, false};
        }
    }
    return local(tr("Answered on this computer."));
}

RemoteGate::RemoteGate(const EndpointStore* store, QObject* parent)
    : QObject(parent), m_store(store), m_client(new RemoteClient(this)) {
    connect(m_client, &RemoteClient::textArrived, this, &RemoteGate::textArrived);
    connect(m_client, &RemoteClient::finished, this, &RemoteGate::finished);
    connect(m_client, &RemoteClient::failed, this, &RemoteGate::failed);
    connect(m_client, &RemoteClient::modelsListed, this, &RemoteGate::modelsListed);
    connect(m_client, &RemoteClient::listFailed, this, &RemoteGate::listFailed);
}

RemoteGate::~RemoteGate() = default;

std::optional<quint64> RemoteGate::send(Privacy privacy, const RemoteEndpoint& endpoint, const QString& key,
                                        const std::vector<lantern::ChatMessage>& messages,
                                        const lantern::GenerateOptions& options) {
    QString refusal;
    if (privacy != Privacy::MayUseRemote) {
        refusal =
            tr("Nothing was sent: this conversation is private, so it is answered only on this computer.");
    } else if (!m_store || m_store->localOnly()) {
        // No store means no way to know the switch: fail closed.
        refusal = tr("Nothing was sent: \"Local only\" is on, so every conversation stays on this computer.");
    } else if (const QString bad = validateBaseUrl(endpoint.baseUrl); !bad.isEmpty()) {
        refusal = tr("Nothing was sent: %1").arg(bad);
    } else if (!keyUsable(key)) {
        refusal = badKeySentence();
    } else if (!m_store->hostConfirmed(endpointHost(endpoint.baseUrl))) {
        refusal = tr("Nothing was sent: %1 has not been confirmed as a place this conversation may go.")
                      .arg(endpointHost(endpoint.baseUrl));
    }
    if (!refusal.isEmpty()) {
        emit refused(refusal);
        return std::nullopt;
    }
    return m_client->chat(SendPermit(), endpoint, key, messages, options);
}

void RemoteGate::abort(quint64 id) {
    m_client->abort(id);
}

bool RemoteGate::listModels(const RemoteEndpoint& endpoint, const QString& key) {
    QString refusal;
    if (!m_store || m_store->localOnly()) {
        refusal = tr("Nothing was sent: \"Local only\" is on.");
    } else if (const QString bad = validateBaseUrl(endpoint.baseUrl); !bad.isEmpty()) {
        refusal = bad;
    } else if (!keyUsable(key)) {
        refusal = badKeySentence();
    }
    if (!refusal.isEmpty()) {
        emit refused(refusal);
        return false;
    }
    m_client->listModels(SendPermit(), endpoint, key);
    return true;
}

void RemoteGate::setTimeouts(const RemoteTimeouts& timeouts) {
    m_client->setTimeouts(timeouts);
}

RemoteTimeouts RemoteGate::timeouts() const {
    return m_client->timeouts();
}

}  // namespace lantern::service
