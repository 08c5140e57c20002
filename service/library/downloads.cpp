#include "service/library/downloads.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QNetworkAccessManager>
#include <QSaveFile>
#include <QStorageInfo>
#include <QTimer>
#include <QUuid>

#include <algorithm>
#include <deque>
#include <memory>

#include "service/library/downloadnet.h"
#include "service/library/downloadtransfer.h"
#include "service/library/hubclient.h"

namespace lantern::service {

QString downloadStateName(DownloadState s) {
    switch (s) {
        case DownloadState::Queued:
            return QStringLiteral("queued");
        case DownloadState::Checking:
            return QStringLiteral("checking");
        case DownloadState::Downloading:
            return QStringLiteral("downloading");
        case DownloadState::Verifying:
            return QStringLiteral("verifying");
        case DownloadState::Paused:
            return QStringLiteral("paused");
        case DownloadState::Done:
            return QStringLiteral("done");
        case DownloadState::Failed:
            return QStringLiteral("failed");
    }
    return {};
}

namespace {

constexpr int kProgressIntervalMs = 100;  // jobChanged for progress at most ~10 times a second
constexpr qint64 kSpeedWindowMs = 5000;
constexpr qint64 kMinMargin = qint64(1) << 30;

// One file of a job as the manager knows it; the sidecar holds the same, so a restart knows it too.
struct FileState {
    QString path;  // in the repository
    qint64 size = -1;
    QString sha256;
    QString etag;        // the metadata's ETag
    QString servedEtag;  // the byte server's validator (If-Range)
    QString servedLastModified;
    QString url;
    qint64 onDisk = 0;      // bytes in the .part file
    bool verified = false;  // complete and its SHA-256 matched (or none was known and the size did)
    bool hashChecked = false;
};

struct Job {
    DownloadStatus s;
    DownloadRequest request;
    std::vector<FileState> files;
    detail::FileTransfer* transfer = nullptr;
    int generation = 0;  // bumped when the job stops, so answers to its old requests are ignored
    bool relisted = false;  // the repository's file list was read once for a missing file (request.quant)
    bool dirty = false;  // progress not yet announced
    std::deque<std::pair<qint64, qint64>> samples;  // (ms, bytesTransferred), for the speed
};

QString localName(const QString& path) {
    return path.section(QLatin1Char('/'), -1);
}

}  // namespace

struct DownloadManager::Private {
    DownloadManager* q = nullptr;
    HubConfig config;
    QString modelsDir;
    QNetworkAccessManager* nam = nullptr;
    HubClient* hub = nullptr;
    std::vector<std::unique_ptr<Job>> jobs;
    QTimer flush;
    QElapsedTimer clock;
    qint64 availableOverride = -1;

    QString partDir() const { return modelsDir + QStringLiteral("/.downloads"); }
    QString partPath(const QString& path) const {
        return partDir() + QLatin1Char('/') + localName(path) + ".part";
    }
    QString sidecarPath(const QString& path) const { return partPath(path) + QStringLiteral(".json"); }
    QString finalPath(const QString& path) const { return modelsDir + QLatin1Char('/') + localName(path); }

    Job* find(const QString& id) const {
        for (const auto& j : jobs) {
            if (j->s.id == id) {
                return j.get();
            }
        }
        return nullptr;
    }

    static bool active(const Job* j) {
        return j->s.state == DownloadState::Checking || j->s.state == DownloadState::Downloading ||
               j->s.state == DownloadState::Verifying;
    }

    void announce(Job* j) {
        j->dirty = false;
        emit q->jobChanged(j->s.id);
    }

    // Progress is announced at most every kProgressIntervalMs; state changes at once.
    void announceLater(Job* j) {
        j->dirty = true;
        if (!flush.isActive()) {
            flush.start();
        }
    }

    void updateTotals(Job* j) {
        qint64 done = 0, total = 0;
        for (const FileState& f : j->files) {
            done += f.verified && f.size >= 0 ? f.size : f.onDisk;
            total = (total < 0 || f.size < 0) ? -1 : total + f.size;
        }
        j->s.bytesDone = done;
        j->s.bytesTotal = total >= 0 ? total : j->request.expectedBytes;
    }

