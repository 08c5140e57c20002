// lantern-cli pull: a model from the hub into the models folder, through the model library's DownloadManager
// (service/library: the same queue, resume, SHA-256 check and rename the app uses). Typing `pull` is the
// user's explicit request for the network; HF_HUB_OFFLINE=1 or LANTERN_OFFLINE=1 still refuse it before any
// request. An interrupted pull (Ctrl+C, a kill, a lost connection) resumes from its partial file the next
// time the same command runs.
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <functional>

#include <unistd.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QSettings>
#include <QTimer>

#include "app/cli/command.h"
#include "service/library/catalogue.h"
#include "service/library/downloads.h"
#include "service/library/hubclient.h"
#include "service/library/hubsettings.h"
#include "storage/storagepaths.h"

namespace lantern::cli {

namespace {

using namespace lantern::service;

std::atomic<bool> g_interrupted{false};

void onSignal(int) {
    g_interrupted.store(true);
}

const char* kPullUsage =
    "usage: lantern-cli pull <catalogue-id>[:QUANT] | <owner/repo>[:QUANT] | <owner/repo>/<file.gguf> "
    "[options]\n"
    "  --models DIR     where models go (default: the app's models folder)\n"
    "  --endpoint URL   the hub (default: $HF_ENDPOINT, else https://huggingface.co)\n"
    "  --list           list the repository's GGUF models (quantization, size) and exit\n"
    "A repository without :QUANT gets Q4_K_M. HF_TOKEN is sent to the hub (never to its CDN) for gated\n"
    "repositories. HF_HUB_OFFLINE=1 or LANTERN_OFFLINE=1 refuses any request. Ctrl+C pauses; the same "
    "command\n"
    "resumes.\n";

void out(const QString& text) {
    std::fputs(text.toLocal8Bit().constData(), stdout);
    std::fflush(stdout);
}

int fail(const QString& sentence) {
    std::fprintf(stderr, "lantern-cli: %s\n", sentence.toLocal8Bit().constData());
    return 1;
}

bool envOn(const char* name) {
    const QByteArray v = qgetenv(name).trimmed().toLower();
    return !v.isEmpty() && v != "0" && v != "false" && v != "no" && v != "off";
}

QString mb(qint64 bytes) {
    return QString::number(double(bytes) / 1e6, 'f', 1);
}

QString duration(int seconds) {
    if (seconds < 0) {
        return QStringLiteral("?");
    }
    if (seconds >= 3600) {
        return QStringLiteral("%1h %2m").arg(seconds / 3600).arg(seconds / 60 % 60, 2, 10, QLatin1Char('0'));
    }
    return seconds >= 60
               ? QStringLiteral("%1m %2s").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'))
               : QStringLiteral("%1s").arg(seconds);
}

// The app's own models folder: the Settings value (QSettings "model/folder", as ui/settings/appsettings.cpp
// keeps it), else the default the app uses (storage::modelsDir: LANTERN_MODELS, else the data folder).
QString appModelsDir() {
    QSettings settings;
    return settings.value(QStringLiteral("model/folder"), storage::modelsDir()).toString();
}

// What the command line names, resolved to a repository and the files of one model.
struct Target {
    QString repo;
    QString revision = QStringLiteral("main");
    QString quant;
    QString file;             // <owner/repo>/<file.gguf>: that file
    DownloadRequest request;  // filled once resolved
};

QString quantList(const std::vector<HubModelFiles>& models) {
    QStringList quants;
    for (const HubModelFiles& m : models) {
        quants << (m.quant.isEmpty() ? m.paths.first() : m.quant);
    }
    return quants.join(QStringLiteral(", "));
}

// Picks the model of a listing that the target asks for; "" when found, else the sentence.
QString pick(Target& t, const std::vector<HubFile>& files) {
    const std::vector<HubModelFiles> models = groupGgufFiles(files);
    if (models.empty()) {
        return QStringLiteral("%1 has no GGUF model files.").arg(t.repo);
    }
    for (const HubModelFiles& m : models) {
        const bool match =
            !t.file.isEmpty() ? m.paths.contains(t.file) : m.quant.compare(t.quant, Qt::CaseInsensitive) == 0;
        if (match) {
            t.request.files = m.paths;
            t.request.expectedBytes = m.totalSize;
            t.request.name = QStringLiteral("%1 · %2").arg(t.repo.section(QLatin1Char('/'), -1), m.quant);
            if (m.paths.size() == 1) {
                for (const HubFile& f : files) {
                    if (f.path == m.paths.first()) {
                        t.request.sha256 = f.sha256;
                    }
                }
            }
            return {};
        }
    }
    if (!t.file.isEmpty()) {
        return QStringLiteral("%1 has no GGUF file %2 (a split set needs all its parts).")
            .arg(t.repo, t.file);
    }
    return QStringLiteral("%1 has no %2 model; it has: %3. Name one as %1:QUANT.")
        .arg(t.repo, t.quant, quantList(models));
}

void printListing(const QString& repo, const std::vector<HubFile>& files) {
    const std::vector<HubModelFiles> models = groupGgufFiles(files);
    out(QStringLiteral("%1: %2 GGUF model(s)\n").arg(repo).arg(models.size()));
    for (const HubModelFiles& m : models) {
        const QString size =
            m.totalSize >= 0 ? QStringLiteral("%1 MB").arg(mb(m.totalSize)) : QStringLiteral("?");
        const QString what =
            m.paths.size() == 1
                ? m.paths.first()
                : QStringLiteral("%1 (+%2 parts)").arg(m.paths.first()).arg(m.paths.size() - 1);
        out(QStringLiteral("  %1  %2  %3\n")
                .arg(m.quant.isEmpty() ? QStringLiteral("?") : m.quant, -10)
                .arg(size, 12)
                .arg(what));
    }
}

// One line of progress: rewritten in place on a terminal, a plain line every few seconds otherwise.
class Progress {
public:
    Progress() : m_tty(isatty(fileno(stdout)) != 0) {}

