#include "service/library/hubclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTimer>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>

#include "inference/gguf/split.h"
#include "service/library/downloadnet.h"

namespace lantern::service {

namespace {

// Quantization labels as GGUF repositories name them: Q4_K_M, Q8_0, IQ4_XS, Q4_0_4_4, TQ1_0, F16, BF16,
// MXFP4, with Unsloth's "UD-" prefix kept (its dynamic quants are a different file from the plain Q4_K_XL).
// Bounded by a separator on both sides so "Qwen3" or "Q8B" never match.
const QRegularExpression kQuant(
    QStringLiteral(
        "(?:^|[-_.])((?:UD-)?(?:I?Q[1-8](?:_[A-Z0-9]{1,2}){0,3}|TQ[12]_[0-9]|BF16|F16|F32|FP16|FP32|"
        "MXFP4(?:_MOE)?))(?=$|[-_.])"),
    QRegularExpression::CaseInsensitiveOption);

// "\"abc\"" or "W/\"abc\"" -> "abc".
QString unquoteEtag(const QByteArray& raw) {
    QString s = QString::fromLatin1(raw).trimmed();
    if (s.startsWith(QLatin1String("W/"))) {
        s = s.mid(2);
    }
    if (s.size() >= 2 && s.startsWith(QLatin1Char('"')) && s.endsWith(QLatin1Char('"'))) {
        s = s.mid(1, s.size() - 2);
    }
    return s;
}

bool isSha256(const QString& s) {
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    return hex.match(s).hasMatch();
}

// The next page of a paginated listing (RFC 8288 Link header, rel="next"), as the hub's tree API gives it.
QUrl nextPage(QNetworkReply* reply) {
    const QString link = QString::fromLatin1(reply->rawHeader("Link"));
    static const QRegularExpression next(QStringLiteral("<([^>]+)>\\s*;\\s*rel=\"?next\"?"));
    const QRegularExpressionMatch m = next.match(link);
    return m.hasMatch() ? reply->url().resolved(QUrl(m.captured(1))) : QUrl();
}

}  // namespace

SplitName parseSplitName(const QString& fileName) {
    // The loader's grammar (inference/gguf/split.h), so a set offered here is a set the engine opens.
    const auto split = gguf::parseSplitName(std::filesystem::path(fileName.toStdU16String()));
    if (!split) {
        return {};
    }
    return {QString::fromStdU16String(split->prefix.u16string()), int(split->no) + 1, int(split->count)};
}

QString splitPartName(const QString& base, int index, int count) {
    const std::filesystem::path p =
        gguf::splitPath(std::filesystem::path(base.toStdU16String()), uint32_t(index - 1), uint32_t(count));
    return QString::fromStdU16String(p.u16string());
}

QString quantFromFileName(const QString& fileName) {
    QString stem = fileName;
    const SplitName split = parseSplitName(fileName);
    if (split.count > 0) {
        stem = split.base;
    } else if (stem.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive)) {
        stem.chop(5);
    }
    // The file's own name first; a folder ("Q8_0/model-00001-of-00002.gguf") when the name has none.
    QStringList parts = stem.split(QLatin1Char('/'));
    for (auto it = parts.crbegin(); it != parts.crend(); ++it) {
        QString last;
        for (auto m = kQuant.globalMatch(*it); m.hasNext();) {
            last = m.next().captured(1);
        }
        if (!last.isEmpty()) {
            return last.toUpper();
        }
    }
    return {};
}