    void updateSpeed(Job* j) {
        const qint64 now = clock.elapsed();
        j->samples.emplace_back(now, j->s.bytesTransferred);
        while (j->samples.size() > 2 && now - j->samples[1].first >= kSpeedWindowMs) {
            j->samples.pop_front();
        }
        const qint64 dt = now - j->samples.front().first;
        if (dt >= 300) {
            j->s.bytesPerSecond =
                double(j->s.bytesTransferred - j->samples.front().second) * 1000.0 / double(dt);
        }
        j->s.secondsLeft = j->s.bytesPerSecond > 0 && j->s.bytesTotal >= 0
                               ? int(double(j->s.bytesTotal - j->s.bytesDone) / j->s.bytesPerSecond)
                               : -1;
    }

    void resetSpeed(Job* j) {
        j->samples.clear();
        j->s.bytesPerSecond = 0;
        j->s.secondsLeft = -1;
    }

    // ---- sidecars
    // -------------------------------------------------------------------------------------------

    bool saveSidecar(Job* j, const FileState& f, QString* error = nullptr) {
        QJsonObject o;
        o[QStringLiteral("version")] = 1;
        o[QStringLiteral("url")] = f.url;
        o[QStringLiteral("repo")] = j->request.repo;
        o[QStringLiteral("revision")] = j->request.revision;
        o[QStringLiteral("path")] = f.path;
        o[QStringLiteral("size")] = f.size;
        o[QStringLiteral("sha256")] = f.sha256;
        o[QStringLiteral("etag")] = f.etag;
        o[QStringLiteral("servedEtag")] = f.servedEtag;
        o[QStringLiteral("servedLastModified")] = f.servedLastModified;
        o[QStringLiteral("verified")] = f.verified;
        o[QStringLiteral("hashChecked")] = f.hashChecked;
        o[QStringLiteral("jobId")] = j->s.id;
        o[QStringLiteral("jobName")] = j->s.name;
        o[QStringLiteral("files")] = QJsonArray::fromStringList(j->request.files);
        o[QStringLiteral("expectedBytes")] = j->request.expectedBytes;
        o[QStringLiteral("requestSha256")] = j->request.sha256;
        QDir().mkpath(partDir());
        // QSaveFile: a kill -9 in the middle leaves the previous sidecar, never half of one.
        QSaveFile out(sidecarPath(f.path));
        if (!out.open(QIODevice::WriteOnly) || out.write(QJsonDocument(o).toJson()) < 0 || !out.commit()) {
            if (error) {
                *error = tr("Lantern could not write %1 (%2). Check that the models folder is writable.")
                             .arg(out.fileName(), out.errorString());
            }
            return false;
        }
        return true;
    }

    void removeFiles(const FileState& f) {
        QFile::remove(partPath(f.path));
        QFile::remove(sidecarPath(f.path));
        QDir().rmdir(partDir());  // only when empty
    }

