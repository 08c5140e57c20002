#include "service/remote/keychain.h"

#include <QCoreApplication>
#include <QTimer>

#if LANTERN_HAVE_QTKEYCHAIN
#include <qt6keychain/keychain.h>
#endif

namespace lantern::service {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("EndpointStore", text);
}

#if LANTERN_HAVE_QTKEYCHAIN
// The keychain's own error as a sentence with what to do; the backend's detail follows in parentheses. Whole
// sentences for each kind of secret, so a translation never has to fit a noun into one.
QString keychainSentence(QKeychain::Error code, const QString& detail, KeychainOp op, KeychainSecret kind) {
    const bool token = kind == KeychainSecret::HubToken;
    QString what;
    switch (code) {
        case QKeychain::AccessDenied:
        case QKeychain::AccessDeniedByUser:
            what = token ? tr("The system keychain refused access to the hub token. Unlock the keyring and allow "
                              "Lantern, then try again.")
                         : tr("The system keychain refused access to the API key. Unlock the keyring and allow "
                              "Lantern, then try again.");
            break;
        case QKeychain::CouldNotDeleteEntry:
            what = token ? tr("The hub token could not be removed from the system keychain. Remove it with your "
                              "keyring manager (it is filed under \"Lantern\").")
                         : tr("The API key could not be removed from the system keychain. Remove it with your "
                              "keyring manager (it is filed under \"Lantern\").");
            break;
        default:
            // No backend, no D-Bus session, a keyring that is not running: all the same to the user.
            if (token) {
                what = op == KeychainOp::Read
                           ? tr("The system keychain is not available, so the hub token could not be read.")
                           : tr("The system keychain is not available, so the hub token was not saved.");
            } else {
                what = op == KeychainOp::Read
                           ? tr("The system keychain is not available, so the API key could not be read.")
                           : tr("The system keychain is not available, so the API key was not saved.");
            }
            what += QLatin1Char(' ') +
                    tr("Lantern keeps secrets only in the system keychain, never in a file: start your desktop's "
                       "keyring (GNOME Keyring, KWallet or another Secret Service) and try again.");
            break;
    }
    return detail.isEmpty() ? what : QStringLiteral("%1 (%2)").arg(what, detail);
}
#endif

}  // namespace

void runKeychainJob(QObject* context, KeychainOp op, const QString& service, const QString& entry,
                    const QString& secret, std::function<void(const KeychainResult&)> done,
                    KeychainSecret kind) {
#if LANTERN_HAVE_QTKEYCHAIN
    QKeychain::Job* job = nullptr;
    switch (op) {
        case KeychainOp::Write: {
            auto* write = new QKeychain::WritePasswordJob(service, context);
            write->setTextData(secret);
            job = write;
            break;
        }
        case KeychainOp::Read:
            job = new QKeychain::ReadPasswordJob(service, context);
            break;
        case KeychainOp::Delete:
            job = new QKeychain::DeletePasswordJob(service, context);
            break;
    }
    job->setAutoDelete(true);
    job->setInsecureFallback(false);  // never a plain-text copy when the keychain is missing
    job->setKey(entry);
    QObject::connect(job, &QKeychain::Job::finished, context,
                     [op, kind, done = std::move(done)](QKeychain::Job* j) {
                         KeychainResult r;
                         r.ok = j->error() == QKeychain::NoError;
                         r.notFound = j->error() == QKeychain::EntryNotFound;
                         if (r.ok && op == KeychainOp::Read) {
                             r.text = static_cast<QKeychain::ReadPasswordJob*>(j)->textData();
                         }
                         if (!r.ok && !r.notFound) {
                             r.sentence = keychainSentence(j->error(), j->errorString(), op, kind);
                         }
                         done(r);
                     });
    job->start();
#else
    Q_UNUSED(op);
    Q_UNUSED(service);
    Q_UNUSED(entry);
    Q_UNUSED(secret);
    QTimer::singleShot(0, context, [kind, done = std::move(done)] {
        KeychainResult r;
        r.sentence =
            kind == KeychainSecret::HubToken
                ? tr("This build of Lantern has no system keychain support (QtKeychain), so it cannot keep a hub "
                     "token; it never writes one to a file. Public models download without one.")
                : tr("This build of Lantern has no system keychain support (QtKeychain), so it cannot keep API "
                     "keys; it never writes them to a file. Use an endpoint that needs no key, or a build with "
                     "keychain support.");
        done(r);
    });
#endif
}

}  // namespace lantern::service
