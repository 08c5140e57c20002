#pragma once
// The model library's network settings (../shared/notes/server-routing-downloads.md §4), persisted in QSettings
// group "library" except the token, which lives in the system keychain (service "Lantern", entry "hub-token")
// and nowhere else:
//   - networkAllowed: false until the user allows it (Settings → Model library, or the library's own "Allow
//     network" button). While false, HubClient and DownloadManager make no request at all and say why.
//   - endpoint: the model hub's root URL. Empty = defaultEndpoint(): $HF_ENDPOINT when set (the convention
//     huggingface_hub and llama.cpp follow; e.g. https://hf-mirror.com), else https://huggingface.co.
//   - token: for gated repositories. Sent as "Authorization: Bearer" only to the endpoint's own host, never to
//     a redirect target on another host (the CDN) and never to another endpoint.
//   - Proxies come from the system settings (QNetworkProxyFactory::setUseSystemConfiguration).
// GUI thread only.
#include <QObject>
#include <QString>
#include <QUrl>

class QSettings;

namespace lantern::service {

// The values the network classes take (a copy: they never read settings themselves, so tests pass their own).
struct HubConfig {
    bool networkAllowed = false;
    QUrl endpoint;   // resolved: never empty once made by HubSettings::config() (tests set a loopback URL)
    QString token;   // "" = none
    int stallTimeoutMs = 30000;  // no byte for this long: the transfer is treated as stalled and retried
    int maxRetries = 5;          // per file, with back-off 1 s, 2 s, 4 s ... (tests lower both)
    int retryDelayMs = 1000;
};

// The sentence every network feature of the library shows while networkAllowed is false.
QString offlineSentence();

// Inside a Flatpak sandbox without the network permission no request can leave, whatever networkAllowed says:
// the sentence that says so and how to change it; "" anywhere else. infoPath: the sandbox's description
// (Flatpak writes /.flatpak-info; tests pass their own file).
QString sandboxNetworkSentence(const QString& infoPath = QStringLiteral("/.flatpak-info"));

class HubSettings : public QObject {
    Q_OBJECT
    Q_PROPERTY(bool networkAllowed READ networkAllowed WRITE setNetworkAllowed NOTIFY changed)
    Q_PROPERTY(QString endpoint READ endpoint WRITE setEndpoint NOTIFY changed)  // "" = default
    Q_PROPERTY(QString effectiveEndpoint READ effectiveEndpoint NOTIFY changed)
    Q_PROPERTY(bool hasToken READ hasToken NOTIFY changed)
public:
    explicit HubSettings(QObject* parent = nullptr);  // the application's QSettings, keychain "Lantern"
    HubSettings(const QString& settingsFile, const QString& keychainService, QObject* parent = nullptr);  // tests
    ~HubSettings() override;

    static QString defaultEndpoint();  // $HF_ENDPOINT, else "https://huggingface.co"

    bool networkAllowed() const;
    void setNetworkAllowed(bool on);
    QString endpoint() const;
    // Empty, or an http(s) URL; anything else is refused and endpointError() says why.
    Q_INVOKABLE bool setEndpoint(const QString& url);
    QString endpointError() const;  // why the last setEndpoint refused; "" after one that was accepted
    QString effectiveEndpoint() const;
    bool hasToken() const;  // known after the keychain answered (tokenLoaded)
    // Stores the token in the keychain ("" deletes it); tokenSaved/keychainFailed answer.
    Q_INVOKABLE void setToken(const QString& token);

    HubConfig config() const;  // the current values, token included when loaded

signals:
    void changed();
    void tokenLoaded();
    void tokenSaved();  // setToken's write (or delete) reached the keychain
    void keychainFailed(const QString& sentence);

private:
    struct Private;
    Private* d;
};

}  // namespace lantern::service
