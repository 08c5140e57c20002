// FileTransfer when one reply's answer starts over: Qt's HTTP layer may send a GET again by itself when its
// connection closes under it, and the same QNetworkReply then carries a second header block and the body again
// from the request's first byte. Those bytes must never be written after the ones already on disk.
//
// A QNetworkAccessManager whose replies are scripted (no socket at all) plays exactly that: 200 with the first
// 40 % of the file, then a second 200 with all of it from byte 0. The transfer must end that attempt, ask for
// the missing range, and finish with the file's true SHA-256, having written every byte at its own offset.
#include <QCryptographicHash>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <functional>
#include <vector>

#include "service/library/downloadtransfer.h"

using lantern::service::HubConfig;
using lantern::service::detail::FileTransfer;
using lantern::service::detail::TransferSpec;

namespace {

constexpr qint64 kSize = 300000;

QByteArray content() {
    QByteArray bytes(kSize, Qt::Uninitialized);
    for (qint64 i = 0; i < kSize; ++i) {
        bytes[i] = char((i * 131 + i / 977) & 0xFF);
    }
    return bytes;
}

// A reply that plays a list of steps one event-loop turn apart; abort() stops it where it stands.
class ScriptedReply : public QNetworkReply {
public:
    ScriptedReply(const QNetworkRequest& request, QObject* parent) : QNetworkReply(parent) {
        setRequest(request);
        setUrl(request.url());
        setOperation(QNetworkAccessManager::GetOperation);
        open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    }

    void headers(int status, qint64 length, const QByteArray& contentRange = {}) {
        m_steps.push_back([this, status, length, contentRange] {
            setAttribute(QNetworkRequest::HttpStatusCodeAttribute, status);
            setHeader(QNetworkRequest::ContentLengthHeader, length);
            setRawHeader("ETag", "\"v1\"");
            if (!contentRange.isEmpty()) {
                setRawHeader("Content-Range", contentRange);
            }
            emit metaDataChanged();
        });
    }
    void body(const QByteArray& bytes) {
        m_steps.push_back([this, bytes] {
            m_buffer += bytes;
            emit readyRead();
        });
    }
    void play() { QTimer::singleShot(0, this, [this] { step(); }); }

    void abort() override {
        if (!isFinished()) {
            setError(OperationCanceledError, QStringLiteral("Operation canceled"));
            end();
        }
    }
    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override { return m_buffer.size() + QNetworkReply::bytesAvailable(); }

protected:
    qint64 readData(char* data, qint64 maxSize) override {
        const qint64 n = std::min<qint64>(maxSize, m_buffer.size());
        memcpy(data, m_buffer.constData(), size_t(n));
        m_buffer.remove(0, int(n));
        return n;
    }

private:
    void step() {
        if (isFinished()) {
            return;
        }
        if (m_next == m_steps.size()) {
            end();
            return;
        }
        m_steps[m_next++]();
        QTimer::singleShot(0, this, [this] { step(); });
    }
    void end() {
        setFinished(true);
        emit finished();
    }

    std::vector<std::function<void()>> m_steps;
    size_t m_next = 0;
    QByteArray m_buffer;
};

class ScriptedManager : public QNetworkAccessManager {
public:
    std::function<void(ScriptedReply*, const QNetworkRequest&)> script;
    QList<QByteArray> ranges;  // each request's Range header, in order

protected:
    QNetworkReply* createRequest(Operation, const QNetworkRequest& request, QIODevice*) override {
        ranges << request.rawHeader("Range");
        auto* reply = new ScriptedReply(request, this);
        script(reply, request);
        reply->play();
        return reply;
    }
};

}  // namespace

class TransferRestartTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    TransferSpec spec() const {
        TransferSpec s;
        s.url = QUrl(QStringLiteral("http://127.0.0.1:9/owner/repo/resolve/main/model.gguf"));
        s.partPath = m_dir.filePath(QStringLiteral("model.gguf.part"));
        s.displayName = QStringLiteral("model.gguf");
        s.size = kSize;
        return s;
    }
    static HubConfig config() {
        HubConfig c;
        c.networkAllowed = true;
        c.endpoint = QUrl(QStringLiteral("http://127.0.0.1:9"));
        c.stallTimeoutMs = 5000;
        c.maxRetries = 2;
        c.retryDelayMs = 10;
        return c;
    }

    // The transfer from an empty .part file to its end, which must succeed; its SHA-256 into *sha.
    void runToEnd(ScriptedManager& nam, QByteArray* sha) {
        QFile::remove(spec().partPath);
        FileTransfer transfer(&nam, config(), spec());
        QSignalSpy done(&transfer, &FileTransfer::finished);
        transfer.start();
        QVERIFY(done.wait(10000));
        const QList<QVariant> args = done.takeFirst();
        QVERIFY2(args.at(0).toBool(), qPrintable(args.at(2).toString()));
        if (sha) {
            *sha = args.at(1).toByteArray();
        }
    }

    // "Range: bytes=N-" answered as a server does: 206 with the rest of the file.
    static void answerRange(ScriptedReply* reply, const QByteArray& range, const QByteArray& file) {
        const qint64 from = range.mid(6, range.indexOf('-') - 6).toLongLong();
        reply->headers(206, kSize - from,
                       "bytes " + QByteArray::number(from) + '-' + QByteArray::number(kSize - 1) + '/' +
                           QByteArray::number(kSize));
        reply->body(file.mid(from));
    }

private slots:
    void restartedAnswerIsNotAppended() {
        const QByteArray file = content();
        const qint64 cut = kSize * 2 / 5;
        ScriptedManager nam;
        nam.script = [&](ScriptedReply* reply, const QNetworkRequest& request) {
            const QByteArray range = request.rawHeader("Range");
            if (range.isEmpty()) {
                reply->headers(200, kSize);
                reply->body(file.left(cut));
                reply->headers(200, kSize);  // Qt sent the GET again: the same answer from byte 0
                reply->body(file.left(kSize / 2));
                reply->body(file.mid(kSize / 2));
            } else {
                answerRange(reply, range, file);
            }
        };
        QByteArray sha;
        runToEnd(nam, &sha);
        if (QTest::currentTestFailed()) {
            return;
        }
        QCOMPARE(sha, QCryptographicHash::hash(file, QCryptographicHash::Sha256).toHex());
        QFile part(spec().partPath);
        QVERIFY(part.open(QIODevice::ReadOnly));
        QVERIFY(part.readAll() == file);  // every byte at its own offset
        // The second request asks for exactly what the first attempt left missing.
        QCOMPARE(nam.ranges, (QList<QByteArray>{QByteArray(), "bytes=" + QByteArray::number(cut) + '-'}));
    }

    // The control: one header block and a cut gives the same two requests (so the test above tells the restart
    // apart from a plain cut, rather than passing for any reply).
    void plainCutResumes() {
        const QByteArray file = content();
        const qint64 cut = kSize / 3;
        ScriptedManager nam;
        nam.script = [&](ScriptedReply* reply, const QNetworkRequest& request) {
            const QByteArray range = request.rawHeader("Range");
            if (range.isEmpty()) {
                reply->headers(200, kSize);
                reply->body(file.left(cut));
            } else {
                answerRange(reply, range, file);
            }
        };
        runToEnd(nam, nullptr);
        QCOMPARE(nam.ranges, (QList<QByteArray>{QByteArray(), "bytes=" + QByteArray::number(cut) + '-'}));
    }
};

QTEST_GUILESS_MAIN(TransferRestartTest)
#include "transferrestarttest.moc"
