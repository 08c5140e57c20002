#pragma once
// A tiny model hub on 127.0.0.1 for the library's UI tests and screenshots, speaking the part of the Hugging
// Face API that HubClient and DownloadManager use: search (GET /api/models?search=), the file tree (GET
// /api/models/{repo}/tree/{rev}), and files (HEAD and GET /{repo}/resolve/{rev}/{path}, with X-Linked-Etag =
// SHA-256, X-Linked-Size, ETag and byte ranges). Counts every request, so a test can show that offline makes
// none; `bytesPerSecond` throttles file bodies (a download in progress for the screenshots).
// tests/service/library/fakehub.py is the service tests' misbehaving hub (a separate Python process, random
// bytes for files); this one runs in the test's own event loop and serves real GGUF files, so the UI tests
// need no Python.
#include <QCryptographicHash>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>
#include <map>

namespace lantern::test {

class LoopbackHub : public QObject {
public:
    LoopbackHub() {
        m_server.listen(QHostAddress::LocalHost, 0);
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = m_server.nextPendingConnection()) {
                QObject::connect(s, &QTcpSocket::readyRead, this, [this, s] { onRead(s); });
                QObject::connect(s, &QTcpSocket::disconnected, this, [this, s] {
                    m_buffers.remove(s);
                    s->deleteLater();
                });
            }
        });
    }

    // Its connections go first: a socket closing while the members below are destroyed must not reach them.
    ~LoopbackHub() override {
        for (QTcpSocket* s : m_server.findChildren<QTcpSocket*>()) {
            s->disconnect(this);
            delete s;
        }
    }

    QUrl endpoint() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort())); }
    // downloads: what the search says for the repository (-1: keep what an earlier file set, else 100).
    void addFile(const QString& repo, const QString& path, const QByteArray& bytes, qint64 downloads = -1) {
        m_repos[repo][path] = bytes;
        if (downloads >= 0 || !m_downloads.contains(repo))
            m_downloads[repo] = downloads >= 0 ? downloads : 100;
    }
    static QString sha256(const QByteArray& bytes) {
        return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
    }

    int requests = 0;
    qint64 bytesPerSecond = 0;  // 0 = as fast as possible

private:
    void onRead(QTcpSocket* s) {
        QByteArray& buffer = m_buffers[s];
        buffer += s->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        buffer.clear();
        ++requests;
        const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
        const QByteArray verb = first.value(0);
        const QUrl url(QString::fromLatin1(first.value(1)));
        qint64 from = 0;
        for (const QByteArray& l : lines)
            if (l.toLower().startsWith("range: bytes="))
                from = l.mid(13).trimmed().split('-').value(0).toLongLong();
        const QString path = url.path(QUrl::FullyDecoded);
        if (path == QLatin1String("/api/models"))
            return json(s, search(QUrlQuery(url).queryItemValue(QStringLiteral("search"))));
        if (path.startsWith(QLatin1String("/api/models/")) && path.contains(QLatin1String("/tree/")))
            return json(s, tree(path.mid(12).section(QStringLiteral("/tree/"), 0, 0)));
        const qsizetype resolve = path.indexOf(QLatin1String("/resolve/"));
        if (resolve > 0) {
            const QString repo = path.mid(1, resolve - 1);
            const QString file = path.mid(resolve + 9).section(QLatin1Char('/'), 1);
            const auto r = m_repos.find(repo);
            if (r != m_repos.end() && r->second.count(file))
                return serveFile(s, verb, r->second.at(file), from);
        }
        reply(s, "404 Not Found", "{\"error\":\"not found\"}", "application/json");
    }

    QJsonArray search(const QString& query) const {
        QJsonArray out;
        for (const auto& [repo, files] : m_repos)
            if (repo.contains(query, Qt::CaseInsensitive))
                out.append(QJsonObject{{QStringLiteral("id"), repo},
                                       {QStringLiteral("downloads"), m_downloads.value(repo)},
                                       {QStringLiteral("likes"), 7},
                                       {QStringLiteral("tags"), QJsonArray{QStringLiteral("gguf")}}});
        return out;
    }

    QJsonArray tree(const QString& repo) const {
        QJsonArray out;
        const auto r = m_repos.find(repo);
        if (r == m_repos.end())
            return out;
        for (const auto& [path, bytes] : r->second)
            out.append(QJsonObject{
                {QStringLiteral("type"), QStringLiteral("file")},
                {QStringLiteral("path"), path},
                {QStringLiteral("size"), qint64(bytes.size())},
                {QStringLiteral("lfs"), QJsonObject{{QStringLiteral("oid"), sha256(bytes)},
                                                    {QStringLiteral("size"), qint64(bytes.size())}}}});
        return out;
    }

    void json(QTcpSocket* s, const QJsonArray& value) {
        reply(s, "200 OK", QJsonDocument(value).toJson(QJsonDocument::Compact), "application/json");
    }

    void reply(QTcpSocket* s, const QByteArray& status, const QByteArray& body, const QByteArray& type) {
        s->write("HTTP/1.1 " + status + "\r\nContent-Type: " + type + "\r\nContent-Length: " +
                 QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
        s->disconnectFromHost();
    }

    void serveFile(QTcpSocket* s, const QByteArray& verb, const QByteArray& bytes, qint64 from) {
        const QByteArray sha = sha256(bytes).toLatin1();
        const qint64 size = bytes.size();
        from = std::clamp<qint64>(from, 0, size);
        QByteArray head = from > 0 ? "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " +
                                         QByteArray::number(from) + "-" + QByteArray::number(size - 1) + "/" +
                                         QByteArray::number(size) + "\r\n"
                                   : QByteArray("HTTP/1.1 200 OK\r\n");
        head += "Content-Type: application/octet-stream\r\nAccept-Ranges: bytes\r\nETag: \"" + sha +
                "\"\r\nX-Linked-Etag: \"" + sha + "\"\r\nX-Linked-Size: " + QByteArray::number(size) +
                "\r\nContent-Length: " + QByteArray::number(size - from) + "\r\nConnection: close\r\n\r\n";
        s->write(head);
        if (verb == "HEAD") {
            s->disconnectFromHost();
            return;
        }
        const QByteArray body = bytes.mid(from);
        if (bytesPerSecond <= 0) {
            s->write(body);
            s->disconnectFromHost();
            return;
        }
        // Throttled: a slice every 50 ms until the body is out or the client goes.
        auto* timer = new QTimer(s);
        auto offset = std::make_shared<qint64>(0);
        QPointer<QTcpSocket> socket(s);
        QObject::connect(timer, &QTimer::timeout, s, [this, socket, timer, body, offset] {
            if (!socket || socket->state() != QAbstractSocket::ConnectedState) {
                timer->stop();
                return;
            }
            const qint64 slice = std::max<qint64>(1, bytesPerSecond / 20);
            socket->write(body.mid(*offset, slice));
            *offset += slice;
            if (*offset >= body.size()) {
                timer->stop();
                socket->disconnectFromHost();
            }
        });
        timer->start(50);
    }

    QTcpServer m_server;
    std::map<QString, std::map<QString, QByteArray>> m_repos;
    QHash<QString, qint64> m_downloads;
    QHash<QTcpSocket*, QByteArray> m_buffers;
};

}  // namespace lantern::test
