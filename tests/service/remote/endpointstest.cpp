// EndpointStore: endpoints' metadata persisted in an INI file of the test's own, the "local only" switch
// (persisted, hides every endpoint), confirmed hosts, and the API key: only ever in the system keychain.
// Where no keychain runs (CI has no Secret Service daemon) saving the key fails with a sentence that says so,
// and the key is then nowhere on disk: not in the settings file, not in any file under the test's HOME.
#include "service/remote/endpoints.h"

#include <QDateTime>
#include <QDirIterator>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace lantern::service;

namespace {

// Every file under dir that contains needle.
QStringList filesContaining(const QString& dir, const QByteArray& needle) {
    QStringList hits;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly) && f.readAll().contains(needle)) {
            hits.append(f.fileName());
        }
    }
    return hits;
}

}  // namespace

class EndpointsTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_home;

private slots:
    void initTestCase() {
        // Everything QtKeychain or QSettings could write lands under the test's own HOME.
        QVERIFY(m_home.isValid());
        qputenv("HOME", m_home.path().toUtf8());
        qputenv("XDG_CONFIG_HOME", m_home.filePath(QStringLiteral(".config")).toUtf8());
        qputenv("XDG_DATA_HOME", m_home.filePath(QStringLiteral(".local/share")).toUtf8());
        QStandardPaths::setTestModeEnabled(true);
    }

    void hostsAndUrls() {
        QCOMPARE(endpointHost(QStringLiteral("http://10.0.0.5:8000/v1")), QStringLiteral("10.0.0.5:8000"));
        QCOMPARE(endpointHost(QStringLiteral("https://API.Example.org/v1/")),
                 QStringLiteral("api.example.org"));
        QCOMPARE(endpointHost(QStringLiteral("not a url")), QString());
        QVERIFY(validateBaseUrl(QStringLiteral("http://127.0.0.1:8080/v1")).isEmpty());
        QVERIFY(validateBaseUrl(QStringLiteral("https://api.example.org/v1")).isEmpty());
        QVERIFY(!validateBaseUrl(QString()).isEmpty());
        QVERIFY(!validateBaseUrl(QStringLiteral("ftp://example.org/v1")).isEmpty());
        QVERIFY(!validateBaseUrl(QStringLiteral("http:///v1")).isEmpty());
        // A password in the URL would be stored in plain text: refused.
        QVERIFY(validateBaseUrl(QStringLiteral("https://user:sk-secret@example.org/v1"))
                    .contains(QStringLiteral("password")));
    }

    void metadataPersistsWithoutKeys() {
        const QString ini = m_home.filePath(QStringLiteral("meta.ini"));
        QString id;
        {
            EndpointStore store(ini, QStringLiteral("lantern-test"));
            QVERIFY(store.endpoints().empty());  // none until the user adds one
            QSignalSpy changed(&store, &EndpointStore::endpointsChanged);
            id =
                store.addEndpoint({QStringLiteral("ignored"), QStringLiteral("Workstation"),
                                   QStringLiteral(" http://10.0.0.5:8000/v1 "), QStringLiteral("qwen3-32b")});
            QVERIFY(!id.isEmpty());
            QVERIFY(id != QStringLiteral("ignored"));
            QCOMPARE(changed.size(), 1);
            QVERIFY(
                store.addEndpoint({{}, QStringLiteral("Bad"), QStringLiteral("gopher://x"), {}}).isEmpty());
            const QString second = store.addEndpoint({{},
                                                      QStringLiteral("Provider"),
                                                      QStringLiteral("https://api.example.org/v1"),
                                                      QStringLiteral("m")});
            QCOMPARE(store.endpoints().size(), size_t(2));
            RemoteEndpoint e = *store.endpoint(id);
            QCOMPARE(e.baseUrl, QStringLiteral("http://10.0.0.5:8000/v1"));
            e.name = QStringLiteral("Big box");
            QVERIFY(store.updateEndpoint(e));
            QVERIFY(!store.updateEndpoint({QStringLiteral("nope"), {}, QStringLiteral("http://a/v1"), {}}));
            store.removeEndpoint(second);
            QCOMPARE(store.endpoints().size(), size_t(1));
            store.confirmHost(QStringLiteral("10.0.0.5:8000"));
        }
        EndpointStore again(ini, QStringLiteral("lantern-test"));
        QCOMPARE(again.endpoints().size(), size_t(1));
        QCOMPARE(again.endpoints().front().name, QStringLiteral("Big box"));
        QCOMPARE(again.endpoints().front().model, QStringLiteral("qwen3-32b"));
        QCOMPARE(again.endpoints().front().id, id);
        QVERIFY(again.hostConfirmed(QStringLiteral("10.0.0.5:8000")));
        QVERIFY(again.hostConfirmed(QStringLiteral("10.0.0.5:8000").toUpper()));
        QVERIFY(!again.hostConfirmed(QStringLiteral("10.0.0.5:8001")));
        QVERIFY(!again.hostConfirmed(QString()));
        again.forgetHost(QStringLiteral("10.0.0.5:8000"));
        QVERIFY(!again.hostConfirmed(QStringLiteral("10.0.0.5:8000")));
    }

    void localOnlyHidesEverythingAndPersists() {
        const QString ini = m_home.filePath(QStringLiteral("local.ini"));
        QString id;
        {
            EndpointStore store(ini, QStringLiteral("lantern-test"));
            id = store.addEndpoint({{}, QStringLiteral("W"), QStringLiteral("http://10.0.0.5:8000/v1"), {}});
            QVERIFY(!store.localOnly());
            QSignalSpy toggled(&store, &EndpointStore::localOnlyChanged);
            store.setLocalOnly(true);
            store.setLocalOnly(true);  // unchanged: no second signal
            QCOMPARE(toggled.size(), 1);
            QVERIFY(store.endpoints().empty());
            QVERIFY(!store.endpoint(id).has_value());
            QCOMPARE(store.configuredEndpoints().size(), size_t(1));  // the Settings page still lists it
            QCOMPARE(store.property("localOnly").toBool(), true);
        }
        EndpointStore again(ini, QStringLiteral("lantern-test"));
        QVERIFY(again.localOnly());
        QVERIFY(again.endpoints().empty());
        again.setLocalOnly(false);
        QCOMPARE(again.endpoints().size(), size_t(1));
        QVERIFY(again.endpoint(id).has_value());
    }

    // The key goes to the keychain or nowhere. With a keychain (a desktop) it round-trips; without one (CI)
    // keyFailed says so in a sentence. Either way no file holds it.
    void keyOnlyInTheKeychain() {
        const QString ini = m_home.filePath(QStringLiteral("keys.ini"));
        const QString key = QStringLiteral("sk-lantern-test-%1").arg(QDateTime::currentMSecsSinceEpoch());
        EndpointStore store(ini, QStringLiteral("lantern-test"));
        const QString id =
            store.addEndpoint({{}, QStringLiteral("W"), QStringLiteral("http://10.0.0.5:8000/v1"), {}});
        QSignalSpy written(&store, &EndpointStore::keyWritten);
        QSignalSpy failed(&store, &EndpointStore::keyFailed);
        QSignalSpy read(&store, &EndpointStore::keyRead);
        QSignalSpy deleted(&store, &EndpointStore::keyDeleted);
        store.writeKey(id, key);
        QTRY_VERIFY_WITH_TIMEOUT(written.size() + failed.size() == 1, 20000);
        if (failed.size() == 1) {
            const QString sentence = failed.first().at(1).toString();
            qInfo("no keychain here; the store said: %s", qPrintable(sentence));
            QCOMPARE(failed.first().at(0).toString(), id);
            QVERIFY2(sentence.contains(QStringLiteral("keychain is not available")) &&
                         sentence.contains(QStringLiteral("never in a file")),
                     qPrintable(sentence));
            QVERIFY(!sentence.contains(key));
            store.readKey(id);
            QTRY_VERIFY_WITH_TIMEOUT(read.size() + failed.size() == 2, 20000);
            QVERIFY(read.isEmpty() ||
                    read.first().at(1).toString().isEmpty());  // nothing came back from anywhere
        } else {
            qInfo("a keychain runs here: the key round-trips through it");
            store.readKey(id);
            QTRY_VERIFY_WITH_TIMEOUT(read.size() == 1, 20000);
            QCOMPARE(read.first().at(1).toString(), key);
            store.deleteKey(id);
            QTRY_VERIFY_WITH_TIMEOUT(deleted.size() + failed.size() == 1, 20000);
        }
        QSettings s(ini, QSettings::IniFormat);
        for (const QString& k : s.allKeys()) {
            QVERIFY2(!s.value(k).toString().contains(key), qPrintable(k));
        }
        QCOMPARE(filesContaining(m_home.path(), key.toUtf8()), QStringList());
    }
};

QTEST_MAIN(EndpointsTest)
#include "endpointstest.moc"