std::vector<HubModelFiles> groupGgufFiles(const std::vector<HubFile>& files) {
    std::vector<HubModelFiles> out;
    struct Set {
        int count = 0;
        std::map<int, const HubFile*> parts;
        size_t order = 0;
    };
    QMap<QString, Set> sets;  // base + count -> parts
    std::vector<std::pair<size_t, HubModelFiles>> ordered;
    size_t order = 0;
    for (const HubFile& f : files) {
        const QString name = f.path.section(QLatin1Char('/'), -1);
        if (!name.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive)) {
            continue;
        }
        // Vision projectors ship beside the models but are not models themselves.
        if (name.startsWith(QLatin1String("mmproj"), Qt::CaseInsensitive)) {
            continue;
        }
        const SplitName split = parseSplitName(f.path);
        if (split.count == 0) {
            ordered.push_back({order++, {quantFromFileName(f.path), {f.path}, f.size}});
            continue;
        }
        Set& s = sets[split.base + QLatin1Char('#') + QString::number(split.count)];
        if (s.parts.empty()) {
            s.order = order++;
        }
        s.count = split.count;
        s.parts[split.index] = &f;
    }
    for (const Set& s : sets) {
        if (int(s.parts.size()) != s.count) {
            continue;  // a part is missing: the set could not be opened
        }
        HubModelFiles m;
        m.totalSize = 0;
        for (const auto& [index, file] : s.parts) {
            m.paths.append(file->path);
            m.totalSize = (m.totalSize < 0 || file->size < 0) ? -1 : m.totalSize + file->size;
        }
        m.quant = quantFromFileName(m.paths.first());
        ordered.push_back({s.order, std::move(m)});
    }
    std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [o, m] : ordered) {
        out.push_back(std::move(m));
    }
    return out;
}

struct HubClient::Private {
    HubClient* q = nullptr;
    HubConfig config;
    QNetworkAccessManager* nam = nullptr;

    using DoneFn = std::function<void(QNetworkReply* last, const QByteArray& body, const QString& error)>;
    using HopFn = std::function<void(QNetworkReply* hop)>;

    // Sends the request and follows redirects by hand (hubRequest decides per hop whether the token goes).
    // The replies are the client's children, so destroying the client aborts them and no callback runs.
    void send(const QByteArray& verb, const QUrl& url, const QString& what, int hops, HopFn onHop,
              DoneFn done) {
        QNetworkRequest request = detail::hubRequest(url, config);
        request.setTransferTimeout(config.stallTimeoutMs);
        QNetworkReply* reply = verb == "HEAD" ? nam->head(request) : nam->get(request);
        reply->setParent(q);
        QObject::connect(reply, &QNetworkReply::finished, q, [=, this] {
            reply->deleteLater();
            const QByteArray body = reply->readAll();
            if (onHop) {
                onHop(reply);
            }
            const QUrl next = detail::redirectTarget(reply);
            if (!next.isValid()) {
                done(reply, body, detail::replyError(reply, what, body));
                return;
            }
            if (hops >= detail::kMaxRedirects) {
                done(reply, body,
                     tr("%1 redirected too many times while fetching %2.").arg(url.host(), what));
                return;
            }
            // Never from https down to http, nor to another scheme: the next hop would be readable on the
            // way.
            const QString scheme = next.scheme();
            if ((scheme != QLatin1String("https") && scheme != QLatin1String("http")) ||
                (url.scheme() == QLatin1String("https") && scheme == QLatin1String("http"))) {
                done(reply, body,
                     tr("%1 redirected %2 to an insecure address (%3); Lantern did not follow.")
                         .arg(url.host(), what, next.toDisplayString()));
                return;
            }
            send(verb, next, what, hops + 1, onHop, done);
        });
    }

    // An offline refusal, delivered from the event loop like every other answer.
    template <typename Fn>
    bool refuseOffline(Fn fn) {
        if (config.networkAllowed) {
            return false;
        }
        QTimer::singleShot(0, q, [fn = std::move(fn)] { fn(offlineSentence()); });
        return true;
    }

