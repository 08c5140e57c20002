#pragma once
// The download queue of the model library (../shared/notes/server-routing-downloads.md §4), QtNetwork only.
//   - A job is one model: a single GGUF file or every part of a split set ("-00001-of-0000N.gguf"), fetched
//     one file at a time, one job at a time (the rest wait in order).
//   - Before the first byte: metadata per file (HubClient::fileMetadata: size, SHA-256, ETag), sizes summed,
//     and the models folder's free space (QStorageInfo) checked against what is left to fetch plus a margin of
//     max(1 GiB, 5 %); too little space refuses the job with the numbers.
//   - Each file is written to <models>/.downloads/<file>.part beside a sidecar <file>.part.json
//     {url, repo, revision, path, size, sha256, etag, job id, job name, files of the job}, flushed as it goes, so a
//     kill -9 loses at most the bytes in flight. A later request resumes with "Range: bytes=N-" and "If-Range:
//     <etag>"; only a 206 whose Content-Range starts at N and names the expected total is appended to; a 200
//     restarts the file from 0; a 416 or a changed total restarts from 0 once, then fails.
//   - SHA-256 is computed while writing (the existing prefix is hashed again on resume) and compared before the
//     file is moved into the models folder; a mismatch deletes the partial file and its sidecar and fails with
//     "The download of X was corrupted (SHA-256 ... expected ...); the partial file was deleted.". With no
//     SHA-256 known (a server that does not say), the size is checked and the state says "not verified".
//   - A cut connection or a stall (no byte for HubConfig::stallTimeoutMs) retries with back-off up to
//     maxRetries, resuming from the bytes on disk; then the job fails with the reason and stays resumable.
//   - Pause keeps the partial file; cancel deletes it. A new DownloadManager over the same folder finds the
//     sidecars and lists those jobs as paused (resumable) — downloads survive an app restart and a kill -9.
//   - Offline (networkAllowed false): enqueue and resume refuse with offlineSentence(); nothing is requested.
//   - When the job's last file is verified, all its files are renamed into the models folder (parts keep their
//     split names, so the engine opens the set from the first part) and finished(id, firstPath) is emitted.
// GUI thread (or any thread with an event loop).
#include <QDateTime>
#include <QObject>
#include <QString>
#include <QStringList>

#include <vector>

#include "service/library/hubsettings.h"

class QNetworkAccessManager;

namespace lantern::service {

struct DownloadRequest {
    QString repo;               // "Qwen/Qwen3-8B-GGUF"
    QString revision = QStringLiteral("main");
    QStringList files;          // paths in the repository, a split set's parts in order
    QString name;               // for people: "Qwen3 8B · Q4_K_M"
    // Known in advance (the catalogue or a listing); checked against the hub's metadata, which wins when they
    // differ only if the catalogue gave none. -1 / "" = unknown.
    qint64 expectedBytes = -1;
    QString sha256;             // single-file jobs only
    // A catalogue download's quantization ("Q4_K_M"): when a named file is not on the hub (renamed since the
    // catalogue was written), the repository's one model of this quantization is fetched instead. "" = none.
    QString quant;
};

enum class DownloadState { Queued, Checking, Downloading, Verifying, Paused, Done, Failed };
QString downloadStateName(DownloadState s);  // "queued", "checking", ... (stable, for QML and the CLI)

struct DownloadStatus {
    QString id;                 // stable across restarts (from the sidecar)
    QString name;
    QString repo;
    QStringList files;
    DownloadState state = DownloadState::Queued;
    qint64 bytesDone = 0;       // all files of the job
    qint64 bytesTotal = -1;     // -1 until known
    qint64 bytesTransferred = 0;  // over the network in this manager's life (resume proof: only missing bytes)
    double bytesPerSecond = 0;  // smoothed over the last few seconds
    int secondsLeft = -1;       // -1 unknown
    int fileIndex = 0;          // the file being fetched (0-based)
    bool verified = false;      // Done: every file's SHA-256 matched
    QString error;              // Failed (or Paused after failing): a sentence
    QString finalPath;          // Done: the first file in the models folder
};

class DownloadManager : public QObject {
    Q_OBJECT
public:
    // modelsDir: where finished models go (created when missing). nam: shared, not owned (null = its own).
    DownloadManager(HubConfig config, QString modelsDir, QNetworkAccessManager* nam = nullptr,
                    QObject* parent = nullptr);
    ~DownloadManager() override;  // running transfers stop; partial files and sidecars stay for next time

    void setConfig(HubConfig config);
    QString modelsDir() const;

    // Queues a job and returns its id, or "" with *error set (offline, no files, a job for these files already).
    QString enqueue(const DownloadRequest& request, QString* error = nullptr);
    void pause(const QString& id);
    bool resume(const QString& id, QString* error = nullptr);  // a paused or failed job, back in the queue
    void cancel(const QString& id);   // deletes partial files and sidecars
    void remove(const QString& id);   // forgets a done or failed job (files already moved stay)

    std::vector<DownloadStatus> jobs() const;  // in queue order, finished ones last
    const DownloadStatus* job(const QString& id) const;

    // Tests only: pretend the models folder's disk has this many bytes free (-1, the default: ask the disk).
    void setAvailableBytesForTesting(qint64 bytes);

signals:
    void jobChanged(const QString& id);     // any change, progress included (at most ~10 per second per job)
    void jobsChanged();                     // added, removed or reordered
    void finished(const QString& id, const QString& path);
    void failed(const QString& id, const QString& sentence);

private:
    struct Private;
    Private* d;
};

}  // namespace lantern::service