    void show(const DownloadStatus& s, bool force = false) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (!force && s.state == m_state && now - m_last < (m_tty ? 200 : 1000)) {
            return;
        }
        m_last = now;
        m_state = s.state;
        QString line;
        if (s.state == DownloadState::Checking || s.state == DownloadState::Queued) {
            line = s.bytesDone > 0
                       ? QStringLiteral("checking the %1 MB already downloaded").arg(mb(s.bytesDone))
                       : QStringLiteral("asking the hub about %1").arg(s.name);
        } else {
            const double fraction = s.bytesTotal > 0 ? double(s.bytesDone) / double(s.bytesTotal) : 0.0;
            QString bar;
            if (m_tty) {
                const int filled = int(fraction * 24);
                bar = QStringLiteral("[%1%2] ").arg(QString(filled, QLatin1Char('#')),
                                                    QString(24 - filled, QLatin1Char('-')));
            }
            line = QStringLiteral("%1%2%  %3/%4 MB  %5 MB/s  %6 left")
                       .arg(bar)
                       .arg(int(fraction * 100), 3)
                       .arg(mb(s.bytesDone), s.bytesTotal >= 0 ? mb(s.bytesTotal) : QStringLiteral("?"))
                       .arg(mb(qint64(s.bytesPerSecond)), duration(s.secondsLeft));
            if (s.files.size() > 1) {
                line += QStringLiteral("  (file %1 of %2)").arg(s.fileIndex + 1).arg(s.files.size());
            }
        }
        if (m_tty) {
            // \33[K clears what a longer earlier line left behind.
            out(QStringLiteral("\r%1\33[K").arg(line));
            m_open = true;
        } else {
            out(line + QLatin1Char('\n'));
        }
    }
    void endLine() {
        if (m_open) {
            out(QStringLiteral("\n"));
            m_open = false;
        }
    }

private:
    bool m_tty;
    bool m_open = false;
    qint64 m_last = 0;
    DownloadState m_state = DownloadState::Queued;
};

// Reads the command line's model: <catalogue-id>[:QUANT], <owner/repo>[:QUANT] or <owner/repo>/<file.gguf>.
// "" when understood (the catalogue may already name the files), else the sentence.
QString resolve(const QString& spec, bool list, Target* out) {
    Target& t = *out;
    QString rest = spec;
    if (rest.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive) && rest.count(QLatin1Char('/')) >= 2) {
        t.repo = rest.section(QLatin1Char('/'), 0, 1);
        t.file = rest.section(QLatin1Char('/'), 2);
    } else {
        const qsizetype colon = rest.lastIndexOf(QLatin1Char(':'));
        if (colon > 0) {
            t.quant = rest.mid(colon + 1).toUpper();
            rest = rest.left(colon);
        }
        if (rest.contains(QLatin1Char('/'))) {
            t.repo = rest;
        } else {
            const Catalogue catalogue = Catalogue::builtIn();
            const CatalogueEntry* e = catalogue.find(rest.toLower());
            if (!e) {
                QStringList ids;
                for (const CatalogueEntry& c : catalogue.entries) {
                    ids << c.id;
                }
                return QStringLiteral(
                           "\"%1\" is not in Lantern's catalogue (%2). Name a hub repository as "
                           "owner/repo instead.")
                    .arg(rest, ids.isEmpty() ? QStringLiteral("it is empty") : ids.join(", "));
            }
            t.repo = e->repo;
            t.revision = e->revision.isEmpty() ? t.revision : e->revision;
            if (t.quant.isEmpty()) {
                t.quant = e->recommendedQuant;
            }
            for (const CatalogueQuant& q : e->quants) {
                if (!list && q.quant.compare(t.quant, Qt::CaseInsensitive) == 0) {
                    t.request.files = q.files;
                    t.request.expectedBytes = q.approxBytes;
                    t.request.quant = q.quant;
                    t.request.name = QStringLiteral("%1 · %2").arg(e->name, q.quant);
                }
            }
        }
    }
    if (t.quant.isEmpty()) {
        t.quant = QStringLiteral("Q4_K_M");
    }
    return {};
}

