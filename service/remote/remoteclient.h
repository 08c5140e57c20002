#pragma once
// A client for OpenAI-compatible chat servers (vLLM, Ollama, llama.cpp's server, a provider, another
// Lantern) over QNetworkAccessManager. Streams POST {baseUrl}/chat/completions with "stream": true and
// "stream_options": {"include_usage": true}, parsing the SSE reply with SseParser; lists models with
// GET {baseUrl}/models.
//   - The API key goes only into the "Authorization: Bearer" header (never into the URL, the body or a log).
//   - Timeouts: connect (no reply headers yet), first token (headers but no text yet: a long prompt being
//     read), idle (no bytes at all, keep-alive comments included, after the first token). Defaults 10 s,
//     120 s, 60 s.
//   - Every failure (HTTP status with OpenAI's {"error": {...}} body, an SSE error event, a cut connection,
//     a timeout, an unreadable reply) ends the request with failed(id, sentence), exactly once; a request
//     ends with exactly one of finished / failed, or with nothing after abort(id).
// Sending is reserved to RemoteGate (router.h), the one place that decides whether a conversation may leave
// the machine: chat() and listModels() take a SendPermit that only RemoteGate can make.
// GUI thread (or any one thread with an event loop).
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

#include "inference/engine.h"
#include "service/remote/endpoints.h"

class QNetworkAccessManager;
class QNetworkReply;

namespace lantern::service {

class RemoteGate;
struct SseEvent;

// Proof that RemoteGate allowed this request. Only RemoteGate can make one.
class SendPermit {
    friend class RemoteGate;
    SendPermit() = default;
};

struct RemoteStats {
    int promptTokens = 0;  // from the usage chunk; 0 when the server sent none
    int completionTokens = 0;
    QString model;         // the model the server says answered ("model" field of the chunks)
    QString finishReason;  // "stop", "length", ... of the last choice; empty when the server sent none

    bool operator==(const RemoteStats&) const = default;
};

struct RemoteTimeouts {
    int connectMs = 10'000;
    int firstTokenMs = 120'000;
    int idleMs = 60'000;
};

class RemoteClient : public QObject {
    Q_OBJECT
public:
    explicit RemoteClient(QObject* parent = nullptr);
    ~RemoteClient() override;

    void setTimeouts(const RemoteTimeouts& timeouts);
    RemoteTimeouts timeouts() const;

    // Starts a streamed chat completion and returns its id (never 0). Sampling options map to
    // temperature, top_p, seed (when not 0), max_tokens (when >= 0), stop, presence/frequency penalties;
    // options without an OpenAI field (top-k, min-p, repeat penalty) are not sent.
    quint64 chat(const SendPermit& permit, const RemoteEndpoint& endpoint, const QString& key,
                 const std::vector<lantern::ChatMessage>& messages, const lantern::GenerateOptions& options);
    // Stops a request at once; nothing more is emitted for it. Unknown or finished ids are ignored.
    void abort(quint64 id);
    // Requests in flight.
    int activeRequests() const;

    // GET {baseUrl}/models ("Test connection") -> modelsListed(ids) | listFailed(sentence). One listing at a
    // time: a new call aborts the previous one.
    void listModels(const SendPermit& permit, const RemoteEndpoint& endpoint, const QString& key);

    // The JSON body chat() sends (for tests and diagnostics; contains the conversation, never the key).
    static QByteArray chatRequestBody(const RemoteEndpoint& endpoint,
                                      const std::vector<lantern::ChatMessage>& messages,
                                      const lantern::GenerateOptions& options);

signals:
    void textArrived(quint64 id, const QString& text);
    void finished(quint64 id, const lantern::service::RemoteStats& stats);
    void failed(quint64 id, const QString& sentence);
    void modelsListed(const QStringList& models);
    void listFailed(const QString& sentence);

private:
    struct Request;
    Request* find(quint64 id) const;
    void onReadyRead(quint64 id);
    void onReplyFinished(quint64 id);
    void onTimer(quint64 id);
    void handleEvent(quint64 id, const SseEvent& event);
    // Each ends the request (no more signals for it) and emits at most its one final signal.
    void fail(quint64 id, const QString& sentence);
    void finish(quint64 id);
    void release(quint64 id);

    QNetworkAccessManager* m_network = nullptr;
    RemoteTimeouts m_timeouts;
    quint64 m_nextId = 1;
    std::vector<std::unique_ptr<Request>> m_requests;
    QNetworkReply* m_listReply = nullptr;
};

}  // namespace lantern::service
