// HubClient (search, tree listing, file metadata) against fakehub.py on 127.0.0.1; the file-name rules (split
// sets, quantization labels, grouping) as plain unit cases; and HubSettings (network switch, endpoint, the
// token never in a file).
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "service/library/hubclient.h"
#include "service/library/hubsettings.h"
#include "tests/service/library/fakehub.h"

using namespace lantern::service;
using lantern::test::FakeHub;

class HubClientTest : public QObject {
    Q_OBJECT

    std::unique_ptr<FakeHub> m_hub;
    QString m_sha;

    HubConfig config() const {
        HubConfig c;
        c.networkAllowed = true;
        c.endpoint = m_hub->endpoint();
        c.stallTimeoutMs = 5000;
        return c;
    }

private slots:
    // Flatpak's /.flatpak-info, as the sandbox writes it: no network permission, the library says so and how.
    void sandboxWithoutNetwork() {
        QTemporaryDir dir;
        QCOMPARE(sandboxNetworkSentence(dir.filePath(QStringLiteral("none"))), QString());  // not in a sandbox
        // One file per case: QSettings caches a file it has read, and these are rewritten within a second.
        int n = 0;
        const auto write = [&](const QByteArray& shared) {
            const QString info = dir.filePath(QStringLiteral("flatpak-info-%1").arg(++n));
            QFile f(info);
            if (!f.open(QIODevice::WriteOnly)) {
                return QString();
            }
            f.write("[Application]\nname=io.example.Lantern\nruntime=runtime/org.kde.Platform/x86_64/6.8\n\n"
                    "[Context]\nshared=" + shared + "\nsockets=wayland;x11;\n");
            return info;
        };
        const QString sentence = sandboxNetworkSentence(write("ipc;"));
        QVERIFY2(sentence.contains(QStringLiteral("no network permission")), qPrintable(sentence));
        QVERIFY2(sentence.contains(QStringLiteral("flatpak override --user --share=network io.example.Lantern")),
                 qPrintable(sentence));
        QCOMPARE(sandboxNetworkSentence(write("network;ipc;")), QString());
        QCOMPARE(sandboxNetworkSentence(write("ipc;network;")), QString());
    }

    void initTestCase() {
        for (const char* v :
             {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
            qunsetenv(v);
        }
        m_hub = std::make_unique<FakeHub>();
        QVERIFY2(m_hub->ok(), qPrintable(m_hub->error()));
        m_sha = m_hub->addFile("acme/Widget-8B-GGUF", "Widget-8B-Q4_K_M.gguf", 100000, 1);
        m_hub->addFile("acme/Widget-8B-GGUF", "Widget-8B-Q8_0.gguf", 200000, 2);
        m_hub->addFile("acme/Widget-8B-GGUF", "BF16/Widget-8B-BF16-00001-of-00002.gguf", 50000, 3);
        m_hub->addFile("acme/Widget-8B-GGUF", "BF16/Widget-8B-BF16-00002-of-00002.gguf", 40000, 4);
        m_hub->addFile("acme/Widget-8B-GGUF", "README.md", 100, 5);
        m_hub->addFile("other/Gadget-GGUF", "gadget-f16.gguf", 1000, 6);
    }

    void init() { m_hub->reset(); }

    // ---- names --------------------------------------------------------------------------------------------

    void splitNames_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("base");
        QTest::addColumn<int>("index");
        QTest::addColumn<int>("count");
        QTest::newRow("first") << "Qwen3-235B-Q4_K_M-00001-of-00003.gguf"
                               << "Qwen3-235B-Q4_K_M" << 1 << 3;
        QTest::newRow("last") << "x-00003-of-00003.gguf"
                              << "x" << 3 << 3;
        QTest::newRow("folder") << "Q8_0/x-00002-of-00002.gguf"
                                << "Q8_0/x" << 2 << 2;
        // The loader (and llama.cpp) name a set's parts in lower case: an upper-case name is not a part it opens.
        QTest::newRow("upper case") << "X-00001-OF-00002.GGUF"
                                    << "" << 0 << 0;
        QTest::newRow("single") << "Qwen3-8B-Q4_K_M.gguf"
                                << "" << 0 << 0;
        QTest::newRow("index past count") << "x-00004-of-00003.gguf"
                                          << "" << 0 << 0;
        QTest::newRow("index zero") << "x-00000-of-00003.gguf"
                                    << "" << 0 << 0;
        QTest::newRow("four digits") << "x-0001-of-0003.gguf"
                                     << "" << 0 << 0;
        QTest::newRow("not gguf") << "x-00001-of-00003.bin"
                                  << "" << 0 << 0;
    }
    void splitNames() {
        QFETCH(QString, name);
        QFETCH(QString, base);
        QFETCH(int, index);
        QFETCH(int, count);
        const SplitName s = parseSplitName(name);
        QCOMPARE(s.base, base);
        QCOMPARE(s.index, index);
        QCOMPARE(s.count, count);
    }