    // The jobs whose sidecars are in .downloads, as paused jobs: a download survives a restart or a kill -9.
    void recover() {
        const QDir dir(partDir());
        QMap<QString, Job*> byId;
        const QStringList names =
            dir.entryList({QStringLiteral("*.part.json")}, QDir::Files | QDir::Hidden, QDir::Name);
        for (const QString& name : names) {
            QFile in(dir.filePath(name));
            if (!in.open(QIODevice::ReadOnly)) {
                continue;
            }
            const QJsonObject o = QJsonDocument::fromJson(in.readAll()).object();
            const QString id = o.value(QStringLiteral("jobId")).toString();
            const QString path = o.value(QStringLiteral("path")).toString();
            if (id.isEmpty() || path.isEmpty()) {
                continue;  // not ours, or damaged beyond use: left alone
            }
            Job* j = byId.value(id);
            if (!j) {
                auto job = std::make_unique<Job>();
                j = job.get();
                j->request.repo = o.value(QStringLiteral("repo")).toString();
                j->request.revision = o.value(QStringLiteral("revision")).toString();
                for (const QJsonValue& v : o.value(QStringLiteral("files")).toArray()) {
                    j->request.files.append(v.toString());
                }
                j->request.name = o.value(QStringLiteral("jobName")).toString();
                j->request.expectedBytes = o.value(QStringLiteral("expectedBytes")).toInteger(-1);
                j->request.sha256 = o.value(QStringLiteral("requestSha256")).toString();
                if (!j->request.files.contains(path)) {
                    j->request.files.append(path);
                }
                for (const QString& p : j->request.files) {
                    FileState f;
                    f.path = p;
                    j->files.push_back(f);
                }
                j->s.id = id;
                j->s.name = j->request.name;
                j->s.repo = j->request.repo;
                j->s.files = j->request.files;
                j->s.state = DownloadState::Paused;
                byId.insert(id, j);
                jobs.push_back(std::move(job));
            }
            for (FileState& f : j->files) {
                if (f.path != path) {
                    continue;
                }
                f.url = o.value(QStringLiteral("url")).toString();
                f.size = o.value(QStringLiteral("size")).toInteger(-1);
                f.sha256 = o.value(QStringLiteral("sha256")).toString();
                f.etag = o.value(QStringLiteral("etag")).toString();
                f.servedEtag = o.value(QStringLiteral("servedEtag")).toString();
                f.servedLastModified = o.value(QStringLiteral("servedLastModified")).toString();
                f.onDisk = QFileInfo(partPath(path)).size();
                // A verified part is trusted only while its size still matches.
                f.verified =
                    o.value(QStringLiteral("verified")).toBool() && f.size >= 0 && f.onDisk == f.size;
                f.hashChecked = f.verified && o.value(QStringLiteral("hashChecked")).toBool();
            }
        }
        for (const auto& j : jobs) {
            updateTotals(j.get());
        }
    }

    // ---- the queue
    // ------------------------------------------------------------------------------------------

    void pump() {
        if (!config.networkAllowed) {
            return;
        }
        for (const auto& j : jobs) {
            if (active(j.get())) {
                return;  // one job at a time
            }
        }
        for (const auto& j : jobs) {
            if (j->s.state == DownloadState::Queued) {
                startJob(j.get());
                return;
            }
        }
    }

    void stopTransfer(Job* j) {
        ++j->generation;
        if (j->transfer) {
            // Possibly from inside one of its signals (a slot of jobChanged pausing): never delete it here.
            QObject::disconnect(j->transfer, nullptr, q, nullptr);
            j->transfer->stop();
            j->transfer->deleteLater();
            j->transfer = nullptr;
        }
        resetSpeed(j);
    }

    void failJob(Job* j, const QString& sentence) {
        stopTransfer(j);
        j->s.state = DownloadState::Failed;
        j->s.error = sentence;
        announce(j);
        emit q->failed(j->s.id, sentence);
        QTimer::singleShot(0, q, [this] { pump(); });
    }

    void startJob(Job* j) {
        j->s.state = DownloadState::Checking;
        j->s.error.clear();
        j->s.fileIndex = 0;
        announce(j);
        fetchMeta(j, 0, ++j->generation);
    }

