#include "service/library/downloadtransfer.h"

#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QRegularExpression>

#include <algorithm>

#include "service/library/downloadnet.h"

namespace lantern::service::detail {

namespace {

// QT_LOGGING_RULES="lantern.downloads.debug=true" traces every request, header block and end of a reply.
Q_LOGGING_CATEGORY(lcTransfer, "lantern.downloads", QtWarningMsg)

constexpr qint64 kChunk = 4 << 20;
// Qt keeps at most this much of a body in memory before it stops reading the socket.
constexpr qint64 kReadBuffer = 8 << 20;

struct ContentRange {
    qint64 first = -1, last = -1, total = -1;  // total -1: "*"
};

// "bytes 100-199/1000" (RFC 9110 §14.4).
bool parseContentRange(const QByteArray& value, ContentRange* out) {
    static const QRegularExpression re(QStringLiteral("^bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)$"));
    const QRegularExpressionMatch m = re.match(QString::fromLatin1(value).trimmed());
    if (!m.hasMatch()) {
        return false;
    }
    out->first = m.captured(1).toLongLong();
    out->last = m.captured(2).toLongLong();
    out->total = m.captured(3) == QLatin1String("*") ? -1 : m.captured(3).toLongLong();
    return out->first <= out->last;
}

bool isStrongEtag(const QString& etag) {
    return etag.startsWith(QLatin1Char('"'));
}

}  // namespace

FileTransfer::FileTransfer(QNetworkAccessManager* nam, HubConfig config, TransferSpec spec, QObject* parent)
    : QObject(parent), m_nam(nam), m_config(std::move(config)), m_spec(std::move(spec)) {
    m_stallTimer.setSingleShot(true);
    m_stallTimer.setInterval(std::max(1, m_config.stallTimeoutMs));
    connect(&m_stallTimer, &QTimer::timeout, this, [this] {
        m_stalled = true;
        abortReply();
    });
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &FileTransfer::sendRequest);
}

FileTransfer::~FileTransfer() {
    m_done = true;  // nothing more is reported from here on
    m_cancel = true;
    if (m_hasher.joinable()) {
        m_hasher.join();
    }
    abortReply();
}

void FileTransfer::start() {
    m_file.setFileName(m_spec.partPath);
    // Unbuffered: what was written is in the operating system's hands, so a kill -9 loses nothing written.
    if (!m_file.open(QIODevice::ReadWrite | QIODevice::Unbuffered)) {
        finish(false, tr("Lantern could not write %1 (%2). Check that the models folder is writable.")
                          .arg(m_spec.partPath, m_file.errorString()));
        return;
    }
    m_offset = m_file.size();
    if (m_spec.size >= 0 && m_offset > m_spec.size) {
        truncateTo(0);  // longer than the file can be: not a prefix of it
    }
    if (!m_file.seek(m_offset)) {  // new bytes go after the ones already there
        finish(false, tr("Lantern could not write %1 (%2). Check that the models folder is writable.")
                          .arg(m_spec.partPath, m_file.errorString()));
        return;
    }
    hashPrefix();
}

void FileTransfer::stop() {
    m_done = true;
    m_cancel = true;
    m_stallTimer.stop();
    m_retryTimer.stop();
    abortReply();
}

void FileTransfer::hashPrefix() {
    if (m_offset == 0) {
        onPrefixHashed(std::make_shared<QCryptographicHash>(QCryptographicHash::Sha256), 0);
        return;
    }
    emit hashing();
    const QString path = m_spec.partPath;
    const qint64 length = m_offset;
    m_hasher = std::thread([this, path, length] {
        auto hash = std::make_shared<QCryptographicHash>(QCryptographicHash::Sha256);
        QFile in(path);
        qint64 hashed = 0;
        if (in.open(QIODevice::ReadOnly)) {
            QByteArray buffer;
            while (hashed < length && !m_cancel) {
                buffer = in.read(std::min(kChunk, length - hashed));
                if (buffer.isEmpty()) {
                    break;
                }
                hash->addData(buffer);
                hashed += buffer.size();
            }
        }
        // Queued: runs on this object's thread, or never when the object is destroyed first (the destructor
        // joins this thread before the object goes, so `this` is valid here).
        QMetaObject::invokeMethod(
            this, [this, hash, hashed] { onPrefixHashed(hash, hashed); }, Qt::QueuedConnection);
    });
}

