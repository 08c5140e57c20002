#pragma once
// Internal to service/library: one file's transfer into its .part file, for DownloadManager (downloads.h says
// the rules; this is where the byte-level ones live).
//   - Resumes from the bytes already in the .part file: their SHA-256 is computed again first, on a worker
//     thread, so a multi-gigabyte prefix never blocks the GUI thread.
//   - Every attempt starts at the hub's resolve URL and follows redirects by hand (hubRequest: the token only
//     to the endpoint's origin), so a CDN's signed, expiring URL is never reused.
//   - "Range: bytes=N-" with "If-Range" naming the validator of the server that sent the earlier bytes; only
//   a
//     206 whose Content-Range starts at N and names the expected total is appended to. A 200 (the range was
//     ignored or the file changed) restarts from 0 with that body; a 416 or a different total restarts from 0
//     once, then fails.
//   - No byte for HubConfig::stallTimeoutMs is a stall: the attempt is aborted and retried like a cut
//     connection, with back-off, up to maxRetries attempts in a row that brought no byte.
#include <QByteArray>
#include <QCryptographicHash>
#include <QFile>
#include <QNetworkReply>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <atomic>
#include <memory>
#include <thread>

#include "service/library/hubsettings.h"

class QNetworkAccessManager;

namespace lantern::service::detail {

struct TransferSpec {
    QUrl url;             // the hub's resolve URL
    QString partPath;     // <models>/.downloads/<file>.part
    QString displayName;  // the file's name, for sentences
    qint64 size = -1;     // expected bytes; -1 unknown (then the server's total is taken)
    QString servedEtag;   // the byte server's ETag from an earlier attempt ("" = none): If-Range names it
    QString servedLastModified;  // its Last-Modified, If-Range's fallback when the ETag is weak
};

class FileTransfer : public QObject {
    Q_OBJECT
public:
    FileTransfer(QNetworkAccessManager* nam, HubConfig config, TransferSpec spec, QObject* parent = nullptr);
    ~FileTransfer() override;  // aborts; the .part file stays as it is on disk

    void start();
    // Aborts without reporting anything more (safe from inside a slot connected to this object's signals;
    // deleteLater() it afterwards).
    void stop();
    qint64 bytesOnDisk() const { return m_offset; }
    qint64 size() const { return m_spec.size; }
    const TransferSpec& spec() const { return m_spec; }

signals:
    void hashing();                                      // re-reading the bytes already on disk
    void downloading();                                  // the first request of the transfer is out
    void progress(qint64 bytesOnDisk, qint64 newBytes);  // newBytes: arrived over the network since last time
    void validatorChanged();  // spec().servedEtag / servedLastModified changed: save them
    // ok: every byte is in the .part file and sha256Hex is its hash. Else error is the sentence; the .part
    // file stays (resumable).
    void finished(bool ok, const QByteArray& sha256Hex, const QString& error);

private:
    enum class Outcome { Complete, Retry, RestartOnce, Fail, Redirect };

    void hashPrefix();
    void onPrefixHashed(const std::shared_ptr<QCryptographicHash>& hash, qint64 hashed);
    void sendRequest();
    void onHeaders();
    void onData();
    void onReplyFinished();
    void handle(Outcome outcome, const QString& reason);
    bool truncateTo(qint64 bytes);
    void finish(bool ok, const QString& error);
    void abortReply();

    QNetworkAccessManager* m_nam;
    HubConfig m_config;
    TransferSpec m_spec;
    QFile m_file;
    std::shared_ptr<QCryptographicHash> m_hash;
    qint64 m_offset = 0;  // bytes on disk, all hashed
    QUrl m_url;           // this attempt's current hop
    int m_hops = 0;
    QNetworkReply* m_reply = nullptr;
    int m_status = 0;          // this attempt's HTTP status once headers arrived
    bool m_accepting = false;  // this attempt's body goes to the file
    QString m_problem;         // why this attempt's answer was refused (set before aborting it)
    Outcome m_problemOutcome = Outcome::Retry;
    bool m_stalled = false;
    qint64 m_attemptBytes = 0;  // bytes this attempt brought
    int m_failedAttempts = 0;   // in a row, without a byte
    bool m_restartedOnce = false;
    bool m_done = false;
    QTimer m_stallTimer;
    QTimer m_retryTimer;
    QByteArray m_errorBody;  // a refused answer's body, for the server's message
    std::thread m_hasher;
    std::atomic<bool> m_cancel{false};
};

}  // namespace lantern::service::detail
