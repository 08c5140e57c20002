#pragma once
// The model hub's public API (Hugging Face and mirrors that copy it), through QtNetwork: search repositories
// with GGUF files, list a repository's files with sizes and SHA-256, and each file's download metadata. No
// request while HubConfig::networkAllowed is false (the reply is an error with offlineSentence()).
//   search:   GET {endpoint}/api/models?search=<q>&filter=gguf&sort=downloads&limit=<n>
//   files:    GET {endpoint}/api/models/{repo}/tree/{revision}?recursive=true   (size; lfs.oid = SHA-256, lfs.size)
//   metadata: HEAD {endpoint}/{repo}/resolve/{revision}/{file}; redirects are followed by hand (the token only
//             goes to the endpoint's host); X-Linked-Etag (SHA-256 of an LFS file, quotes removed), X-Linked-Size
//             or Content-Length, Accept-Ranges, ETag.
// GUI thread (or any thread with an event loop); callbacks run on that thread, once each, unless the client
// is destroyed first.
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <vector>

#include "service/library/hubsettings.h"

class QNetworkAccessManager;

namespace lantern::service {

struct HubRepo {
    QString id;         // "Qwen/Qwen3-8B-GGUF"
    qint64 downloads = 0;
    qint64 likes = 0;
    QString lastModified;  // ISO 8601 as the hub gives it
    QStringList tags;
};

struct HubFile {
    QString path;       // "Qwen3-8B-Q4_K_M.gguf" or "Q8_0/x-00001-of-00002.gguf"
    qint64 size = -1;   // bytes; -1 unknown
    QString sha256;     // lower-case hex; "" when the hub does not say (not an LFS file)
};

// A file of a split GGUF set: "name-00001-of-00003.gguf" → base "name", index 1, count 3. nullopt-like: count 0.
struct SplitName {
    QString base;
    int index = 0;
    int count = 0;
};
SplitName parseSplitName(const QString& fileName);  // the loader's grammar: five digits, lower-case "-of-", ".gguf"
// "name", 2, 3 → "name-00002-of-00003.gguf".
QString splitPartName(const QString& base, int index, int count);
// The GGUF files of a listing grouped into models: a single file, or a complete split set (all parts, in order).
// A split set with a part missing is left out. quant: the quantization label read from the name ("Q4_K_M").
struct HubModelFiles {
    QString quant;
    QStringList paths;
    qint64 totalSize = -1;  // -1 when any part's size is unknown
};
std::vector<HubModelFiles> groupGgufFiles(const std::vector<HubFile>& files);
QString quantFromFileName(const QString& fileName);

struct HubFileMeta {
    QUrl url;            // the final URL after redirects (what the download requests)
    qint64 size = -1;
    QString sha256;      // "" when unknown
    QString etag;        // for If-Range
    bool acceptsRanges = false;
    // With an error: worth another try (a broken connection, or the server busy or failing: 408, 429, 5xx).
    bool retryable = false;
    bool notFound = false;  // with an error: the hub has no such file (404)
};

class HubClient : public QObject {
    Q_OBJECT
public:
    // nam: shared, not owned (null = one of its own).
    explicit HubClient(HubConfig config, QNetworkAccessManager* nam = nullptr, QObject* parent = nullptr);
    ~HubClient() override;

    void setConfig(HubConfig config);
    const HubConfig& config() const;

    // The URL a file downloads from: {endpoint}/{repo}/resolve/{revision}/{path} (path segments percent-encoded).
    QUrl fileUrl(const QString& repo, const QString& revision, const QString& path) const;

    // error: "" on success, else a sentence (offline, HTTP status with the server's message, network error).
    void search(const QString& query, int limit,
                std::function<void(const std::vector<HubRepo>&, const QString& error)> done);
    void listFiles(const QString& repo, const QString& revision,
                   std::function<void(const std::vector<HubFile>&, const QString& error)> done);
    void fileMetadata(const QString& repo, const QString& revision, const QString& path,
                      std::function<void(const HubFileMeta&, const QString& error)> done);

private:
    struct Private;
    Private* d;
};

}  // namespace lantern::service
