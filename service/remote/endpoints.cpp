#include "service/remote/endpoints.h"

#include <QCoreApplication>
#include <QSettings>
#include <QUrl>
#include <QUuid>

#include "service/remote/keychain.h"

namespace lantern::service {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("EndpointStore", text);
}

const QString kGroup = QStringLiteral("remote");
const QString kEndpoints = QStringLiteral("endpoints");
const QString kLocalOnly = QStringLiteral("localOnly");
const QString kHosts = QStringLiteral("confirmedHosts");

// One keychain entry per endpoint; the id, never the URL, names it (a URL may change, the id does not).
QString keychainEntry(const QString& id) {
    return QStringLiteral("remote-endpoint/") + id;
}

}  // namespace

QString endpointHost(const QString& baseUrl) {
    const QUrl url(baseUrl.trimmed(), QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty()) {
        return {};
    }
    const QString host = url.host().toLower();
    return url.port() >= 0 ? QStringLiteral("%1:%2").arg(host).arg(url.port()) : host;
}

QString validateBaseUrl(const QString& baseUrl) {
    const QUrl url(baseUrl.trimmed(), QUrl::StrictMode);
    if (baseUrl.trimmed().isEmpty()) {
        return tr("Enter the endpoint's address, for example http://192.168.1.20:8000/v1.");
    }
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
        return tr("\"%1\" is not an http:// or https:// address; enter it like http://192.168.1.20:8000/v1.")
            .arg(baseUrl);
    }
    if (url.host().isEmpty()) {
        return tr("\"%1\" names no host; enter it like http://192.168.1.20:8000/v1.").arg(baseUrl);
    }
    if (!url.userInfo().isEmpty()) {
        // A password in the URL would be stored in plain text with the endpoint: keys go in the keychain.
        return tr("\"%1\" contains a user name or password; remove it and enter the API key in its own "
                  "field.")
            .arg(baseUrl);
    }
    return {};
}

EndpointStore::EndpointStore(QObject* parent)
    : QObject(parent),
      m_settings(std::make_unique<QSettings>()),
      m_keychainService(QStringLiteral("Lantern")) {
    load();
}

EndpointStore::EndpointStore(const QString& settingsFile, const QString& keychainService, QObject* parent)
    : QObject(parent),
      m_settings(std::make_unique<QSettings>(settingsFile, QSettings::IniFormat)),
      m_keychainService(keychainService) {
    load();
}

EndpointStore::~EndpointStore() = default;

void EndpointStore::load() {
    m_settings->beginGroup(kGroup);
    m_localOnly = m_settings->value(kLocalOnly, false).toBool();
    m_confirmedHosts = m_settings->value(kHosts).toStringList();
    const int n = m_settings->beginReadArray(kEndpoints);
    for (int i = 0; i < n; ++i) {
        m_settings->setArrayIndex(i);
        RemoteEndpoint e{m_settings->value(QStringLiteral("id")).toString(),
                         m_settings->value(QStringLiteral("name")).toString(),
                         m_settings->value(QStringLiteral("baseUrl")).toString(),
                         m_settings->value(QStringLiteral("model")).toString()};
        if (!e.id.isEmpty()) {
            m_endpoints.push_back(e);
        }
    }
    m_settings->endArray();
    m_settings->endGroup();
}

void EndpointStore::saveEndpoints() {
    m_settings->beginGroup(kGroup);
    m_settings->remove(kEndpoints);
    m_settings->beginWriteArray(kEndpoints, static_cast<int>(m_endpoints.size()));
    for (int i = 0; i < static_cast<int>(m_endpoints.size()); ++i) {
        const RemoteEndpoint& e = m_endpoints[static_cast<size_t>(i)];
        m_settings->setArrayIndex(i);
        m_settings->setValue(QStringLiteral("id"), e.id);
        m_settings->setValue(QStringLiteral("name"), e.name);
        m_settings->setValue(QStringLiteral("baseUrl"), e.baseUrl);
        m_settings->setValue(QStringLiteral("model"), e.model);
    }
    m_settings->endArray();
    m_settings->endGroup();
    m_settings->sync();
    emit endpointsChanged();
}

std::vector<RemoteEndpoint> EndpointStore::endpoints() const {
    return m_localOnly ? std::vector<RemoteEndpoint>{} : m_endpoints;
}