void FileTransfer::onPrefixHashed(const std::shared_ptr<QCryptographicHash>& hash, qint64 hashed) {
    if (m_hasher.joinable()) {
        m_hasher.join();
    }
    m_hash = hash;
    if (hashed != m_offset) {
        // The file shrank or could not be read back: start over rather than trust a prefix not hashed.
        truncateTo(0);
    }
    if (m_spec.size >= 0 && m_offset == m_spec.size) {
        finish(true, {});  // everything was already on disk (killed between the last byte and the rename)
        return;
    }
    emit downloading();
    sendRequest();
}

bool FileTransfer::truncateTo(qint64 bytes) {
    m_offset = bytes;
    m_hash = std::make_shared<QCryptographicHash>(QCryptographicHash::Sha256);
    return m_file.resize(bytes) && m_file.seek(bytes);
}

void FileTransfer::sendRequest() {
    if (m_done) {
        return;
    }
    if (m_hops == 0) {
        m_url = m_spec.url;
    }
    m_status = 0;
    m_accepting = false;
    m_problem.clear();
    m_stalled = false;
    m_attemptBytes = 0;
    m_errorBody.clear();
    QNetworkRequest request = hubRequest(m_url, m_config);
    if (m_offset > 0) {
        request.setRawHeader("Range", "bytes=" + QByteArray::number(m_offset) + '-');
        // If the file changed since the earlier bytes came, the server answers 200 with all of it instead.
        if (isStrongEtag(m_spec.servedEtag)) {
            request.setRawHeader("If-Range", m_spec.servedEtag.toLatin1());
        } else if (!m_spec.servedLastModified.isEmpty()) {
            request.setRawHeader("If-Range", m_spec.servedLastModified.toLatin1());
        }
    }
    m_reply = m_nam->get(request);
    qCDebug(lcTransfer) << "GET" << m_url.path() << "from" << m_offset << "reply" << static_cast<void*>(m_reply);
    m_reply->setParent(this);
    m_reply->setReadBufferSize(kReadBuffer);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &FileTransfer::onHeaders);
    connect(m_reply, &QNetworkReply::readyRead, this, &FileTransfer::onData);
    connect(m_reply, &QNetworkReply::finished, this, &FileTransfer::onReplyFinished);
    m_stallTimer.start();
}

void FileTransfer::onHeaders() {
    if (!m_reply) {
        return;
    }
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    qCDebug(lcTransfer) << "headers" << status << "reply" << static_cast<void*>(m_reply) << "after"
                        << m_attemptBytes << "bytes of this attempt";
    if (m_status != 0) {
        // A second header block in one reply: Qt's HTTP layer sent the request again by itself (it does so
        // for a GET whose connection closed under it) and the body starts over from the request's first
        // byte, not from where the file on disk stands. Not one of those bytes may be written after the ones
        // already there: this attempt ends, and the next asks for the range still missing.
        if (m_problem.isEmpty() && m_accepting) {
            m_problem = tr("the answer from %1 for %2 started over").arg(m_url.host(), m_spec.displayName);
            m_problemOutcome = Outcome::Retry;
            abortReply();
        }
        return;
    }
    m_stallTimer.start();
    m_status = status;
    if (m_status != 200 && m_status != 206) {
        return;  // a redirect or an error: onReplyFinished decides
    }
    bool known = false;
    const qint64 length = m_reply->header(QNetworkRequest::ContentLengthHeader).toLongLong(&known);
    if (m_status == 206) {
        ContentRange range;
        if (!parseContentRange(m_reply->rawHeader("Content-Range"), &range) || range.first != m_offset ||
            (m_spec.size >= 0 && range.total != m_spec.size) ||
            (known && length != range.last - range.first + 1)) {
            m_problem = tr("the server answered the request for %1 from byte %2 with the range \"%3\" of a "
                           "file of a different size")
                            .arg(m_spec.displayName)
                            .arg(m_offset)
                            .arg(QString::fromLatin1(m_reply->rawHeader("Content-Range")));
            m_problemOutcome = Outcome::RestartOnce;
            abortReply();
            return;
        }
        if (m_spec.size < 0) {
            m_spec.size = range.total;
        }
    } else {
        if (m_offset > 0) {
            truncateTo(
                0);  // the range was not honoured (or If-Range saw a changed file): this body is all of it
        }
        if (known && m_spec.size >= 0 && length != m_spec.size) {
            m_problem = tr("the server announced %1 bytes for %2, but the hub said %3")
                            .arg(length)
                            .arg(m_spec.displayName)
                            .arg(m_spec.size);
            m_problemOutcome = Outcome::Retry;
            abortReply();
            return;
        }
        if (m_spec.size < 0 && known) {
            m_spec.size = length;
        }
    }
    // The validator of the server that sends these bytes: what the next attempt's If-Range names.
    const QString etag = QString::fromLatin1(m_reply->rawHeader("ETag")).trimmed();
    const QString lastModified = QString::fromLatin1(m_reply->rawHeader("Last-Modified")).trimmed();
    if (etag != m_spec.servedEtag || lastModified != m_spec.servedLastModified) {
        m_spec.servedEtag = etag;
        m_spec.servedLastModified = lastModified;
        emit validatorChanged();
    }
    m_accepting = true;
}