// Downloads (or resumes) the resolved target; returns the exit code.
int download(const HubConfig& config, const QString& modelsDir, const DownloadRequest& request,
             const QString& retryCommand) {
    DownloadManager manager(config, modelsDir);
    QString id;
    for (const DownloadStatus& s : manager.jobs()) {
        if (s.repo == request.repo && s.files == request.files) {
            id = s.id;  // a partial download of the same model: carry on from its bytes
        }
    }
    QString error;
    if (!id.isEmpty()) {
        const DownloadStatus* s = manager.job(id);
        out(QStringLiteral("Resuming %1 from %2 MB.\n").arg(s->name, mb(s->bytesDone)));
        if (!manager.resume(id, &error)) {
            return fail(error);
        }
    } else {
        id = manager.enqueue(request, &error);
        if (id.isEmpty()) {
            return fail(error);
        }
        out(QStringLiteral("Downloading %1 from %2 into %3\n")
                .arg(request.name, config.endpoint.toDisplayString(), manager.modelsDir()));
    }

    Progress progress;
    QElapsedTimer clock;
    clock.start();
    int code = 0;
    QObject::connect(&manager, &DownloadManager::jobChanged, [&](const QString& changed) {
        if (const DownloadStatus* s = manager.job(changed); s && changed == id) {
            progress.show(*s);
        }
    });
    QObject::connect(&manager, &DownloadManager::finished, [&](const QString& done, const QString& path) {
        if (done != id) {
            return;
        }
        progress.endLine();
        const DownloadStatus* s = manager.job(id);
        const double seconds = std::max(0.001, double(clock.elapsed()) / 1000.0);
        out(QStringLiteral("Fetched %1 MB in %2 s (%3 MB/s).\n")
                .arg(mb(s->bytesTransferred), QString::number(seconds, 'f', 1),
                     mb(qint64(double(s->bytesTransferred) / seconds))));
        out(QStringLiteral("%1\n%2\n")
                .arg(path, s->verified ? QStringLiteral("verified (SHA-256)")
                                       : QStringLiteral("not verified: the hub gave no "
                                                        "SHA-256, only the size matched")));
        QCoreApplication::exit(0);
    });
    QObject::connect(&manager, &DownloadManager::failed,
                     [&](const QString& failedId, const QString& sentence) {
                         if (failedId != id) {
                             return;
                         }
                         progress.endLine();
                         const DownloadStatus* s = manager.job(id);
                         code = fail(sentence);
                         if (s && s->bytesDone > 0) {
                             std::fprintf(stderr, "The partial download is kept; run `%s` again to resume.\n",
                                          retryCommand.toLocal8Bit().constData());
                         }
                         QCoreApplication::exit(code);
                     });
    // Ctrl+C pauses: the partial file and its sidecar stay, and the next run resumes from them. The handler
    // only sets a flag; the event loop looks at it.
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    QTimer interrupt;
    QObject::connect(&interrupt, &QTimer::timeout, [&] {
        if (!g_interrupted.load()) {
            return;
        }
        interrupt.stop();
        manager.pause(id);
        progress.endLine();
        const DownloadStatus* s = manager.job(id);
        std::fprintf(
            stderr, "Paused at %s of %s MB; the partial download is kept. Run `%s` again to resume.\n",
            mb(s ? s->bytesDone : 0).toLocal8Bit().constData(),
            (s && s->bytesTotal >= 0 ? mb(s->bytesTotal) : QStringLiteral("?")).toLocal8Bit().constData(),
            retryCommand.toLocal8Bit().constData());
        QCoreApplication::exit(130);
    });
    interrupt.start(100);
    return QCoreApplication::exec();
}