std::optional<RemoteEndpoint> EndpointStore::endpoint(const QString& id) const {
    if (m_localOnly) {
        return std::nullopt;
    }
    for (const RemoteEndpoint& e : m_endpoints) {
        if (e.id == id) {
            return e;
        }
    }
    return std::nullopt;
}

std::vector<RemoteEndpoint> EndpointStore::configuredEndpoints() const {
    return m_endpoints;
}

QString EndpointStore::addEndpoint(const RemoteEndpoint& endpoint) {
    if (!validateBaseUrl(endpoint.baseUrl).isEmpty()) {
        return {};
    }
    RemoteEndpoint e = endpoint;
    e.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    e.baseUrl = e.baseUrl.trimmed();
    m_endpoints.push_back(e);
    saveEndpoints();
    return e.id;
}

bool EndpointStore::updateEndpoint(const RemoteEndpoint& endpoint) {
    if (!validateBaseUrl(endpoint.baseUrl).isEmpty()) {
        return false;
    }
    for (RemoteEndpoint& e : m_endpoints) {
        if (e.id == endpoint.id) {
            RemoteEndpoint changed = endpoint;
            changed.baseUrl = changed.baseUrl.trimmed();
            if (changed == e) {
                return true;
            }
            e = changed;
            saveEndpoints();
            return true;
        }
    }
    return false;
}

void EndpointStore::removeEndpoint(const QString& id) {
    const auto before = m_endpoints.size();
    std::erase_if(m_endpoints, [&](const RemoteEndpoint& e) { return e.id == id; });
    if (m_endpoints.size() != before) {
        saveEndpoints();
    }
    deleteKey(id);
}

void EndpointStore::writeKey(const QString& id, const QString& key) {
    runKeychainJob(this, KeychainOp::Write, m_keychainService, keychainEntry(id), key,
                   [this, id](const KeychainResult& r) {
                       if (r.ok) {
                           emit keyWritten(id);
                       } else {
                           emit keyFailed(id, r.sentence);
                       }
                   });
}

void EndpointStore::readKey(const QString& id) {
    runKeychainJob(
        this, KeychainOp::Read, m_keychainService, keychainEntry(id), {},
        [this, id](const KeychainResult& r) {
            if (r.ok || r.notFound) {
                emit keyRead(
                    id, r.text);  // no entry: an endpoint without a key (a server on the LAN that needs none)
            } else {
                emit keyFailed(id, r.sentence);
            }
        });
}

void EndpointStore::deleteKey(const QString& id) {
    runKeychainJob(this, KeychainOp::Delete, m_keychainService, keychainEntry(id), {},
                   [this, id](const KeychainResult& r) {
                       if (r.ok || r.notFound) {
                           emit keyDeleted(id);
                       } else {
                           emit keyFailed(id, r.sentence);
                       }
                   });
}

bool EndpointStore::localOnly() const {
    return m_localOnly;
}

void EndpointStore::setLocalOnly(bool on) {
    if (on == m_localOnly) {
        return;
    }
    m_localOnly = on;
    m_settings->setValue(kGroup + QStringLiteral("/") + kLocalOnly, on);
    m_settings->sync();
    emit localOnlyChanged(on);
    emit endpointsChanged();  // the visible list changed
}

bool EndpointStore::hostConfirmed(const QString& host) const {
    return !host.isEmpty() && m_confirmedHosts.contains(host.toLower());
}

void EndpointStore::confirmHost(const QString& host) {
    const QString h = host.toLower();
    if (h.isEmpty() || m_confirmedHosts.contains(h)) {
        return;
    }
    m_confirmedHosts.append(h);
    m_settings->setValue(kGroup + QStringLiteral("/") + kHosts, m_confirmedHosts);
    m_settings->sync();
    emit confirmedHostsChanged();
}

void EndpointStore::forgetHost(const QString& host) {
    if (m_confirmedHosts.removeAll(host.toLower()) == 0) {
        return;
    }
    m_settings->setValue(kGroup + QStringLiteral("/") + kHosts, m_confirmedHosts);
    m_settings->sync();
    emit confirmedHostsChanged();
}

QStringList EndpointStore::confirmedHosts() const {
    return m_confirmedHosts;
}

}  // namespace lantern::service
