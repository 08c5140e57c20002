#pragma once
// Internal to service/remote: one asynchronous job on the system keychain through QtKeychain, never with its
// plain-text fallback. Built without QtKeychain (a platform where it is not packaged), every job fails with a
// sentence saying so: keys are then not stored at all, rather than stored in a file.
#include <QObject>
#include <QString>

#include <functional>

namespace lantern::service {

enum class KeychainOp { Write, Read, Delete };
// What the secret is, for the sentences: a remote endpoint's API key or the model hub's access token.
enum class KeychainSecret { ApiKey, HubToken };

struct KeychainResult {
    bool ok = false;
    bool notFound = false;  // Read/Delete: there was no such entry (ok stays false)
    QString text;           // Read: the secret
    QString sentence;       // when neither ok nor notFound: what failed and what to do
};

// done is called once, later, from the event loop (never before this returns), unless context is destroyed
// first.
void runKeychainJob(QObject* context, KeychainOp op, const QString& service, const QString& entry,
                    const QString& secret, std::function<void(const KeychainResult&)> done,
                    KeychainSecret kind = KeychainSecret::ApiKey);

}  // namespace lantern::service
