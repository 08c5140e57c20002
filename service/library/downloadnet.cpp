#include "service/library/downloadnet.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkProxyFactory>
#include <QNetworkReply>

#include <mutex>

namespace lantern::service::detail {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("HubClient", text);
}

int defaultPort(const QString& scheme) {
    return scheme == QLatin1String("https") ? 443 : scheme == QLatin1String("http") ? 80 : -1;
}

// The server's own explanation: the hub's JSON {"error": "..."}, its X-Error-Message header, or a short
// plain-text body.
QString serverMessage(QNetworkReply* reply, const QByteArray& body) {
    const QByteArray header = reply->rawHeader("X-Error-Message");
    if (!header.isEmpty()) {
        return QString::fromUtf8(header);
    }
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isObject()) {
        const QJsonValue e = doc.object().value(QStringLiteral("error"));
        if (e.isString()) {
            return e.toString();
        }
    }
    const QString text = QString::fromUtf8(body).trimmed();
    return text.size() <= 200 && !text.contains(QLatin1Char('<')) ? text : QString();
}

}  // namespace

void useSystemProxyOnce() {
    static std::once_flag once;
    std::call_once(once, [] { QNetworkProxyFactory::setUseSystemConfiguration(true); });
}

bool sameOrigin(const QUrl& a, const QUrl& b) {
    const QString scheme = a.scheme().toLower();
    return scheme == b.scheme().toLower() && a.host().compare(b.host(), Qt::CaseInsensitive) == 0 &&
           a.port(defaultPort(scheme)) == b.port(defaultPort(scheme));
}

QNetworkRequest hubRequest(const QUrl& url, const HubConfig& config) {
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    // Setting Accept-Encoding ourselves turns Qt's transparent decompression off.
    request.setRawHeader("Accept-Encoding", "identity");
    const QString version = QCoreApplication::applicationVersion();
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      version.isEmpty() ? QStringLiteral("Lantern") : QStringLiteral("Lantern/") + version);
    if (!config.token.isEmpty() && sameOrigin(url, config.endpoint)) {
        request.setRawHeader("Authorization", "Bearer " + config.token.toUtf8());
    }
    return request;
}

QUrl redirectTarget(QNetworkReply* reply) {
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status < 300 || status > 399 || status == 304) {
        return {};
    }
    const QByteArray location = reply->rawHeader("Location");
    if (location.isEmpty()) {
        return {};
    }
    return reply->url().resolved(QUrl::fromEncoded(location));
}

QString replyError(QNetworkReply* reply, const QString& what, const QByteArray& body) {
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString host = reply->url().host();
    if (status >= 200 && status < 300 && reply->error() == QNetworkReply::NoError) {
        return {};
    }
    if (status >= 400) {
        const QString message = serverMessage(reply, body);
        const QString detail = message.isEmpty() ? QStringLiteral("HTTP %1").arg(status)
                                                 : QStringLiteral("HTTP %1: %2").arg(status).arg(message);
        QString sentence;
        if (status == 401 || status == 403) {
            sentence = tr("%1 refused access to %2 (%3). The repository may be gated or private: accept its "
                          "terms on the hub's web page and set an access token (Settings → Model library; "
                          "HF_TOKEN for lantern-cli).")
                           .arg(host, what, detail);
        } else if (status == 404) {
            sentence = tr("%1 has no %2 (%3). Check the repository and file names.").arg(host, what, detail);
        } else if (status == 429) {
            sentence = tr("%1 is limiting requests (%2) while fetching %3. Wait a few minutes and try again.")
                           .arg(host, detail, what);
        } else if (status >= 500) {
            sentence = tr("%1 had a problem answering for %2 (%3). Try again later.").arg(host, what, detail);
        } else {
            sentence = tr("%1 refused the request for %2 (%3).").arg(host, what, detail);
        }
        return sentence;
    }
    switch (reply->error()) {
        case QNetworkReply::SslHandshakeFailedError:
            // Corporate proxies that inspect TLS present their own certificate: say so, with Qt's own words.
            return tr("The secure connection to %1 failed while fetching %2 (%3). If a proxy on this network "
                      "inspects TLS, its certificate must be in the system's trust store.")
                .arg(host, what, reply->errorString());
        case QNetworkReply::OperationCanceledError:
        case QNetworkReply::TimeoutError:
            return tr("%1 stopped answering while fetching %2. Check the connection and try again.")
                .arg(host, what);
        case QNetworkReply::ProxyConnectionRefusedError:
        case QNetworkReply::ProxyConnectionClosedError:
        case QNetworkReply::ProxyNotFoundError:
        case QNetworkReply::ProxyTimeoutError:
        case QNetworkReply::ProxyAuthenticationRequiredError:
            return tr("The network proxy failed while fetching %1 from %2 (%3). Check the system's proxy "
                      "settings.")
                .arg(what, host, reply->errorString());
        default:
            break;
    }
    if (reply->error() != QNetworkReply::NoError) {
        return tr("Could not fetch %1 from %2 (%3). Check the connection and the hub's address.")
            .arg(what, host, reply->errorString());
    }
    return tr("%1 answered HTTP %2 for %3, which Lantern did not expect.").arg(host).arg(status).arg(what);
}

QString formatBytes(qint64 bytes) {
    if (bytes < 0) {
        return tr("an unknown size");
    }
    if (bytes < 1000) {
        return tr("%1 bytes").arg(bytes);
    }
    const char* units[] = {"kB", "MB", "GB", "TB"};
    double v = double(bytes);
    int u = -1;
    while (v >= 1000.0 && u < 3) {
        v /= 1000.0;
        ++u;
    }
    return QStringLiteral("%1 %2").arg(QString::number(v, 'f', v < 10.0 ? 1 : 0), QLatin1String(units[u]));
}

}  // namespace lantern::service::detail
