#include "service/remote/remoteclient.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QUrl>

#include <algorithm>

#include "service/remote/sseparser.h"

namespace lantern::service {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("RemoteClient", text);
}

// "0.6 seconds", "1 second", "120 seconds".
QString seconds(int ms) {
    return ms == 1000 ? tr("1 second") : tr("%1 seconds").arg(ms / 1000.0);
}

QUrl endpointUrl(const RemoteEndpoint& endpoint, const char* path) {
    QString base = endpoint.baseUrl.trimmed();
    while (base.endsWith(QLatin1Char('/'))) {
        base.chop(1);
    }
    return QUrl(base + QLatin1String(path));
}

QNetworkRequest makeRequest(const QUrl& url, const QString& key, bool stream) {
    QNetworkRequest request(url);
    // A redirect could carry the conversation to a host the user never confirmed: follow none.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    request.setTransferTimeout(0);  // our own connect / first-token / idle timers decide
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("Lantern"));
    if (stream) {
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        request.setRawHeader("Accept", "text/event-stream");
    }
    if (!key.isEmpty()) {
        request.setRawHeader("Authorization", "Bearer " + key.toUtf8());  // the key's only way out
    }
    return request;
}

// The message of an OpenAI-shaped error ({"error": {"message": ...}} or {"error": "..."}), vLLM's
// {"object": "error", "message": ...}, FastAPI's {"detail": ...}; else the start of the body as text.
QString errorMessage(const QByteArray& body) {
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    const QJsonObject o = doc.object();
    const QJsonValue error = o.value(QLatin1String("error"));
    if (error.isObject() && error.toObject().value(QLatin1String("message")).isString()) {
        return error.toObject().value(QLatin1String("message")).toString();
    }
    if (error.isString()) {
        return error.toString();
    }
    for (const char* field : {"message", "detail"}) {
        if (o.value(QLatin1String(field)).isString()) {
            return o.value(QLatin1String(field)).toString();
        }
    }
    QString text = QString::fromUtf8(body.left(300)).simplified();
    return text.startsWith(QLatin1Char('<')) ? QString() : text;  // an HTML error page says nothing useful
}

QString httpSentence(const QString& host, int status, const QByteArray& body) {
    QString advice;
    if (status == 401 || status == 403) {
        advice = tr("Check the endpoint's API key in Settings.");
    } else if (status == 404) {
        advice = tr("Check the endpoint's address (it usually ends in /v1) and model name in Settings.");
    } else if (status == 429) {
        advice = tr("The endpoint is rate-limiting requests; wait a moment and try again.");
    } else if (status >= 300 && status < 400) {
        advice =
            tr("The endpoint redirects elsewhere; Lantern does not follow redirects. Enter the final "
               "address in Settings.");
    } else if (status >= 500) {
        advice = tr("The server had a problem; try again, or check the server's log.");
    } else {
        advice = tr("The request was refused; check the endpoint's settings.");
    }
    const QString message = errorMessage(body);
    const QString head = tr("%1 answered with HTTP status %2.").arg(host).arg(status);
    return message.isEmpty() ? QStringLiteral("%1 %2").arg(head, advice)
                             : QStringLiteral("%1 %2 (%3)").arg(head, advice, message);
}

QString networkSentence(const QString& host, QNetworkReply::NetworkError error, const QString& detail,
                        bool textArrived) {
    switch (error) {
        case QNetworkReply::ConnectionRefusedError:
            return tr("Could not connect to %1: nothing is listening there. Check the address and that the "
                      "server "
                      "is running.")
                .arg(host);
        case QNetworkReply::HostNotFoundError:
            return tr("The host %1 was not found. Check the endpoint's address and your network.").arg(host);
        case QNetworkReply::SslHandshakeFailedError:
            return tr("The secure connection to %1 failed (%2). Check the address and the server's "
                      "certificate.")
                .arg(host, detail);
        case QNetworkReply::RemoteHostClosedError:
        case QNetworkReply::ProtocolFailure:
        case QNetworkReply::NetworkSessionFailedError:
        case QNetworkReply::UnknownNetworkError:
        default:
            return textArrived
                       ? tr("The connection to %1 was cut before the answer was complete. The text so far "
                            "is kept; try again.")
                             .arg(host)
                       : tr("The connection to %1 failed before an answer arrived (%2). Try again.")
                             .arg(host, detail);
    }
}

}  // namespace

