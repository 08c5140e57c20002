#pragma once
// Internal to service/library: what the hub client and the download manager share about talking to the hub.
// The one rule that matters here: the access token goes only to the configured endpoint's own origin (scheme,
// host and port), never to a redirect target elsewhere (the CDN) and never to another endpoint, which is why
// every request follows redirects by hand.
#include <QByteArray>
#include <QNetworkRequest>
#include <QString>
#include <QUrl>

#include "service/library/hubsettings.h"

class QNetworkReply;

namespace lantern::service::detail {

// Proxies come from the system settings (the proxy environment variables, or the desktop's settings where Qt
// reads them): once per process, before the first request.
void useSystemProxyOnce();

// Same scheme, host (case-insensitive) and port (the scheme's default when the URL names none).
bool sameOrigin(const QUrl& a, const QUrl& b);

// A request to url as every library request is made: redirects by hand, no transparent compression (a byte
// range of a compressed body would be meaningless), a User-Agent, and the token only when url is on the
// endpoint's origin.
QNetworkRequest hubRequest(const QUrl& url, const HubConfig& config);

// The Location of a 3xx reply resolved against the reply's URL; invalid when the reply is not a redirect.
QUrl redirectTarget(QNetworkReply* reply);
constexpr int kMaxRedirects = 10;

// The reply's failure as a sentence for people, or "" when it succeeded (2xx and no network error). what
// names the thing asked for ("the file list of Qwen/Qwen3-8B-GGUF"). body: what the server answered, for its
// own message (the hub sends {"error": "..."}).
QString replyError(QNetworkReply* reply, const QString& what, const QByteArray& body = {});

// "4.2 GB", "512 MB", "900 kB", "12 bytes" (SI units, as disks and the hub show sizes).
QString formatBytes(qint64 bytes);

}  // namespace lantern::service::detail