    void quants_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("quant");
        QTest::newRow("k quant") << "Qwen3-8B-Q4_K_M.gguf"
                                 << "Q4_K_M";
        QTest::newRow("lower case") << "qwen3-8b-q5_k_s.gguf"
                                    << "Q5_K_S";
        QTest::newRow("dot") << "Meta-Llama-3.1-8B-Instruct.Q8_0.gguf"
                             << "Q8_0";
        QTest::newRow("i quant") << "Llama-3.2-1B-Instruct-IQ4_XS.gguf"
                                 << "IQ4_XS";
        QTest::newRow("f16") << "gemma-3-4b-it-f16.gguf"
                             << "F16";
        QTest::newRow("bf16") << "Widget-BF16.gguf"
                              << "BF16";
        QTest::newRow("unsloth dynamic") << "Qwen3-30B-A3B-UD-Q4_K_XL.gguf"
                                         << "UD-Q4_K_XL";
        QTest::newRow("split") << "DeepSeek-R1-Q2_K-00001-of-00005.gguf"
                               << "Q2_K";
        QTest::newRow("from the folder") << "Q8_0/model-00001-of-00002.gguf"
                                         << "Q8_0";
        QTest::newRow("arm repack") << "model-Q4_0_4_4.gguf"
                                    << "Q4_0_4_4";
        QTest::newRow("ternary") << "bitnet-TQ1_0.gguf"
                                 << "TQ1_0";
        QTest::newRow("mxfp4") << "gpt-oss-20b-MXFP4.gguf"
                               << "MXFP4";
        QTest::newRow("none") << "Qwen3-8B.gguf"
                              << "";
        QTest::newRow("not a size") << "Q8B-model.gguf"
                                    << "";
    }
    void quants() {
        QFETCH(QString, name);
        QFETCH(QString, quant);
        QCOMPARE(quantFromFileName(name), quant);
    }

    void grouping() {
        const std::vector<HubFile> files = {
            {"README.md", 100, ""},
            {"m-Q4_K_M.gguf", 1000, "a"},
            {"big/m-Q8_0-00002-of-00002.gguf", 20, ""},  // out of order: sorted by index
            {"big/m-Q8_0-00001-of-00002.gguf", 10, ""},
            {"broken/m-F16-00001-of-00003.gguf", 5, ""},  // parts 2 and 3 missing: left out
            {"mmproj-m-f16.gguf", 7, ""},                 // a vision projector, not a model
            {"m-Q6_K.gguf", -1, ""},
        };
        const std::vector<HubModelFiles> models = groupGgufFiles(files);
        QCOMPARE(models.size(), size_t(3));
        QCOMPARE(models[0].quant, QStringLiteral("Q4_K_M"));
        QCOMPARE(models[0].paths, QStringList{"m-Q4_K_M.gguf"});
        QCOMPARE(models[0].totalSize, qint64(1000));
        QCOMPARE(models[1].quant, QStringLiteral("Q8_0"));
        QCOMPARE(models[1].paths,
                 (QStringList{"big/m-Q8_0-00001-of-00002.gguf", "big/m-Q8_0-00002-of-00002.gguf"}));
        QCOMPARE(models[1].totalSize, qint64(30));
        QCOMPARE(models[2].quant, QStringLiteral("Q6_K"));
        QCOMPARE(models[2].totalSize, qint64(-1));
    }

    void fileUrls() {
        HubClient client(config());
        QCOMPARE(client.fileUrl("acme/Widget", "main", "Q8_0/a b.gguf").toString(QUrl::FullyEncoded),
                 m_hub->endpoint().toString() + "/acme/Widget/resolve/main/Q8_0/a%20b.gguf");
        QCOMPARE(client.fileUrl("acme/Widget", "refs/pr/1", "x.gguf").toString(QUrl::FullyEncoded),
                 m_hub->endpoint().toString() + "/acme/Widget/resolve/refs%2Fpr%2F1/x.gguf");
    }

    // ---- against the fake hub
    // -------------------------------------------------------------------------------

    void search() {
        HubClient client(config());
        std::vector<HubRepo> repos;
        QString error = "pending";
        client.search("widget", 10, [&](const std::vector<HubRepo>& r, const QString& e) {
            repos = r;
            error = e;
        });
        QTRY_VERIFY(error != "pending");
        QCOMPARE(error, QString());
        QCOMPARE(repos.size(), size_t(1));
        QCOMPARE(repos[0].id, QStringLiteral("acme/Widget-8B-GGUF"));
        QVERIFY(repos[0].downloads > 0);
        QVERIFY(repos[0].tags.contains("gguf"));
        const QJsonObject request = m_hub->requests().last().toObject();
        QCOMPARE(request.value("path").toString(), QStringLiteral("/api/models"));
        QVERIFY(request.value("query").toString().contains("search=widget&filter=gguf"));
    }

    void listFiles() {
        HubClient client(config());
        std::vector<HubFile> files;
        QString error = "pending";
        client.listFiles("acme/Widget-8B-GGUF", "main", [&](const std::vector<HubFile>& f, const QString& e) {
            files = f;
            error = e;
        });
        QTRY_VERIFY(error != "pending");
        QCOMPARE(error, QString());
        QCOMPARE(files.size(),
                 size_t(5));  // the folder itself is not a file; its files are listed (recursive)
        auto find = [&](const QString& path) -> const HubFile* {
            for (const HubFile& f : files) {
                if (f.path == path) {
                    return &f;
                }
            }
            return nullptr;
        };
        const HubFile* q4 = find("Widget-8B-Q4_K_M.gguf");
        QVERIFY(q4);
        QCOMPARE(q4->size, qint64(100000));
        QCOMPARE(q4->sha256, m_sha);
        QVERIFY(find("BF16/Widget-8B-BF16-00002-of-00002.gguf"));
        const std::vector<HubModelFiles> models = groupGgufFiles(files);
        QCOMPARE(models.size(), size_t(3));
        QVERIFY(m_hub->requests().last().toObject().value("query").toString().contains("recursive=true"));
    }

    void listFilesOfMissingRepo() {
        HubClient client(config());
        QString error;
        bool done = false;
        client.listFiles("acme/Nothing", "main", [&](const std::vector<HubFile>&, const QString& e) {
            error = e;
            done = true;
        });
        QTRY_VERIFY(done);
        QVERIFY2(error.contains("HTTP 404") && error.contains("acme/Nothing"), qPrintable(error));
    }

    void metadata() {
        HubConfig c = config();
        c.token = "tok";
        HubClient client(c);
        HubFileMeta meta;
        QString error = "pending";
        client.fileMetadata("acme/Widget-8B-GGUF", "main", "Widget-8B-Q4_K_M.gguf",
                            [&](const HubFileMeta& m, const QString& e) {
                                meta = m;
                                error = e;
                            });
        QTRY_VERIFY(error != "pending");
        QCOMPARE(error, QString());
        QCOMPARE(meta.size, qint64(100000));
        QCOMPARE(meta.sha256, m_sha);
        QVERIFY(meta.acceptsRanges);
        QVERIFY(meta.etag.startsWith("\"cdn-"));  // the validator of the server that sends the bytes
        QCOMPARE(meta.url.port(), m_hub->cdnPort());
        const QJsonArray requests = m_hub->requests();
        QCOMPARE(requests.size(), 2);
        QCOMPARE(requests[0].toObject().value("authorization").toString(), QStringLiteral("Bearer tok"));
        QCOMPARE(requests[1].toObject().value("server").toString(), QStringLiteral("cdn"));
        QCOMPARE(requests[1].toObject().value("authorization").toString(), QString());
    }

    void metadataWhenTheCdnRefusesHead() {
        m_hub->fault({{"mode", "403"}, {"method", "HEAD"}});
        HubClient client(config());
        HubFileMeta meta;
        QString error = "pending";
        client.fileMetadata("acme/Widget-8B-GGUF", "main", "Widget-8B-Q4_K_M.gguf",
                            [&](const HubFileMeta& m, const QString& e) {
                                meta = m;
                                error = e;
                            });
        QTRY_VERIFY(error != "pending");
        QCOMPARE(error, QString());  // the hub's own answer was enough
        QCOMPARE(meta.size, qint64(100000));
        QCOMPARE(meta.sha256, m_sha);
        QCOMPARE(m_hub->requests().last().toObject().value("status").toInt(), 403);
    }

    void metadataOfMissingFile() {
        HubClient client(config());
        QString error;
        bool done = false;
        client.fileMetadata("acme/Widget-8B-GGUF", "main", "Nope.gguf",
                            [&](const HubFileMeta&, const QString& e) {
                                error = e;
                                done = true;
                            });
        QTRY_VERIFY(done);
        QVERIFY2(error.contains("HTTP 404") && error.contains("Nope.gguf"), qPrintable(error));
    }

    void offlineMakesNoRequest() {
        HubConfig c = config();
        c.networkAllowed = false;
        HubClient client(c);
        int answers = 0;
        QString searchError, listError, metaError;
        client.search("widget", 5, [&](const std::vector<HubRepo>&, const QString& e) {
            searchError = e;
            ++answers;
        });
        client.listFiles("acme/Widget-8B-GGUF", "main", [&](const std::vector<HubFile>&, const QString& e) {
            listError = e;
            ++answers;
        });
        client.fileMetadata("acme/Widget-8B-GGUF", "main", "Widget-8B-Q4_K_M.gguf",
                            [&](const HubFileMeta&, const QString& e) {
                                metaError = e;
                                ++answers;
                            });
        QCOMPARE(answers, 0);  // answered from the event loop, never from inside the call
        QTRY_COMPARE(answers, 3);
        QCOMPARE(searchError, offlineSentence());
        QCOMPARE(listError, offlineSentence());
        QCOMPARE(metaError, offlineSentence());
        QCOMPARE(m_hub->requests().size(), 0);
    }

    void destroyedClientCallsNothing() {
        bool called = false;
        {
            HubClient client(config());
            client.search("widget", 5, [&](const std::vector<HubRepo>&, const QString&) { called = true; });
        }
        QTest::qWait(200);  // nothing may arrive: there is no signal to wait for
        QVERIFY(!called);
    }

    // ---- settings -----------------------------------------------------------------------------------------

    void settings() {
        qputenv("HF_ENDPOINT", "https://hf-mirror.example/");
        QCOMPARE(HubSettings::defaultEndpoint(), QStringLiteral("https://hf-mirror.example"));
        qunsetenv("HF_ENDPOINT");
        QCOMPARE(HubSettings::defaultEndpoint(), QStringLiteral("https://huggingface.co"));

        QTemporaryDir dir;
        const QString ini = dir.filePath("lantern.ini");
        {
            HubSettings s(ini, "lantern-test-hubclienttest");
            QVERIFY(!s.networkAllowed());
            QVERIFY(!s.config().networkAllowed);
            s.setNetworkAllowed(true);
            QVERIFY(!s.setEndpoint("ftp://mirror.example"));
            QVERIFY(s.endpointError().contains("ftp://mirror.example"));
            QVERIFY(!s.setEndpoint("https://user:pw@mirror.example"));
            QVERIFY(s.setEndpoint("https://mirror.example/"));
            QCOMPARE(s.endpoint(), QStringLiteral("https://mirror.example"));
            QCOMPARE(s.config().endpoint, QUrl("https://mirror.example"));
            // The keychain answers (or, without one, refuses); either way the token is in no file.
            QSignalSpy saved(&s, &HubSettings::tokenSaved);
            QSignalSpy failed(&s, &HubSettings::keychainFailed);
            s.setToken("hf_secret_value");
            QTRY_VERIFY_WITH_TIMEOUT(saved.size() + failed.size() >= 1, 10000);
            if (!failed.isEmpty()) {
                // The refusal names the hub token, not an endpoint's API key.
                const QString sentence = failed.first().first().toString();
                QVERIFY2(sentence.contains(QStringLiteral("hub token")), qPrintable(sentence));
                QVERIFY2(!sentence.contains(QStringLiteral("API key")), qPrintable(sentence));
            }
            if (!saved.isEmpty()) {
                s.setToken(QString());  // leave the test keychain clean
                QTRY_VERIFY_WITH_TIMEOUT(saved.size() + failed.size() >= 2, 10000);
            }
        }
        HubSettings again(ini, "lantern-test-hubclienttest");
        QVERIFY(again.networkAllowed());
        QCOMPARE(again.effectiveEndpoint(), QStringLiteral("https://mirror.example"));
        QVERIFY(again.setEndpoint(QString()));
        QCOMPARE(again.effectiveEndpoint(), QStringLiteral("https://huggingface.co"));
        QFile file(ini);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QVERIFY(text.contains("[library]"));
        QVERIFY(!text.contains("hf_secret_value"));
    }
};

QTEST_MAIN(HubClientTest)
#include "hubclienttest.moc"
