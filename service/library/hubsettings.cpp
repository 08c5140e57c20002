#include "service/library/hubsettings.h"

#include <QCoreApplication>
#include <QFile>
#include <QSettings>

#include <memory>

#include "service/remote/keychain.h"

namespace lantern::service {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("HubSettings", text);
}

const QString kNetworkAllowed = QStringLiteral("library/networkAllowed");
const QString kEndpoint = QStringLiteral("library/endpoint");
const QString kTokenEntry = QStringLiteral("hub-token");

// Empty when url can be the hub's root; else a sentence saying what is wrong.
QString validateEndpoint(const QString& text) {
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) ||
        url.host().isEmpty()) {
        return tr("\"%1\" is not an http:// or https:// address; enter the hub's address like "
                  "https://hf-mirror.com, or leave the field empty for the default.")
            .arg(text);
    }
    if (!url.userInfo().isEmpty()) {
        // It would sit in the settings file in plain text: the token has its own field and the keychain.
        return tr("\"%1\" contains a user name or password; remove it and enter the access token in its own "
                  "field.")
            .arg(text);
    }
    if (url.hasQuery() || url.hasFragment()) {
        return tr("\"%1\" has a query or fragment; enter only the hub's root address, like "
                  "https://hf-mirror.com.")
            .arg(text);
    }
    return {};
}

}  // namespace

QString offlineSentence() {
    return tr(
        "Lantern is not allowed to use the network for the model library. Allow it in Settings → Model "
        "library (or with the library's \"Allow network\" button) to search and download models.");
}

QString sandboxNetworkSentence(const QString& infoPath) {
    QFile file(infoPath);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        return {};  // not in a Flatpak sandbox
    }
    // A GKeyFile ("[Context]" then "shared=ipc;network;"; docs.flatpak.org, "Sandbox Permissions"). Not
    // QSettings: its INI reader takes ';' for the start of a comment and would see "ipc" alone.
    QString section, app;
    QStringList shared;
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.startsWith(QLatin1Char('[')) && line.endsWith(QLatin1Char(']'))) {
            section = line.mid(1, line.size() - 2);
            continue;
        }
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        if (line.startsWith(QLatin1Char('#')) || eq <= 0) {
            continue;
        }
        const QString key = line.left(eq).trimmed(), value = line.mid(eq + 1).trimmed();
        if (section == QLatin1String("Application") && key == QLatin1String("name")) {
            app = value;
        } else if (section == QLatin1String("Context") && key == QLatin1String("shared")) {
            shared = value.split(QLatin1Char(';'), Qt::SkipEmptyParts);
        }
    }
    if (shared.contains(QLatin1String("network"))) {
        return {};
    }
    return tr("This Flatpak of Lantern has no network permission, so the model library cannot search or download. "
              "Download a GGUF file with your browser and import it (On this computer → Import…), or give "
              "Lantern the permission: flatpak override --user --share=network %1")
        .arg(app.isEmpty() ? QStringLiteral("io.github.lanternapp.Lantern") : app);
}

struct HubSettings::Private {
    std::unique_ptr<QSettings> settings;
    QString keychainService;
    QString token;
    bool tokenKnown = false;  // the keychain answered (with a token or with none)
    QString endpointError;
};

HubSettings::HubSettings(QObject* parent) : HubSettings(QString(), QStringLiteral("Lantern"), parent) {}

HubSettings::HubSettings(const QString& settingsFile, const QString& keychainService, QObject* parent)
    : QObject(parent), d(new Private) {
    d->settings = settingsFile.isEmpty() ? std::make_unique<QSettings>()
                                         : std::make_unique<QSettings>(settingsFile, QSettings::IniFormat);
    d->keychainService = keychainService;
    // The keychain answers later; until then config() carries no token, which only matters for gated repos.
    runKeychainJob(this, KeychainOp::Read, d->keychainService, kTokenEntry, {},
                   [this](const KeychainResult& r) {
                       if (r.ok || r.notFound) {
                           d->token = r.text;
                           d->tokenKnown = true;
                           emit tokenLoaded();
                           emit changed();
                       } else {
                           emit keychainFailed(r.sentence);
                       }
                   },
                   KeychainSecret::HubToken);
}

HubSettings::~HubSettings() {
    delete d;
}

QString HubSettings::defaultEndpoint() {
    const QString env = qEnvironmentVariable("HF_ENDPOINT").trimmed();
    if (!env.isEmpty() && validateEndpoint(env).isEmpty()) {
        return env.endsWith(QLatin1Char('/')) ? env.chopped(1) : env;
    }
    return QStringLiteral("https://huggingface.co");
}

bool HubSettings::networkAllowed() const {
    return d->settings->value(kNetworkAllowed, false).toBool();
}

void HubSettings::setNetworkAllowed(bool on) {
    if (on == networkAllowed()) {
        return;
    }
    d->settings->setValue(kNetworkAllowed, on);
    d->settings->sync();
    emit changed();
}

QString HubSettings::endpoint() const {
    return d->settings->value(kEndpoint).toString();
}

bool HubSettings::setEndpoint(const QString& url) {
    QString text = url.trimmed();
    while (text.endsWith(QLatin1Char('/'))) {
        text.chop(1);
    }
    d->endpointError = text.isEmpty() ? QString() : validateEndpoint(text);
    if (!d->endpointError.isEmpty()) {
        emit changed();  // endpointError() changed
        return false;
    }
    if (text == endpoint()) {
        return true;
    }
    if (text.isEmpty()) {
        d->settings->remove(kEndpoint);
    } else {
        d->settings->setValue(kEndpoint, text);
    }
    d->settings->sync();
    emit changed();
    return true;
}

QString HubSettings::endpointError() const {
    return d->endpointError;
}

QString HubSettings::effectiveEndpoint() const {
    const QString e = endpoint();
    return e.isEmpty() ? defaultEndpoint() : e;
}

bool HubSettings::hasToken() const {
    return d->tokenKnown && !d->token.isEmpty();
}

void HubSettings::setToken(const QString& token) {
    const QString t = token.trimmed();
    const KeychainOp op = t.isEmpty() ? KeychainOp::Delete : KeychainOp::Write;
    runKeychainJob(this, op, d->keychainService, kTokenEntry, t, [this, t](const KeychainResult& r) {
        if (r.ok || (r.notFound && t.isEmpty())) {
            d->token = t;
            d->tokenKnown = true;
            emit tokenSaved();
            emit changed();
        } else {
            emit keychainFailed(r.sentence);
        }
    }, KeychainSecret::HubToken);
}

HubConfig HubSettings::config() const {
    HubConfig c;
    c.networkAllowed = networkAllowed();
    c.endpoint = QUrl(effectiveEndpoint());
    c.token = d->token;
    return c;
}

}  // namespace lantern::service