void FileTransfer::onData() {
    if (!m_reply || !m_reply->isOpen()) {
        return;
    }
    if (m_status == 0) {
        onHeaders();
    }
    if (!m_accepting) {
        // A redirect's or an error's body: keep a little of it for the server's message.
        const QByteArray body = m_reply->readAll();
        if (m_errorBody.size() < 4096) {
            m_errorBody += body.left(4096 - m_errorBody.size());
        }
        return;
    }
    m_stallTimer.start();
    qint64 fresh = 0;
    while (m_reply->bytesAvailable() > 0) {
        QByteArray chunk = m_reply->read(std::min(kChunk, m_reply->bytesAvailable()));
        if (m_spec.size >= 0 && m_offset + chunk.size() > m_spec.size) {
            chunk.truncate(int(m_spec.size - m_offset));
            m_problem =
                tr("the server sent more than the %1 bytes of %2").arg(m_spec.size).arg(m_spec.displayName);
            m_problemOutcome = Outcome::Retry;
        }
        if (m_file.write(chunk) != chunk.size()) {
            m_problem = tr("Lantern could not write %1 (%2). Check the free space in the models folder.")
                            .arg(m_spec.partPath, m_file.errorString());
            m_problemOutcome = Outcome::Fail;
            break;
        }
        m_hash->addData(chunk);
        m_offset += chunk.size();
        m_attemptBytes += chunk.size();
        fresh += chunk.size();
        if (!m_problem.isEmpty()) {
            break;
        }
    }
    if (fresh > 0) {
        emit progress(m_offset, fresh);
    }
    if (!m_problem.isEmpty()) {
        abortReply();  // reports through onReplyFinished, which may already start the next attempt
    }
}

void FileTransfer::abortReply() {
    if (!m_reply) {
        return;
    }
    // finished arrives synchronously from abort(); onReplyFinished reads m_problem / m_stalled to know why.
    m_reply->abort();
}