    // Metadata for every file first: sizes summed for the space check, SHA-256s to verify against. A broken
    // connection or a failing hub is tried again with the transfers' back-off; a refusal (404, 401) is final.
    void fetchMeta(Job* j, size_t i, int generation, int attempt = 0) {
        if (i == j->files.size()) {
            afterMeta(j);
            return;
        }
        const QString id = j->s.id;
        hub->fileMetadata(j->request.repo, j->request.revision, j->files[i].path,
                          [this, id, i, generation, attempt](const HubFileMeta& meta, const QString& error) {
                              Job* job = find(id);
                              if (!job || job->generation != generation) {
                                  return;  // paused, cancelled or restarted meanwhile
                              }
                              if (!error.isEmpty() && meta.retryable && attempt < config.maxRetries) {
                                  const int delay = config.retryDelayMs * (1 << std::min(attempt, 6));
                                  QTimer::singleShot(delay, q, [this, id, i, generation, attempt] {
                                      if (Job* again = find(id); again && again->generation == generation) {
                                          fetchMeta(again, i, generation, attempt + 1);
                                      }
                                  });
                                  return;
                              }
                              if (!error.isEmpty() && meta.notFound && !job->request.quant.isEmpty() &&
                                  !job->relisted) {
                                  relist(job, generation, error);
                                  return;
                              }
                              if (!error.isEmpty()) {
                                  failJob(job, error);
                                  return;
                              }
                              if (takeMeta(job, job->files[i], meta)) {
                                  fetchMeta(job, i + 1, generation);
                              }
                          });
    }

    // A catalogue file the hub does not have: the repository's one model of the same quantization instead (its
    // files renamed since the catalogue was written), or the original refusal when there is not exactly one.
    void relist(Job* j, int generation, const QString& notFound) {
        j->relisted = true;
        const QString id = j->s.id;
        hub->listFiles(j->request.repo, j->request.revision,
                       [this, id, generation, notFound](const std::vector<HubFile>& files, const QString& error) {
                           Job* job = find(id);
                           if (!job || job->generation != generation) {
                               return;
                           }
                           std::vector<HubModelFiles> same;
                           for (HubModelFiles& m : groupGgufFiles(files)) {
                               if (m.quant.compare(job->request.quant, Qt::CaseInsensitive) == 0) {
                                   same.push_back(std::move(m));
                               }
                           }
                           if (!error.isEmpty() || same.size() != 1 || same[0].paths == job->request.files) {
                               failJob(job, notFound);
                               return;
                           }
                           for (const QString& path : same[0].paths) {
                               if (QFileInfo::exists(finalPath(path))) {
                                   failJob(job, tr("%1 is already in the models folder (%2).")
                                                    .arg(localName(path), modelsDir));
                                   return;
                               }
                           }
                           job->request.files = same[0].paths;
                           job->request.expectedBytes = same[0].totalSize;  // the hub's, not the old name's
                           job->s.files = same[0].paths;
                           job->s.bytesTotal = same[0].totalSize;
                           job->files.clear();
                           for (const QString& path : same[0].paths) {
                               FileState f;
                               f.path = path;
                               job->files.push_back(f);
                           }
                           announce(job);
                           fetchMeta(job, 0, generation);
                       });
    }

    bool takeMeta(Job* j, FileState& f, const HubFileMeta& meta) {
        QString sha = meta.sha256;
        const QString pinned = j->files.size() == 1 ? j->request.sha256.toLower() : QString();
        if (!pinned.isEmpty() && !sha.isEmpty() && pinned != sha) {
            failJob(j,
                    tr("The hub's %1 has SHA-256 %2, but Lantern expected %3: the file on the hub is not the "
                       "one the catalogue names, so it was not downloaded.")
                        .arg(localName(f.path), sha, pinned));
            return false;
        }
        if (sha.isEmpty()) {
            sha = pinned;
        }
        // A partial file of a different file (the hub's copy changed since it was begun) is worth nothing.
        const bool changed =
            (!f.sha256.isEmpty() && !sha.isEmpty() && f.sha256 != sha) ||
            (f.size >= 0 && meta.size >= 0 && f.size != meta.size) ||
            (f.sha256.isEmpty() && sha.isEmpty() && !f.etag.isEmpty() && f.etag != meta.etag);
        if (changed) {
            QFile::remove(partPath(f.path));
            f.onDisk = 0;
            f.verified = false;
            f.servedEtag.clear();
            f.servedLastModified.clear();
        }
        f.sha256 = sha;
        f.size = meta.size;
        f.etag = meta.etag;
        f.url = hub->fileUrl(j->request.repo, j->request.revision, f.path).toString();
        f.onDisk = QFileInfo(partPath(f.path)).size();
        return true;
    }