    void listPage(const QUrl& url, const QString& what, std::shared_ptr<std::vector<HubFile>> files,
                  std::function<void(const std::vector<HubFile>&, const QString&)> done) {
        auto next = std::make_shared<QUrl>();
        send(
            "GET", url, what, 0, [next](QNetworkReply* hop) { *next = nextPage(hop); },
            [=, this](QNetworkReply*, const QByteArray& body, const QString& error) {
                if (!error.isEmpty()) {
                    done({}, error);
                    return;
                }
                const QJsonDocument doc = QJsonDocument::fromJson(body);
                if (!doc.isArray()) {
                    done({}, tr("The hub's answer for %1 is not a file list; is the address a Hugging Face "
                                "compatible hub?")
                                 .arg(what));
                    return;
                }
                for (const QJsonValue& v : doc.array()) {
                    const QJsonObject o = v.toObject();
                    if (o.value(QStringLiteral("type")).toString() != QLatin1String("file")) {
                        continue;
                    }
                    HubFile f;
                    f.path = o.value(QStringLiteral("path")).toString();
                    f.size = o.value(QStringLiteral("size")).toInteger(-1);
                    const QJsonObject lfs = o.value(QStringLiteral("lfs")).toObject();
                    if (!lfs.isEmpty()) {
                        // The entry's own size is the pointer's for LFS files on some mirrors; lfs.size is
                        // the file's.
                        f.size = lfs.value(QStringLiteral("size")).toInteger(f.size);
                        const QString oid = lfs.value(QStringLiteral("oid")).toString().toLower();
                        f.sha256 = isSha256(oid) ? oid : QString();
                    }
                    if (!f.path.isEmpty()) {
                        files->push_back(std::move(f));
                    }
                }
                if (next->isValid() && detail::sameOrigin(*next, config.endpoint)) {
                    listPage(*next, what, files, done);
                    return;
                }
                done(*files, {});
            });
    }
};

HubClient::HubClient(HubConfig config, QNetworkAccessManager* nam, QObject* parent)
    : QObject(parent), d(new Private) {
    detail::useSystemProxyOnce();
    d->q = this;
    d->config = std::move(config);
    d->nam = nam ? nam : new QNetworkAccessManager(this);
}

HubClient::~HubClient() {
    // The replies are children: deleting them (QObject's destructor, after this) aborts them.
    delete d;
}

void HubClient::setConfig(HubConfig config) {
    d->config = std::move(config);
}

const HubConfig& HubClient::config() const {
    return d->config;
}

QUrl HubClient::fileUrl(const QString& repo, const QString& revision, const QString& path) const {
    QByteArray encoded = d->config.endpoint.toEncoded(QUrl::StripTrailingSlash);
    for (const QString& segment : repo.split(QLatin1Char('/'))) {
        encoded += '/' + QUrl::toPercentEncoding(segment);
    }
    // A revision such as "refs/pr/1" is one segment for the hub.
    encoded += "/resolve/" + QUrl::toPercentEncoding(revision.isEmpty() ? QStringLiteral("main") : revision);
    for (const QString& segment : path.split(QLatin1Char('/'))) {
        encoded += '/' + QUrl::toPercentEncoding(segment);
    }
    return QUrl::fromEncoded(encoded);
}

void HubClient::search(const QString& query, int limit,
                       std::function<void(const std::vector<HubRepo>&, const QString& error)> done) {
    if (d->refuseOffline([done](const QString& e) { done({}, e); })) {
        return;
    }
    const QUrl url =
        QUrl::fromEncoded(d->config.endpoint.toEncoded(QUrl::StripTrailingSlash) +
                          "/api/models?search=" + QUrl::toPercentEncoding(query) +
                          "&filter=gguf&sort=downloads&limit=" + QByteArray::number(limit > 0 ? limit : 20));
    const QString what = tr("the search for \"%1\"").arg(query);
    d->send(
        "GET", url, what, 0, {}, [done, what](QNetworkReply*, const QByteArray& body, const QString& error) {
            if (!error.isEmpty()) {
                done({}, error);
                return;
            }
            const QJsonDocument doc = QJsonDocument::fromJson(body);
            if (!doc.isArray()) {
                done({},
                     tr("The hub's answer to %1 is not a list of repositories; is the address a Hugging Face "
                        "compatible hub?")
                         .arg(what));
                return;
            }
            std::vector<HubRepo> repos;
            for (const QJsonValue& v : doc.array()) {
                const QJsonObject o = v.toObject();
                HubRepo r;
                r.id = o.value(QStringLiteral("id")).toString();
                if (r.id.isEmpty()) {
                    r.id = o.value(QStringLiteral("modelId")).toString();
                }
                r.downloads = o.value(QStringLiteral("downloads")).toInteger();
                r.likes = o.value(QStringLiteral("likes")).toInteger();
                r.lastModified = o.value(QStringLiteral("lastModified")).toString();
                for (const QJsonValue& t : o.value(QStringLiteral("tags")).toArray()) {
                    r.tags.append(t.toString());
                }
                if (!r.id.isEmpty()) {
                    repos.push_back(std::move(r));
                }
            }
            done(repos, {});
        });
}