void FileTransfer::onReplyFinished() {
    QNetworkReply* reply = m_reply;
    if (!reply) {
        return;
    }
    m_stallTimer.stop();
    if (m_accepting && m_problem.isEmpty() && !m_stalled) {
        onData();  // whatever is still buffered
    }
    qCDebug(lcTransfer) << "finished" << reply->error() << "reply" << static_cast<void*>(reply) << "offset"
                        << m_offset << "problem" << m_problem;
    m_reply = nullptr;
    reply->deleteLater();
    if (m_done) {
        return;
    }
    if (m_status == 0) {
        m_status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }
    if (reply->isOpen()) {
        m_errorBody += reply->readAll().left(4096);
    }
    const QString host = m_url.host();

    if (!m_problem.isEmpty()) {
        handle(m_problemOutcome, m_problem);
        return;
    }
    if (m_accepting && m_spec.size >= 0 && m_offset == m_spec.size) {
        // All bytes are here; a connection closed right after the last one (or a Content-Length that promised
        // more) does not matter: the SHA-256 decides.
        handle(Outcome::Complete, {});
        return;
    }
    if (m_stalled) {
        handle(Outcome::Retry, tr("%1 sent nothing for %2 seconds while downloading %3")
                                   .arg(host)
                                   .arg(m_config.stallTimeoutMs / 1000.0, 0, 'g', 3)
                                   .arg(m_spec.displayName));
        return;
    }
    const QUrl next = redirectTarget(reply);
    if (next.isValid()) {
        const bool downgrade =
            m_url.scheme() == QLatin1String("https") && next.scheme() != QLatin1String("https");
        if (downgrade ||
            (next.scheme() != QLatin1String("http") && next.scheme() != QLatin1String("https"))) {
            handle(Outcome::Fail, tr("%1 redirected the download of %2 to an insecure address (%3); Lantern "
                                     "did not follow.")
                                      .arg(host, m_spec.displayName, next.toDisplayString()));
            return;
        }
        if (++m_hops > kMaxRedirects) {
            handle(Outcome::Fail,
                   tr("%1 redirected the download of %2 too many times.").arg(host, m_spec.displayName));
            return;
        }
        m_url = next;
        handle(Outcome::Redirect, {});
        return;
    }
    if (m_status == 416) {
        handle(Outcome::RestartOnce, tr("%1 refused the range from byte %2 of %3 (HTTP 416)")
                                         .arg(host)
                                         .arg(m_offset)
                                         .arg(m_spec.displayName));
        return;
    }
    if (m_accepting) {
        if (reply->error() == QNetworkReply::NoError && m_spec.size < 0) {
            handle(Outcome::Complete, {});  // no size was known: the server's end of the body is the end
            return;
        }
        const QString why =
            reply->error() == QNetworkReply::NoError ? tr("the answer ended early") : reply->errorString();
        handle(Outcome::Retry, tr("the connection to %1 broke after %2 of %3 (%4)")
                                   .arg(host, formatBytes(m_offset), m_spec.displayName, why));
        return;
    }
    const QString error = replyError(reply, m_spec.displayName, m_errorBody);
    // Busy, failing or rate-limiting servers and broken connections get another try; a refusal does not.
    const bool retry = m_status == 0 || m_status >= 500 || m_status == 429 || m_status == 408;
    handle(retry ? Outcome::Retry : Outcome::Fail, error);
}

void FileTransfer::handle(Outcome outcome, const QString& reason) {
    m_hops = outcome == Outcome::Redirect ? m_hops : 0;
    switch (outcome) {
        case Outcome::Complete:
            finish(true, {});
            return;
        case Outcome::Redirect:
            sendRequest();
            return;
        case Outcome::Fail:
            finish(false, reason.endsWith(QLatin1Char('.')) ? reason : reason + QLatin1Char('.'));
            return;
        case Outcome::RestartOnce:
            if (m_restartedOnce || m_offset == 0) {
                finish(false,
                       tr("The download of %1 could not be resumed: %2.").arg(m_spec.displayName, reason));
                return;
            }
            m_restartedOnce = true;
            truncateTo(0);
            sendRequest();
            return;
        case Outcome::Retry:
            break;
    }
    // A retry that brought bytes was progress: only attempts in a row that bring nothing count, so a long
    // download over a flaky line is not given up after maxRetries cuts spread over hours.
    m_failedAttempts = m_attemptBytes > 0 ? 1 : m_failedAttempts + 1;
    if (m_failedAttempts > m_config.maxRetries) {
        finish(false, tr("The download of %1 stopped: %2. Lantern tried %3 times; resume it to try again.")
                          .arg(m_spec.displayName, reason)
                          .arg(m_config.maxRetries + 1));
        return;
    }
    const int delay = m_config.retryDelayMs * (1 << std::min(m_failedAttempts - 1, 6));
    m_retryTimer.start(delay);
}

void FileTransfer::finish(bool ok, const QString& error) {
    if (m_done) {
        return;
    }
    m_done = true;
    m_stallTimer.stop();
    m_retryTimer.stop();
    const QByteArray hex = ok && m_hash ? m_hash->result().toHex() : QByteArray();
    m_file.close();
    emit finished(ok, hex, error);
}

}  // namespace lantern::service::detail