    qint64 availableBytes() const {
        if (availableOverride >= 0) {
            return availableOverride;
        }
        QStorageInfo storage(modelsDir);
        storage.refresh();
        return storage.bytesAvailable();
    }

    void afterMeta(Job* j) {
        updateTotals(j);
        const qint64 needed = std::max<qint64>(0, j->s.bytesTotal - j->s.bytesDone);
        const qint64 margin = std::max(kMinMargin, needed / 20);
        const qint64 available = availableBytes();
        if (j->s.bytesTotal >= 0 && available >= 0 && available < needed + margin) {
            failJob(j,
                    tr("There is not enough free space for %1 in %2: it needs %3 more, plus %4 to spare, and "
                       "%5 is free. Free some space or choose another models folder, then resume.")
                        .arg(j->s.name, modelsDir, detail::formatBytes(needed), detail::formatBytes(margin),
                             detail::formatBytes(available)));
            return;
        }
        // Every file's sidecar now, so a restart knows the whole job (and its total) from any one of them.
        for (const FileState& f : j->files) {
            QString error;
            if (!saveSidecar(j, f, &error)) {
                failJob(j, error);
                return;
            }
        }
        announce(j);
        nextFile(j);
    }

    void nextFile(Job* j) {
        size_t i = 0;
        while (i < j->files.size() && j->files[i].verified) {
            ++i;
        }
        if (i == j->files.size()) {
            finishJob(j);
            return;
        }
        j->s.fileIndex = int(i);
        FileState& f = j->files[i];
        detail::TransferSpec spec;
        spec.url = QUrl(f.url);
        spec.partPath = partPath(f.path);
        spec.displayName = localName(f.path);
        spec.size = f.size;
        spec.servedEtag = f.servedEtag;
        spec.servedLastModified = f.servedLastModified;
        auto* t = new detail::FileTransfer(nam, config, spec, q);
        j->transfer = t;
        const QString id = j->s.id;
        QObject::connect(t, &detail::FileTransfer::hashing, q, [this, j] {
            j->s.state = DownloadState::Checking;
            announce(j);
        });
        QObject::connect(t, &detail::FileTransfer::downloading, q, [this, j] {
            j->s.state = DownloadState::Downloading;
            announce(j);
        });
        QObject::connect(t, &detail::FileTransfer::progress, q, [this, j, i](qint64 onDisk, qint64 fresh) {
            j->files[i].onDisk = onDisk;
            j->s.bytesTransferred += fresh;
            updateTotals(j);
            updateSpeed(j);
            announceLater(j);
        });
        QObject::connect(t, &detail::FileTransfer::validatorChanged, q, [this, j, i, t] {
            j->files[i].servedEtag = t->spec().servedEtag;
            j->files[i].servedLastModified = t->spec().servedLastModified;
            saveSidecar(j, j->files[i]);
        });
        QObject::connect(t, &detail::FileTransfer::finished, q,
                         [this, j, i](bool ok, const QByteArray& hex, const QString& error) {
                             onFileDone(j, i, ok, QString::fromLatin1(hex), error);
                         });
        t->start();
    }

    void onFileDone(Job* j, size_t i, bool ok, const QString& hex, const QString& error) {
        FileState& f = j->files[i];
        if (j->transfer) {
            f.size = f.size >= 0 ? f.size : j->transfer->size();
            f.onDisk = j->transfer->bytesOnDisk();
        }
        if (!ok) {
            failJob(j, error);
            return;
        }
        j->s.state = DownloadState::Verifying;
        announce(j);
        if (!f.sha256.isEmpty() && hex != f.sha256) {
            removeFiles(f);
            f.onDisk = 0;
            f.servedEtag.clear();
            updateTotals(j);
            failJob(j, tr("The download of %1 was corrupted (SHA-256 %2, expected %3); the partial file was "
                          "deleted.")
                           .arg(localName(f.path), hex, f.sha256));
            return;
        }
        f.verified = true;
        f.hashChecked = !f.sha256.isEmpty();
        saveSidecar(j, f);
        // The transfer is done with; the next file gets its own.
        stopTransfer(j);
        updateTotals(j);
        nextFile(j);
    }