void HubClient::listFiles(const QString& repo, const QString& revision,
                          std::function<void(const std::vector<HubFile>&, const QString& error)> done) {
    if (d->refuseOffline([done](const QString& e) { done({}, e); })) {
        return;
    }
    QByteArray encoded = d->config.endpoint.toEncoded(QUrl::StripTrailingSlash) + "/api/models";
    for (const QString& segment : repo.split(QLatin1Char('/'))) {
        encoded += '/' + QUrl::toPercentEncoding(segment);
    }
    encoded += "/tree/" + QUrl::toPercentEncoding(revision.isEmpty() ? QStringLiteral("main") : revision) +
               "?recursive=true";
    d->listPage(QUrl::fromEncoded(encoded), tr("the file list of %1").arg(repo),
                std::make_shared<std::vector<HubFile>>(), std::move(done));
}

void HubClient::fileMetadata(const QString& repo, const QString& revision, const QString& path,
                             std::function<void(const HubFileMeta&, const QString& error)> done) {
    if (d->refuseOffline([done](const QString& e) { done({}, e); })) {
        return;
    }
    // The hub's own hop (the 302 to the CDN) carries X-Linked-Etag and X-Linked-Size; the last hop (the
    // server that sends the bytes) gives the ETag that If-Range must name and whether it serves ranges.
    auto meta = std::make_shared<HubFileMeta>();
    auto onHop = [meta](QNetworkReply* hop) {
        const QString linked = unquoteEtag(hop->rawHeader("X-Linked-Etag")).toLower();
        if (meta->sha256.isEmpty() && isSha256(linked)) {
            meta->sha256 = linked;
        }
        bool ok = false;
        const qint64 linkedSize = hop->rawHeader("X-Linked-Size").toLongLong(&ok);
        if (meta->size < 0 && ok && linkedSize >= 0) {
            meta->size = linkedSize;
        }
    };
    const QString what = tr("%1 in %2").arg(path, repo);
    d->send("HEAD", fileUrl(repo, revision, path), what, 0, onHop,
            [meta, done, endpoint = d->config.endpoint](QNetworkReply* last, const QByteArray&,
                                                        const QString& error) {
                if (!error.isEmpty()) {
                    // Some CDNs sign their URLs for GET only and refuse a HEAD; what the hub itself said
                    // (size, SHA-256) is then enough, and the download's own GET finds the bytes' validator.
                    if (meta->size >= 0 && !detail::sameOrigin(last->url(), endpoint) &&
                        last->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() >= 400) {
                        meta->url = last->url();
                        done(*meta, {});
                        return;
                    }
                    HubFileMeta failed;
                    const int status = last->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                    failed.retryable = status == 0 || status >= 500 || status == 429 || status == 408;
                    failed.notFound = status == 404;
                    done(failed, error);
                    return;
                }
                meta->url = last->url();
                if (meta->size < 0) {
                    bool ok = false;
                    const qint64 length = last->header(QNetworkRequest::ContentLengthHeader).toLongLong(&ok);
                    meta->size = ok ? length : -1;
                }
                meta->etag = QString::fromLatin1(last->rawHeader("ETag")).trimmed();
                meta->acceptsRanges =
                    last->rawHeader("Accept-Ranges").trimmed().compare("bytes", Qt::CaseInsensitive) == 0;
                done(*meta, {});
            });
}

}  // namespace lantern::service