struct RemoteClient::Request {
    enum class Phase { Connecting, FirstToken, Streaming };
    quint64 id = 0;
    QNetworkReply* reply = nullptr;
    QTimer* timer = nullptr;
    QString host;
    Phase phase = Phase::Connecting;
    SseParser parser;
    RemoteStats stats;
    int status = 0;          // HTTP status, once the headers are in
    bool plainJson = false;  // the server ignored "stream" and sent one JSON completion
    QByteArray body;         // an error body, or the plain JSON completion
    bool sawText = false;
    bool sawDone = false;
};

RemoteClient::RemoteClient(QObject* parent) : QObject(parent), m_network(new QNetworkAccessManager(this)) {
    qRegisterMetaType<lantern::service::RemoteStats>();
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

RemoteClient::~RemoteClient() {
    // Stop every request without emitting anything: whoever listened is going away too.
    while (!m_requests.empty()) {
        release(m_requests.back()->id);
    }
}

void RemoteClient::setTimeouts(const RemoteTimeouts& timeouts) {
    m_timeouts = timeouts;
}

RemoteTimeouts RemoteClient::timeouts() const {
    return m_timeouts;
}

int RemoteClient::activeRequests() const {
    return static_cast<int>(m_requests.size());
}

QByteArray RemoteClient::chatRequestBody(const RemoteEndpoint& endpoint,
                                         const std::vector<lantern::ChatMessage>& messages,
                                         const lantern::GenerateOptions& options) {
    QJsonArray list;
    for (const lantern::ChatMessage& m : messages) {
        list.append(QJsonObject{{QStringLiteral("role"), QString::fromStdString(m.role)},
                                {QStringLiteral("content"), QString::fromStdString(m.content)}});
    }
    QJsonObject o{{QStringLiteral("messages"), list},
                  {QStringLiteral("stream"), true},
                  {QStringLiteral("stream_options"), QJsonObject{{QStringLiteral("include_usage"), true}}}};
    if (!endpoint.model.isEmpty()) {
        o[QStringLiteral("model")] = endpoint.model;
    }
    const lantern::SamplingParams& s = options.sampling;
    o[QStringLiteral("temperature")] = static_cast<double>(s.temperature);
    if (s.topP < 1.0f) {
        o[QStringLiteral("top_p")] = static_cast<double>(s.topP);
    }
    if (s.seed != 0) {
        o[QStringLiteral("seed")] = static_cast<qint64>(s.seed & 0x7fffffffffffffffULL);
    }
    if (options.maxTokens >= 0) {
        o[QStringLiteral("max_tokens")] = options.maxTokens;
    }
    if (s.presencePenalty != 0.0f) {
        o[QStringLiteral("presence_penalty")] = static_cast<double>(s.presencePenalty);
    }
    if (s.frequencyPenalty != 0.0f) {
        o[QStringLiteral("frequency_penalty")] = static_cast<double>(s.frequencyPenalty);
    }
    if (!options.stop.empty()) {
        QJsonArray stop;
        for (const std::string& st : options.stop) {
            stop.append(QString::fromStdString(st));
        }
        o[QStringLiteral("stop")] = stop;
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

quint64 RemoteClient::chat(const SendPermit&, const RemoteEndpoint& endpoint, const QString& key,
                           const std::vector<lantern::ChatMessage>& messages,
                           const lantern::GenerateOptions& options) {
    auto request = std::make_unique<Request>();
    const quint64 id = m_nextId++;
    request->id = id;
    request->host = endpointHost(endpoint.baseUrl);
    request->reply = m_network->post(makeRequest(endpointUrl(endpoint, "/chat/completions"), key, true),
                                     chatRequestBody(endpoint, messages, options));
    request->timer = new QTimer(this);
    request->timer->setSingleShot(true);
    connect(request->timer, &QTimer::timeout, this, [this, id] { onTimer(id); });
    connect(request->reply, &QNetworkReply::requestSent, this, [this, id] {
        if (Request* r = find(id); r && r->phase == Request::Phase::Connecting) {
            r->phase = Request::Phase::FirstToken;
            r->timer->start(m_timeouts.firstTokenMs);
        }
    });
    connect(request->reply, &QIODevice::readyRead, this, [this, id] { onReadyRead(id); });
    connect(request->reply, &QNetworkReply::finished, this, [this, id] { onReplyFinished(id); });
    request->timer->start(m_timeouts.connectMs);
    m_requests.push_back(std::move(request));
    return id;
}

RemoteClient::Request* RemoteClient::find(quint64 id) const {
    for (const auto& r : m_requests) {
        if (r->id == id) {
            return r.get();
        }
    }
    return nullptr;
}

void RemoteClient::abort(quint64 id) {
    release(id);
}

void RemoteClient::release(quint64 id) {
    const auto it =
        std::find_if(m_requests.begin(), m_requests.end(), [&](const auto& r) { return r->id == id; });
    if (it == m_requests.end()) {
        return;
    }
    std::unique_ptr<Request> r = std::move(*it);
    m_requests.erase(it);
    r->timer->stop();
    r->timer->deleteLater();
    r->reply->disconnect(this);
    r->reply->abort();  // closes the connection at once: the server sees the client go and stops generating
    r->reply->deleteLater();
}

void RemoteClient::fail(quint64 id, const QString& sentence) {
    if (!find(id)) {
        return;
    }
    release(id);
    emit failed(id, sentence);
}

void RemoteClient::finish(quint64 id) {
    Request* r = find(id);
    if (!r) {
        return;
    }
    const RemoteStats stats = r->stats;
    release(id);
    emit finished(id, stats);
}

void RemoteClient::onTimer(quint64 id) {
    Request* r = find(id);
    if (!r) {
        return;
    }
    QString sentence;
    switch (r->phase) {
        case Request::Phase::Connecting:
            sentence =
                tr("%1 did not accept the connection within %2. Check the address and that the server is "
                   "running.")
                    .arg(r->host, seconds(m_timeouts.connectMs));
            break;
        case Request::Phase::FirstToken:
            sentence =
                tr("%1 sent no answer within %2. The server may be busy or the prompt very long; try again "
                   "later.")
                    .arg(r->host, seconds(m_timeouts.firstTokenMs));
            break;
        case Request::Phase::Streaming:
            sentence =
                tr("%1 stopped sending for %2 in the middle of the answer. The text so far is kept; try "
                   "again.")
                    .arg(r->host, seconds(m_timeouts.idleMs));
            break;
    }
    fail(id, sentence);
}

void RemoteClient::onReadyRead(quint64 id) {
    Request* r = find(id);
    if (!r) {
        return;
    }
    if (r->status == 0) {
        r->status = r->reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QString type = r->reply->header(QNetworkRequest::ContentTypeHeader).toString();
        r->plainJson = type.contains(QLatin1String("json"));
    }
    const QByteArray bytes = r->reply->readAll();
    if (r->phase == Request::Phase::Streaming) {
        r->timer->start(m_timeouts.idleMs);  // any byte, a keep-alive comment included, shows it is alive
    }
    if (r->status < 200 || r->status >= 300 || r->plainJson) {
        if (r->body.size() < (1 << 20)) {
            r->body += bytes;
        }
        return;
    }
    for (const SseEvent& event : r->parser.feed(bytes)) {
        handleEvent(id, event);
        if (!find(id)) {
            return;  // ended (failed, finished) or aborted by a slot
        }
    }
}

void RemoteClient::handleEvent(quint64 id, const SseEvent& event) {
    Request* r = find(id);
    if (event.data.trimmed() == "[DONE]") {
        r->sawDone = true;
        finish(id);
        return;
    }
    QJsonParseError parseError;
    const QJsonObject o = QJsonDocument::fromJson(event.data, &parseError).object();
    if (event.event == QLatin1String("error") || o.contains(QLatin1String("error"))) {
        const QString message = errorMessage(event.data);
        fail(id, tr("%1 reported an error during the answer: %2")
                     .arg(r->host, message.isEmpty() ? tr("no details given") : message));
        return;
    }
    if (parseError.error != QJsonParseError::NoError) {
        fail(id, tr("%1 sent something that is not an OpenAI-compatible stream (%2). Check that the address "
                    "points to an OpenAI-compatible API.")
                     .arg(r->host, parseError.errorString()));
        return;
    }
    if (o.value(QLatin1String("model")).isString()) {
        r->stats.model = o.value(QLatin1String("model")).toString();
    }
    const QJsonObject usage = o.value(QLatin1String("usage")).toObject();
    if (!usage.isEmpty()) {
        r->stats.promptTokens = usage.value(QLatin1String("prompt_tokens")).toInt();
        r->stats.completionTokens = usage.value(QLatin1String("completion_tokens")).toInt();
    }
    const QJsonArray choices = o.value(QLatin1String("choices")).toArray();
    if (choices.isEmpty()) {
        return;
    }
    const QJsonObject choice = choices.first().toObject();
    if (choice.value(QLatin1String("finish_reason")).isString()) {
        r->stats.finishReason = choice.value(QLatin1String("finish_reason")).toString();
    }
    const QString text =
        choice.value(QLatin1String("delta")).toObject().value(QLatin1String("content")).toString();
    if (text.isEmpty()) {
        return;
    }
    if (r->phase != Request::Phase::Streaming) {
        r->phase = Request::Phase::Streaming;
        r->timer->start(m_timeouts.idleMs);
    }
    r->sawText = true;
    emit textArrived(id, text);
}

void RemoteClient::onReplyFinished(quint64 id) {
    Request* r = find(id);
    if (!r) {
        return;
    }
    if (r->status == 0) {
        r->status = r->reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }
    const QNetworkReply::NetworkError error = r->reply->error();
    if (r->status != 0 && (r->status < 200 || r->status >= 300)) {
        r->body += r->reply->readAll();
        fail(id, httpSentence(r->host, r->status, r->body));
        return;
    }
    if (error != QNetworkReply::NoError) {
        fail(id, networkSentence(r->host, error, r->reply->errorString(), r->sawText));
        return;
    }
    if (r->plainJson) {
        r->body += r->reply->readAll();
        const QJsonObject o = QJsonDocument::fromJson(r->body).object();
        const QJsonObject choice = o.value(QLatin1String("choices")).toArray().first().toObject();
        const QJsonValue content =
            choice.value(QLatin1String("message")).toObject().value(QLatin1String("content"));
        if (!content.isString()) {
            fail(id, tr("%1 sent a reply Lantern does not understand. Check that the address points to an "
                        "OpenAI-compatible API.")
                         .arg(r->host));
            return;
        }
        const QJsonObject usage = o.value(QLatin1String("usage")).toObject();
        r->stats = {usage.value(QLatin1String("prompt_tokens")).toInt(),
                    usage.value(QLatin1String("completion_tokens")).toInt(),
                    o.value(QLatin1String("model")).toString(),
                    choice.value(QLatin1String("finish_reason")).toString()};
        if (!content.toString().isEmpty()) {
            emit textArrived(id, content.toString());
        }
        finish(id);
        return;
    }
    // The stream ended without "data: [DONE]": complete only if the server said why it stopped.
    if (!r->stats.finishReason.isEmpty()) {
        finish(id);
        return;
    }
    fail(id, r->sawText
                 ? tr("The connection to %1 ended before the answer was complete. The text so far is kept; "
                      "try again.")
                       .arg(r->host)
                 : tr("%1 closed the connection without an answer. Check that the address points to an "
                      "OpenAI-compatible API.")
                       .arg(r->host));
}

void RemoteClient::listModels(const SendPermit&, const RemoteEndpoint& endpoint, const QString& key) {
    if (m_listReply) {
        m_listReply->disconnect(this);
        m_listReply->abort();
        m_listReply->deleteLater();
    }
    const QString host = endpointHost(endpoint.baseUrl);
    QNetworkReply* reply = m_network->get(makeRequest(endpointUrl(endpoint, "/models"), key, false));
    m_listReply = reply;
    auto* timer = new QTimer(reply);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [this, reply, host] {
        if (m_listReply != reply) {
            return;
        }
        m_listReply = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
        emit listFailed(tr("%1 did not answer within %2. Check the address and that the server is running.")
                            .arg(host, seconds(m_timeouts.connectMs + m_timeouts.idleMs)));
    });
    timer->start(m_timeouts.connectMs + m_timeouts.idleMs);
    connect(reply, &QNetworkReply::finished, this, [this, reply, host] {
        if (m_listReply != reply) {
            return;
        }
        m_listReply = nullptr;
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        if (status != 0 && (status < 200 || status >= 300)) {
            emit listFailed(httpSentence(host, status, body));
            return;
        }
        if (reply->error() != QNetworkReply::NoError) {
            emit listFailed(networkSentence(host, reply->error(), reply->errorString(), false));
            return;
        }
        QStringList models;
        for (const QJsonValue& m :
             QJsonDocument::fromJson(body).object().value(QLatin1String("data")).toArray()) {
            if (const QString modelId = m.toObject().value(QLatin1String("id")).toString();
                !modelId.isEmpty()) {
                models.append(modelId);
            }
        }
        if (models.isEmpty() && !QJsonDocument::fromJson(body).object().contains(QLatin1String("data"))) {
            emit listFailed(
                tr("%1 answered, but not with an OpenAI-compatible model list. Check that the address "
                   "ends in the API root (usually /v1).")
                    .arg(host));
            return;
        }
        emit modelsListed(models);
    });
}

}  // namespace lantern::service