    void finishJob(Job* j) {
        // Refuse to replace anything already in the models folder: the user's file wins.
        for (const FileState& f : j->files) {
            if (QFileInfo::exists(finalPath(f.path))) {
                failJob(j,
                        tr("%1 already exists in the models folder %2; move it away and resume the download.")
                            .arg(localName(f.path), modelsDir));
                return;
            }
        }
        QString moved;
        for (const FileState& f : j->files) {
            // Same folder tree, same file system: the rename is atomic, and a model appears whole or not at
            // all.
            if (!QFile::rename(partPath(f.path), finalPath(f.path))) {
                failJob(j,
                        tr("Lantern could not move %1 into the models folder %2. Check that it is writable, "
                           "then resume.")
                            .arg(localName(f.path), modelsDir));
                return;
            }
            QFile::remove(sidecarPath(f.path));
        }
        QDir().rmdir(partDir());
        j->s.state = DownloadState::Done;
        j->s.verified =
            std::all_of(j->files.begin(), j->files.end(), [](const FileState& f) { return f.hashChecked; });
        j->s.finalPath = finalPath(j->files.front().path);
        j->s.error.clear();
        resetSpeed(j);
        j->s.secondsLeft = 0;
        updateTotals(j);
        announce(j);
        emit q->jobsChanged();  // it moves to the finished end of the list
        emit q->finished(j->s.id, j->s.finalPath);
        QTimer::singleShot(0, q, [this] { pump(); });
    }
};

DownloadManager::DownloadManager(HubConfig config, QString modelsDir, QNetworkAccessManager* nam,
                                 QObject* parent)
    : QObject(parent), d(new Private) {
    detail::useSystemProxyOnce();
    d->q = this;
    d->config = std::move(config);
    d->modelsDir = QDir::cleanPath(QDir(modelsDir).absolutePath());
    QDir().mkpath(d->modelsDir);
    d->nam = nam ? nam : new QNetworkAccessManager(this);
    d->hub = new HubClient(d->config, d->nam, this);
    d->clock.start();
    d->flush.setSingleShot(true);
    d->flush.setInterval(kProgressIntervalMs);
    connect(&d->flush, &QTimer::timeout, this, [this] {
        for (const auto& j : d->jobs) {
            if (j->dirty) {
                d->announce(j.get());
            }
        }
    });
    d->recover();
}

DownloadManager::~DownloadManager() {
    for (const auto& j : d->jobs) {
        if (j->transfer) {
            QObject::disconnect(j->transfer, nullptr, this, nullptr);
            delete j->transfer;  // aborts; the partial file and its sidecar stay for next time
            j->transfer = nullptr;
        }
    }
    delete d;
}

void DownloadManager::setConfig(HubConfig config) {
    d->config = std::move(config);
    d->hub->setConfig(d->config);
    if (d->config.networkAllowed) {
        d->pump();
        return;
    }
    // Network taken away: what runs stops at once, keeping its partial files.
    for (const auto& j : d->jobs) {
        if (Private::active(j.get()) || j->s.state == DownloadState::Queued) {
            d->stopTransfer(j.get());
            j->s.state = DownloadState::Paused;
            j->s.error = offlineSentence();
            d->announce(j.get());
        }
    }
}

QString DownloadManager::modelsDir() const {
    return d->modelsDir;
}

QString DownloadManager::enqueue(const DownloadRequest& request, QString* error) {
    auto refuse = [error](const QString& sentence) {
        if (error) {
            *error = sentence;
        }
        return QString();
    };
    if (!d->config.networkAllowed) {
        return refuse(offlineSentence());
    }
    if (request.repo.isEmpty() || request.files.isEmpty()) {
        return refuse(tr("Nothing to download: the request names no repository or no file."));
    }
    for (const QString& path : request.files) {
        const QString name = localName(path);
        if (!name.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive) ||
            name.startsWith(QLatin1Char('.'))) {
            return refuse(tr("%1 is not a GGUF model file; Lantern downloads only .gguf files.").arg(path));
        }
        if (QFileInfo::exists(d->finalPath(path))) {
            return refuse(tr("%1 is already in the models folder (%2).").arg(name, d->modelsDir));
        }
        for (const auto& j : d->jobs) {
            if (j->s.state == DownloadState::Done) {
                continue;
            }
            for (const FileState& f : j->files) {
                if (localName(f.path) == name) {
                    return refuse(
                        tr("%1 is already in the download list (%2); resume or cancel that download.")
                            .arg(name, j->s.name));
                }
            }
        }
    }
    auto j = std::make_unique<Job>();
    j->request = request;
    if (j->request.revision.isEmpty()) {
        j->request.revision = QStringLiteral("main");
    }
    j->s.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    j->s.name = request.name.isEmpty() ? localName(request.files.first()) : request.name;
    j->request.name = j->s.name;
    j->s.repo = request.repo;
    j->s.files = request.files;
    j->s.bytesTotal = request.expectedBytes;
    for (const QString& path : request.files) {
        FileState f;
        f.path = path;
        j->files.push_back(f);
    }
    const QString id = j->s.id;
    d->jobs.push_back(std::move(j));
    emit jobsChanged();
    // From the event loop, so the caller has the id before the first jobChanged.
    QTimer::singleShot(0, this, [this] { d->pump(); });
    return id;
}

