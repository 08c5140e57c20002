#include "ui/chat/chatrouting.h"

#include <QMetaObject>
#include <algorithm>

#include "storage/conversationstore.h"

namespace lantern::ui {

using service::Privacy;
using service::RemoteEndpoint;
using service::RoutePolicy;

ChatRouting::ChatRouting(std::unique_ptr<service::EndpointStore> endpoints, QObject* parent)
    : QObject(parent), m_endpoints(endpoints ? std::move(endpoints) : std::make_unique<service::EndpointStore>()),
      m_gate(new service::RemoteGate(m_endpoints.get(), this)) {
    connect(m_endpoints.get(), &service::EndpointStore::endpointsChanged, this, [this] {
        emit endpointsChanged();
        emit conversationChanged();
    });
    connect(m_endpoints.get(), &service::EndpointStore::localOnlyChanged, this, [this] {
        emit endpointsChanged();
        emit conversationChanged();
    });
    connect(m_endpoints.get(), &service::EndpointStore::keyRead, this,
            [this](const QString& id, const QString& key) { onKey(id, key, {}); });
    connect(m_endpoints.get(), &service::EndpointStore::keyFailed, this,
            [this](const QString& id, const QString& sentence) { onKey(id, {}, sentence); });
    connect(m_gate, &service::RemoteGate::refused, this, [this](const QString& reason) { m_refusal = reason; });
    connect(m_gate, &service::RemoteGate::textArrived, this, [this](quint64 id, const QString& text) {
        if (Request* r = byGateId(id))
            emit remoteText(r->handle, text);
    });
    connect(m_gate, &service::RemoteGate::finished, this, [this](quint64 id, const service::RemoteStats& stats) {
        if (Request* r = byGateId(id)) {
            const quint64 handle = r->handle;
            drop(handle);
            emit remoteFinished(handle, stats);
        }
    });
    connect(m_gate, &service::RemoteGate::failed, this, [this](quint64 id, const QString& sentence) {
        if (Request* r = byGateId(id)) {
            const quint64 handle = r->handle;
            const QString keyProblem = r->keyProblem;
            drop(handle);
            emit remoteFailed(handle, sentence, keyProblem);
        }
    });
}

ChatRouting::~ChatRouting() {
    for (const Request& r : m_requests)
        if (r.gateId != 0)
            m_gate->abort(r.gateId);
}

void ChatRouting::setConversation(storage::ConversationStore* store, qint64 conversationId) {
    m_store = store;
    if (conversationId != m_conversationId || conversationId == 0) {
        m_deep = false;
        emit deepAnswerChanged();
    }
    m_conversationId = conversationId;
    m_privacy = Privacy::Private;
    m_policy = {};
    if (store && conversationId != 0) {
        if (auto c = store->conversation(conversationId)) {
            m_privacy = service::privacyFromName(c->privacy);
            m_policy = service::routePolicyFromName(c->routing);
        }
    }
    emit conversationChanged();
}

void ChatRouting::applyTo(storage::Conversation& fields) const {
    fields.privacy = privacyName();
    fields.routing = policyName();
}

QVariantList ChatRouting::endpointList() const {
    QVariantList out;
    for (const RemoteEndpoint& e : m_endpoints->endpoints())
        out.append(QVariantMap{{QStringLiteral("endpointId"), e.id},
                               {QStringLiteral("name"), e.name},
                               {QStringLiteral("host"), service::endpointHost(e.baseUrl)},
                               {QStringLiteral("model"), e.model}});
    return out;
}

bool ChatRouting::remoteAvailable() const {
    return m_privacy == Privacy::MayUseRemote && !m_endpoints->localOnly() && !m_endpoints->endpoints().empty();
}

bool ChatRouting::deepAvailable() const { return remoteAvailable() && m_policy.kind == RoutePolicy::Kind::Automatic; }

void ChatRouting::setDeepAnswer(bool deep) {
    if (deep == m_deep)
        return;
    m_deep = deep;
    emit deepAnswerChanged();
}

bool ChatRouting::setPrivacy(const QString& name) {
    const Privacy privacy = service::privacyFromName(name);
    if (service::privacyName(privacy) != name)
        return false;  // not a spelling: nothing changes (and never towards remote by accident)
    if (privacy == m_privacy)
        return true;
    if (m_store && m_conversationId != 0 && !m_store->setConversationPrivacy(m_conversationId, name))
        return false;
    m_privacy = privacy;
    if (privacy == Privacy::Private)
        setDeepAnswer(false);
    emit conversationChanged();
    return true;
}

bool ChatRouting::setPolicy(const QString& name) {
    const RoutePolicy policy = service::routePolicyFromName(name);
    if (service::routePolicyName(policy) != name)
        return false;
    if (policy == m_policy)
        return true;
    if (m_store && m_conversationId != 0 && !m_store->setConversationRouting(m_conversationId, name))
        return false;
    m_policy = policy;
    emit conversationChanged();
    return true;
}

bool ChatRouting::decisionNeedsCount() const { return deepAvailable(); }

service::RouteDecision ChatRouting::decide(int promptTokens, int localContext) const {
    return service::decideRoute(m_privacy, m_policy, m_endpoints->localOnly(), m_endpoints->endpoints(), promptTokens,
                                localContext, m_deep);
}

std::optional<RemoteEndpoint> ChatRouting::endpoint(const QString& id) const { return m_endpoints->endpoint(id); }

std::optional<RemoteEndpoint> ChatRouting::fallbackEndpoint() const {
    if (m_privacy != Privacy::MayUseRemote || m_endpoints->localOnly())
        return std::nullopt;
    if (!m_policy.endpointId.isEmpty())
        if (auto named = m_endpoints->endpoint(m_policy.endpointId))
            return named;
    const auto all = m_endpoints->endpoints();
    if (all.empty())
        return std::nullopt;
    return all.front();
}

bool ChatRouting::hostConfirmed(const RemoteEndpoint& endpoint) const {
    return m_endpoints->hostConfirmed(service::endpointHost(endpoint.baseUrl));
}

void ChatRouting::confirmHost(const RemoteEndpoint& endpoint) {
    m_endpoints->confirmHost(service::endpointHost(endpoint.baseUrl));
}

void ChatRouting::ask(const QString& text, const QString& accept, const QString& other, Answer answer) {
    if (m_answer)
        this->answer(Choice::Cancel);
    m_question = text;
    m_accept = accept;
    m_other = other;
    m_answer = std::move(answer);
    emit questionChanged();
}

void ChatRouting::answerQuestion(const QString& choice) {
    answer(choice == QLatin1String("accept") ? Choice::Accept
           : choice == QLatin1String("other") && !m_other.isEmpty() ? Choice::Other
                                                                     : Choice::Cancel);
}

void ChatRouting::answer(Choice choice) {
    if (!m_answer)
        return;
    // Cleared first: the answer may ask the next question.
    Answer answer = std::exchange(m_answer, nullptr);
    m_question.clear();
    m_accept.clear();
    m_other.clear();
    emit questionChanged();
    answer(choice);
}

quint64 ChatRouting::startRemote(const RemoteEndpoint& endpoint, const std::vector<lantern::ChatMessage>& messages,
                                 const lantern::GenerateOptions& options) {
    Request r;
    r.handle = ++m_nextHandle;
    r.endpoint = endpoint;
    r.privacy = m_privacy;
    r.messages = messages;
    r.options = options;
    m_requests.push_back(std::move(r));
    // From the event loop: the caller has recorded the handle before any answer about it can arrive.
    QMetaObject::invokeMethod(
        this, [this, id = endpoint.id] { m_endpoints->readKey(id); }, Qt::QueuedConnection);
    return m_nextHandle;
}

void ChatRouting::onKey(const QString& endpointId, const QString& key, const QString& problem) {
    // Every request waiting for this endpoint's key goes now (a key read for Settings lands here too: it
    // starts nothing unless a request waits for it).
    std::vector<quint64> waiting;
    for (Request& r : m_requests)
        if (r.gateId == 0 && r.endpoint.id == endpointId)
            waiting.push_back(r.handle);
    for (quint64 handle : waiting) {
        auto it = std::find_if(m_requests.begin(), m_requests.end(), [&](const Request& r) { return r.handle == handle; });
        if (it == m_requests.end())
            continue;  // aborted meanwhile
        it->keyProblem = problem;
        m_refusal.clear();
        const std::optional<quint64> id = m_gate->send(it->privacy, it->endpoint, key, it->messages, it->options);
        if (!id) {
            const QString reason = m_refusal.isEmpty() ? tr("The message was not sent.") : m_refusal;
            drop(handle);
            emit remoteFailed(handle, reason, problem);
            continue;
        }
        it = std::find_if(m_requests.begin(), m_requests.end(), [&](const Request& r) { return r.handle == handle; });
        if (it != m_requests.end())
            it->gateId = *id;
    }
}

void ChatRouting::abortRemote(quint64 handle) {
    auto it = std::find_if(m_requests.begin(), m_requests.end(), [&](const Request& r) { return r.handle == handle; });
    if (it == m_requests.end())
        return;
    if (it->gateId != 0)
        m_gate->abort(it->gateId);
    m_requests.erase(it);
}

ChatRouting::Request* ChatRouting::byGateId(quint64 id) {
    auto it = std::find_if(m_requests.begin(), m_requests.end(), [&](const Request& r) { return r.gateId == id; });
    return it == m_requests.end() ? nullptr : &*it;
}

void ChatRouting::drop(quint64 handle) {
    std::erase_if(m_requests, [&](const Request& r) { return r.handle == handle; });
}

}  // namespace lantern::ui
