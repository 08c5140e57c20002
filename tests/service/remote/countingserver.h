#pragma once
// Test helpers for the remote client: a loopback TCP listener that counts every connection and byte it is
// sent (to prove that nothing was), and that can play a canned HTTP server or forward to a real one.
//   CountingServer s;                        // listens on 127.0.0.1, any free port
//   s.reply = "HTTP/1.1 200 OK\r\n...";      // canned: written once the request's headers are in
//   s.forwardTo(port);                       // proxy: every connection forwarded to 127.0.0.1:port
//   s.stall(); s.cutUpstream();              // stop passing the server's bytes on / cut the server off
#include <QByteArray>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

#include <vector>

namespace lantern::test {

class CountingServer : public QObject {
public:
    CountingServer() {
        m_server.listen(QHostAddress::LocalHost, 0);
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] { accept(); });
    }

    quint16 port() const { return m_server.serverPort(); }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1/v1").arg(port()); }

    void forwardTo(quint16 upstreamPort) { m_upstreamPort = upstreamPort; }
    // Keeps reading what the server sends but passes nothing more on (a stalled network).
    void stall() { m_stalled = true; }
    // Closes every connection to the server at once, and then the client's (the server died mid-answer).
    void cutUpstream() {
        for (Pair& p : m_pairs) {
            if (p.upstream) {
                p.upstream->abort();
            }
            if (p.client) {
                p.client->disconnectFromHost();
            }
        }
    }

    // Canned mode (no forwardTo): the reply written once a request's headers are complete, then closed
    // unless keepOpen.
    QByteArray reply;
    bool keepOpen = false;

    int connections = 0;
    qint64 bytesFromClients = 0;
    qint64 bytesToClients = 0;
    QByteArray received;  // everything clients sent, in order
    int clientsGone = 0;  // client connections that were closed (by either side)

private:
    struct Pair {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> upstream;
        QByteArray request;  // canned mode: what this client sent so far
        bool answered = false;
    };

    void accept() {
        while (QTcpSocket* client = m_server.nextPendingConnection()) {
            ++connections;
            m_pairs.push_back({client, nullptr, {}, false});
            const size_t index = m_pairs.size() - 1;
            QObject::connect(client, &QTcpSocket::disconnected, this, [this] { ++clientsGone; });
            if (m_upstreamPort != 0) {
                auto* up = new QTcpSocket(this);
                m_pairs[index].upstream = up;
                QObject::connect(up, &QTcpSocket::readyRead, this, [this, up, client] {
                    const QByteArray bytes = up->readAll();
                    if (!m_stalled && client->state() == QAbstractSocket::ConnectedState) {
                        bytesToClients += bytes.size();
                        client->write(bytes);
                    }
                });
                QObject::connect(up, &QTcpSocket::disconnected, client,
                                 [client] { client->disconnectFromHost(); });
                QObject::connect(client, &QTcpSocket::disconnected, up, [up] { up->disconnectFromHost(); });
                up->connectToHost(QHostAddress::LocalHost, m_upstreamPort);
            }
            QObject::connect(client, &QTcpSocket::readyRead, this, [this, index] { onClientBytes(index); });
        }
    }

    void onClientBytes(size_t index) {
        Pair& p = m_pairs[index];
        const QByteArray bytes = p.client->readAll();
        bytesFromClients += bytes.size();
        received += bytes;
        if (p.upstream) {
            p.upstream->write(bytes);  // buffered by Qt until the upstream connection is up
            return;
        }
        p.request += bytes;
        if (!p.answered && p.request.contains("\r\n\r\n") && !reply.isEmpty()) {
            p.answered = true;
            bytesToClients += reply.size();
            p.client->write(reply);
            if (!keepOpen) {
                p.client->disconnectFromHost();
            }
        }
    }

    QTcpServer m_server;
    quint16 m_upstreamPort = 0;
    bool m_stalled = false;
    std::vector<Pair> m_pairs;
};

// A canned HTTP/1.1 response.
inline QByteArray httpResponse(int status, const char* reason, const QByteArray& contentType,
                               const QByteArray& body, const QByteArray& extraHeaders = {}) {
    return "HTTP/1.1 " + QByteArray::number(status) + " " + reason + "\r\nContent-Type: " + contentType +
           "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n" +
           extraHeaders + "\r\n" + body;
}

}  // namespace lantern::test