void DownloadManager::pause(const QString& id) {
    Job* j = d->find(id);
    if (!j || !(Private::active(j) || j->s.state == DownloadState::Queued)) {
        return;
    }
    d->stopTransfer(j);
    j->s.state = DownloadState::Paused;
    d->announce(j);
    QTimer::singleShot(0, this, [this] { d->pump(); });
}

bool DownloadManager::resume(const QString& id, QString* error) {
    Job* j = d->find(id);
    if (!j || (j->s.state != DownloadState::Paused && j->s.state != DownloadState::Failed)) {
        if (error) {
            *error = tr("There is no paused or failed download to resume.");
        }
        return false;
    }
    if (!d->config.networkAllowed) {
        if (error) {
            *error = offlineSentence();
        }
        return false;
    }
    j->s.state = DownloadState::Queued;
    j->s.error.clear();
    d->announce(j);
    QTimer::singleShot(0, this, [this] { d->pump(); });
    return true;
}

void DownloadManager::cancel(const QString& id) {
    Job* j = d->find(id);
    if (!j || j->s.state == DownloadState::Done) {
        return;
    }
    d->stopTransfer(j);
    for (const FileState& f : j->files) {
        d->removeFiles(f);
    }
    std::erase_if(d->jobs, [j](const std::unique_ptr<Job>& p) { return p.get() == j; });
    emit jobsChanged();
    QTimer::singleShot(0, this, [this] { d->pump(); });
}

void DownloadManager::remove(const QString& id) {
    Job* j = d->find(id);
    if (!j) {
        return;
    }
    if (j->s.state == DownloadState::Failed) {
        cancel(id);  // a failed job forgotten would come back from its sidecars at the next start
        return;
    }
    if (j->s.state != DownloadState::Done) {
        return;
    }
    std::erase_if(d->jobs, [j](const std::unique_ptr<Job>& p) { return p.get() == j; });
    emit jobsChanged();
}

std::vector<DownloadStatus> DownloadManager::jobs() const {
    std::vector<DownloadStatus> out;
    for (const auto& j : d->jobs) {
        if (j->s.state != DownloadState::Done) {
            out.push_back(j->s);
        }
    }
    for (const auto& j : d->jobs) {
        if (j->s.state == DownloadState::Done) {
            out.push_back(j->s);
        }
    }
    return out;
}

const DownloadStatus* DownloadManager::job(const QString& id) const {
    const Job* j = d->find(id);
    return j ? &j->s : nullptr;
}

void DownloadManager::setAvailableBytesForTesting(qint64 bytes) {
    d->availableOverride = bytes;
}

}  // namespace lantern::service
