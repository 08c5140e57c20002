#pragma once
// Test helper: runs fakehub.py (the fake Hugging Face hub on 127.0.0.1, see its docstring) for a test file,
// and makes the model-like files it serves. The test's folder of repositories is ROOT/{owner}/{name}/{file}.
#include <QByteArray>
#include <QCryptographicHash>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

namespace lantern::test {

class FakeHub {
public:
    // Starts it; ok() says whether it runs (else error() says why).
    FakeHub() {
        m_process.setProgram(QStringLiteral(LANTERN_TEST_PYTHON3));
        m_process.setArguments({QStringLiteral(LANTERN_FAKEHUB), QStringLiteral("--root"), root()});
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start();
        if (!m_process.waitForStarted(10000) || !m_process.waitForReadyRead(10000)) {
            m_error = QStringLiteral("fakehub.py did not start: ") + m_process.errorString();
            return;
        }
        const QJsonObject ports = QJsonDocument::fromJson(m_process.readLine()).object();
        m_hub = ports.value(QStringLiteral("hub")).toInt();
        m_cdn = ports.value(QStringLiteral("cdn")).toInt();
        if (m_hub == 0 || m_cdn == 0) {
            m_error = QStringLiteral("fakehub.py printed no ports");
        }
        // The test's own control requests never go through a proxy the environment may name.
        m_nam.setProxy(QNetworkProxy::NoProxy);
    }
    ~FakeHub() {
        m_process.closeWriteChannel();  // it exits when stdin closes
        if (!m_process.waitForFinished(3000)) {
            m_process.kill();
            m_process.waitForFinished(3000);
        }
    }

    bool ok() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }
    QString root() const { return m_root.path(); }
    int hubPort() const { return m_hub; }
    int cdnPort() const { return m_cdn; }
    QUrl endpoint() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_hub)); }

    // Writes a model-like file of `bytes` bytes (GGUF magic, then random bytes from seed) into a repository
    // and returns its SHA-256 (hex).
    QString addFile(const QString& repo, const QString& path, qint64 bytes, quint32 seed) {
        const QString full = root() + QLatin1Char('/') + repo + QLatin1Char('/') + path;
        QDir().mkpath(QFileInfo(full).absolutePath());
        QRandomGenerator rng(seed);
        QByteArray data(bytes, Qt::Uninitialized);
        rng.fillRange(reinterpret_cast<quint32*>(data.data()), int(bytes / 4));
        data.replace(0, 4, "GGUF");
        QFile out(full);
        if (!out.open(QIODevice::WriteOnly) || out.write(data) != bytes) {
            return {};
        }
        return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
    }

    void reset() { post(QStringLiteral("/_reset"), {}); }
    void control(const QJsonObject& body) { post(QStringLiteral("/_control"), body); }
    void fault(const QJsonObject& fault) { control({{QStringLiteral("faults"), QJsonArray{fault}}}); }

    // Every request the hub and the CDN saw since the last reset (oldest first).
    QJsonArray requests() { return get(QStringLiteral("/_log")).value(QStringLiteral("requests")).toArray(); }
    // Only the CDN's GETs of files: one per download attempt that reached the bytes. Left out: a copy of a
    // request that Qt's HTTP layer sends again by itself when the server closes the connection (its
    // reconnect attempts), which it abandons before the first byte; it is not a download attempt.
    QJsonArray cdnGets() {
        QJsonArray out;
        for (const QJsonValue& v : requests()) {
            const QJsonObject r = v.toObject();
            const bool abandoned = r.value(QStringLiteral("client_closed")).toBool() &&
                                   r.value(QStringLiteral("bytes")).toInteger() == 0;
            if (r.value(QStringLiteral("server")) == QLatin1String("cdn") &&
                r.value(QStringLiteral("method")) == QLatin1String("GET") && !abandoned) {
                out.append(r);
            }
        }
        return out;
    }
    qint64 bytesSent() {
        qint64 total = 0;
        const QJsonObject sent = get(QStringLiteral("/_log")).value(QStringLiteral("sent")).toObject();
        for (const QJsonValue& v : sent) {
            total += v.toInteger();
        }
        return total;
    }

private:
    QJsonObject wait(QNetworkReply* reply) {
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        reply->deleteLater();
        return QJsonDocument::fromJson(reply->readAll()).object();
    }
    QJsonObject post(const QString& path, const QJsonObject& body) {
        QNetworkRequest request(QUrl(endpoint().toString() + path));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        return wait(m_nam.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact)));
    }
    QJsonObject get(const QString& path) {
        return wait(m_nam.get(QNetworkRequest(QUrl(endpoint().toString() + path))));
    }

    QTemporaryDir m_root;
    QProcess m_process;
    QNetworkAccessManager m_nam;
    QString m_error;
    int m_hub = 0;
    int m_cdn = 0;
};

}  // namespace lantern::test
