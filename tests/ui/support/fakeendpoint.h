#pragma once
// TEST DOUBLE: a remote OpenAI-compatible endpoint on 127.0.0.1 that counts every connection and byte it is
// sent (to prove that nothing was) and answers each request with a canned HTTP reply: an SSE stream of
// chat.completion.chunk events, an error, or a stream that stays open (for Stop).
#include <QByteArray>
#include <QPointer>
#include <QStringList>
#include <QTcpServer>
#include <QTcpSocket>

#include <vector>

namespace lantern::test {

class FakeEndpoint : public QObject {
public:
    FakeEndpoint() {
        m_server.listen(QHostAddress::LocalHost, 0);
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] { accept(); });
    }

    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1/v1").arg(m_server.serverPort()); }
    QString host() const { return QStringLiteral("127.0.0.1:%1").arg(m_server.serverPort()); }

    // An SSE reply streaming `pieces` as OpenAI chunks from `model`, then a usage chunk and [DONE].
    static QByteArray streamReply(const QStringList& pieces, const QByteArray& model, int promptTokens) {
        QByteArray body;
        for (const QString& p : pieces) {
            QByteArray text = p.toUtf8();
            text.replace('\\', "\\\\").replace('"', "\\\"");
            body += "data: {\"object\":\"chat.completion.chunk\",\"model\":\"" + model +
                    "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}]}\n\n";
        }
        body += "data: {\"object\":\"chat.completion.chunk\",\"model\":\"" + model +
                "\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";
        body += "data: {\"object\":\"chat.completion.chunk\",\"model\":\"" + model + "\",\"choices\":[],\"usage\":"
                "{\"prompt_tokens\":" + QByteArray::number(promptTokens) + ",\"completion_tokens\":" +
                QByteArray::number(pieces.size()) + ",\"total_tokens\":" +
                QByteArray::number(promptTokens + pieces.size()) + "}}\n\n";
        body += "data: [DONE]\n\n";
        return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n" +
               body;
    }
    static QByteArray errorReply(int status, const QByteArray& message) {
        const QByteArray body = "{\"error\":{\"message\":\"" + message + "\",\"type\":\"server_error\"}}";
        return "HTTP/1.1 " + QByteArray::number(status) + " Error\r\nContent-Type: application/json\r\nContent-Length: " +
               QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    }

    QByteArray reply;       // written once a request's body is in
    bool keepOpen = false;  // leave the connection open after the reply (a stream that goes on)

    int connections = 0;  // TCP connections (Qt's HTTP may open a spare one: count requests() for answers)
    qint64 bytesReceived = 0;
    int requests() const { return int(received.count("POST ")); }
    QByteArray received;  // everything clients sent, in order
    int clientsGone = 0;

private:
    void accept() {
        while (QTcpSocket* client = m_server.nextPendingConnection()) {
            ++connections;
            auto* request = new QByteArray;
            QObject::connect(client, &QTcpSocket::disconnected, this, [this, client, request] {
                ++clientsGone;
                delete request;
                client->deleteLater();
            });
            QObject::connect(client, &QTcpSocket::readyRead, this, [this, client, request] {
                const QByteArray bytes = client->readAll();
                bytesReceived += bytes.size();
                received += bytes;
                *request += bytes;
                const qsizetype end = request->indexOf("\r\n\r\n");
                if (end < 0 || request->isEmpty() || request->startsWith("done"))
                    return;
                // Wait for the whole body (Content-Length) before answering.
                qsizetype length = 0;
                for (const QByteArray& line : request->left(end).split('\n'))
                    if (line.toLower().startsWith("content-length:"))
                        length = line.mid(15).trimmed().toLongLong();
                if (request->size() < end + 4 + length)
                    return;
                *request = "done";
                client->write(reply);
                client->flush();
                if (!keepOpen)
                    client->disconnectFromHost();
            });
        }
    }

    QTcpServer m_server;
};

}  // namespace lantern::test