int pull(std::span<char*> args) {
    QString spec, modelsDir, endpoint;
    bool list = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const QString a = QString::fromLocal8Bit(args[i]);
        if (a == QLatin1String("--list")) {
            list = true;
        } else if (a == QLatin1String("--models") || a == QLatin1String("--endpoint")) {
            if (i + 1 >= args.size()) {
                std::fprintf(stderr, "lantern-cli: %s needs a value\n%s", args[i], kPullUsage);
                return 2;
            }
            (a == QLatin1String("--models") ? modelsDir : endpoint) = QString::fromLocal8Bit(args[++i]);
        } else if (a == QLatin1String("-h") || a == QLatin1String("--help")) {
            std::fputs(kPullUsage, stdout);
            return 0;
        } else if (a.startsWith(QLatin1Char('-')) || !spec.isEmpty()) {
            std::fprintf(stderr, "lantern-cli: unexpected argument '%s'\n%s", args[i], kPullUsage);
            return 2;
        } else {
            spec = a;
        }
    }
    if (spec.isEmpty()) {
        std::fputs(kPullUsage, stderr);
        return 2;
    }

    static int argc = 1;
    static char name[] = "lantern-cli";
    static char* argv[] = {name, nullptr};
    QCoreApplication app(argc, argv);
    // The app's organisation and name, so QSettings finds the app's models folder setting.
    QCoreApplication::setOrganizationName(QStringLiteral("Lantern"));
    QCoreApplication::setApplicationName(QStringLiteral("Lantern"));
    QCoreApplication::setApplicationVersion(QStringLiteral(LANTERN_VERSION));

    if (envOn("HF_HUB_OFFLINE") || envOn("LANTERN_OFFLINE")) {
        return fail(
            QStringLiteral("HF_HUB_OFFLINE or LANTERN_OFFLINE is set, so lantern-cli pull makes no network "
                           "request. Unset it to download."));
    }
    HubConfig config;
    config.networkAllowed = true;  // typing `pull` is the request for the network
    config.endpoint = QUrl(endpoint.isEmpty() ? HubSettings::defaultEndpoint() : endpoint);
    if (!config.endpoint.isValid() || config.endpoint.host().isEmpty() ||
        (config.endpoint.scheme() != QLatin1String("http") &&
         config.endpoint.scheme() != QLatin1String("https"))) {
        return fail(QStringLiteral("\"%1\" is not an http:// or https:// address for the hub.")
                        .arg(config.endpoint.toString()));
    }
    config.token = qEnvironmentVariable("HF_TOKEN").trimmed();
    const QString retry = QStringLiteral("lantern-cli pull %1").arg(spec) +
                          (modelsDir.isEmpty() ? QString() : QStringLiteral(" --models %1").arg(modelsDir)) +
                          (endpoint.isEmpty() ? QString() : QStringLiteral(" --endpoint %1").arg(endpoint));
    if (modelsDir.isEmpty()) {
        modelsDir = appModelsDir();
    }

    Target t;
    if (const QString problem = resolve(spec, list, &t); !problem.isEmpty()) {
        return fail(problem);
    }
    t.request.repo = t.repo;
    t.request.revision = t.revision;

    if (!t.request.files.isEmpty()) {
        return download(config, modelsDir, t.request, retry);  // the catalogue named the files
    }
    // The repository's listing decides which files make the model (and --list shows it).
    HubClient hub(config);
    int code = 0;
    hub.listFiles(t.repo, t.revision, [&](const std::vector<HubFile>& files, const QString& error) {
        if (!error.isEmpty()) {
            code = fail(error);
        } else if (list) {
            printListing(t.repo, files);
        } else if (const QString problem = pick(t, files); !problem.isEmpty()) {
            code = fail(problem);
        } else {
            code = -1;  // go on to the download
        }
        QCoreApplication::exit(0);
    });
    QCoreApplication::exec();
    if (code != -1) {
        return code;
    }
    return download(config, modelsDir, t.request, retry);
}

const Registrar kPull{
    {"pull", "download a model from the hub (catalogue id, owner/repo[:QUANT] or a file), resumable", pull}};

}  // namespace

}  // namespace lantern::cli
