// LibraryController against a fake hub on loopback (loopbackhub.h), with a test catalogue, the real download
// queue, models folder scans, and ModelManager loading through the scripted test double:
//  - offline, nothing reaches the hub: search and download refuse with the offline sentence and the hub
//  counts
//    no request;
//  - every catalogue quantization gets a fit state (planned, unknown without a shape, unsupported with a
//  reason);
//  - allowing the network, a catalogue download ends in a model listed on this computer, its quantization
//  marked
//    installed, the model menu listing it, and "Load now" loading it (then it has a last use);
//  - a hub search lists repositories, their GGUF files grouped (a split set as one model), and downloads one;
//  - a download in progress says its size, speed and time left; pause, cancel (of a waiting one) and resume;
//  - import (copy and link), delete (refused for the model in use), and moving the models folder.
// Every list model runs under QAbstractItemModelTester.
#include <QAbstractItemModelTester>
#include <QDir>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "service/library/hubsettings.h"
#include "tests/ui/library/libraryfixture.h"
#include "tests/ui/support/scriptedmodel.h"
#include "tests/ui/support/userdirs.h"
#include "ui/library/librarycontroller.h"
#include "ui/library/modelmanager.h"
#include "ui/settings/appsettings.h"

using namespace lantern;
using namespace lantern::ui;

class LibraryControllerTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    test::LoopbackHub m_hub;
    QByteArray m_gguf;
    AppSettings* m_settings = nullptr;
    std::unique_ptr<ModelManager> m_models;
    std::unique_ptr<LibraryController> m_library;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;

    QString models() const { return m_dir.filePath(QStringLiteral("models")); }

    void makeLibrary() {
        m_testers.clear();
        m_library.reset();
        LibrarySetup setup;
        setup.catalogue = test::testCatalogue(m_hub, m_gguf);
        setup.hubSettingsFile = m_dir.filePath(QStringLiteral("hub.ini"));
        setup.keychainService = QStringLiteral("lantern-librarycontrollertest");
        service::HubConfig config;
        config.endpoint = m_hub.endpoint();
        config.stallTimeoutMs = 3000;
        config.maxRetries = 1;
        config.retryDelayMs = 50;
        setup.hubConfig = config;
        m_library = std::make_unique<LibraryController>(m_models.get(), m_settings, std::move(setup));
        for (QAbstractItemModel* model :
             std::initializer_list<QAbstractItemModel*>{m_library->catalogue(), m_library->downloads(),
                                                        m_library->localModels(), m_library->hubSearch()})
            m_testers.push_back(std::make_unique<QAbstractItemModelTester>(
                model, QAbstractItemModelTester::FailureReportingMode::QtTest));
    }

    // The row of the local model whose file is `fileName`, or -1.
    int localRow(const QString& fileName) const {
        LocalModelsModel* local = m_library->localModels();
        for (int i = 0; i < local->rowCount(); ++i)
            if (local->data(local->index(i), LocalModelsModel::FileNameRole).toString() == fileName)
                return i;
        return -1;
    }
    QVariant localData(const QString& fileName, int role) const {
        const int row = localRow(fileName);
        return row < 0 ? QVariant()
                       : m_library->localModels()->data(m_library->localModels()->index(row), role);
    }
    QVariantMap quant(int row, int index = 0) const {
        CatalogueModel* c = m_library->catalogue();
        return c->data(c->index(row), CatalogueModel::QuantsRole).toList().value(index).toMap();
    }
    bool rescanned() {
        QSignalSpy scanned(m_library.get(), &LibraryController::localModelsScanned);
        m_library->refreshLocal();
        return scanned.wait(5000);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        test::keepUserDirsIn(m_dir);
        QVERIFY(QDir().mkpath(models()));
        m_settings = AppSettings::instance();
        m_settings->setModelFolder(models());
        m_settings->setDevice(QStringLiteral("cpu"));  // the plans need no GPU
        m_gguf = test::tinyGguf();
        test::Script script;
        m_models = std::make_unique<ModelManager>(
            m_settings,
            [script](const std::filesystem::path&, const LoadOptions&) -> Result<std::unique_ptr<Model>> {
                return std::make_unique<test::ScriptedTestModel>(script);
            });
        makeLibrary();
    }

    void cleanupTestCase() {
        m_testers.clear();
        m_library.reset();
        m_models.reset();
    }

    void offlineMakesNoRequest() {
        QVERIFY(!m_library->networkAllowed());
        QCOMPARE(m_library->offlineText(), service::offlineSentence());
        m_library->search(QStringLiteral("tiny"));
        QCOMPARE(m_library->searchError(), service::offlineSentence());
        QVERIFY(!m_library->download(QStringLiteral("tiny-chat"), QStringLiteral("F32")));
        QVERIFY(m_library->statusIsError());
        QVERIFY2(!m_library->statusText().isEmpty(), "a refused download says why");
        m_library->listFiles(QStringLiteral("test/Tiny-Chat-GGUF"));
        QTest::qWait(300);
        QCOMPARE(m_hub.requests, 0);
        QCOMPARE(m_library->downloads()->rowCount(), 0);
        QVERIFY(m_library->endpointHost().startsWith(QStringLiteral("127.0.0.1:")));
    }

    void everyQuantizationHasAFitState() {
        if (m_library->planning()) {
            QSignalSpy planned(m_library.get(), &LibraryController::fitsPlanned);
            QVERIFY(planned.wait(30000));
        }
        CatalogueModel* c = m_library->catalogue();
        QCOMPARE(c->rowCount(), 3);
        const QStringList planned{QStringLiteral("fits"), QStringLiteral("offloaded"),
                                  QStringLiteral("too-big")};
        const QVariantMap tiny = quant(0);
        QVERIFY2(planned.contains(tiny.value(QStringLiteral("state")).toString()),
                 qPrintable(tiny.value(QStringLiteral("state")).toString() + QLatin1Char(' ') +
                            tiny.value(QStringLiteral("fitText")).toString()));
        QVERIFY(!tiny.value(QStringLiteral("badge")).toString().isEmpty());
        QVERIFY(!tiny.value(QStringLiteral("fitText")).toString().isEmpty());
        if (tiny.value(QStringLiteral("state")) == QStringLiteral("fits"))
            QVERIFY(tiny.value(QStringLiteral("badge")).toString().startsWith(QStringLiteral("Fits on ")));
        for (int q = 0; q < 2; ++q)
            QCOMPARE(quant(1, q).value(QStringLiteral("state")).toString(), QStringLiteral("unknown"));
        QCOMPARE(quant(1, 1).value(QStringLiteral("quant")).toString(), QStringLiteral("Q8_0"));
        QCOMPARE(quant(2).value(QStringLiteral("state")).toString(), QStringLiteral("unsupported"));
        QCOMPARE(c->data(c->index(2), CatalogueModel::SupportedRole).toBool(), false);
        QVERIFY(c->data(c->index(2), CatalogueModel::UnsupportedReasonRole)
                    .toString()
                    .contains(QStringLiteral("futurearch")));
        // The context size is part of the plan: changing it plans again.
        QSignalSpy replanned(m_library.get(), &LibraryController::fitsPlanned);
        m_settings->setContextSize(m_settings->contextSize() == 2048 ? 4096 : 2048);
        QVERIFY(m_library->planning());
        QVERIFY(replanned.wait(30000));
        QVERIFY(planned.contains(quant(0).value(QStringLiteral("state")).toString()));
    }

    void catalogueDownloadEndsInALocalModel() {
        QSignalSpy hubChanged(m_library.get(), &LibraryController::hubChanged);
        m_library->setNetworkAllowed(true);
        QVERIFY(m_library->networkAllowed());
        QVERIFY(!hubChanged.isEmpty());
        QSignalSpy finished(m_library.get(), &LibraryController::finishedChanged);
        QVERIFY2(m_library->download(QStringLiteral("tiny-chat"), QStringLiteral("F32")),
                 qPrintable(m_library->statusText()));
        QCOMPARE(m_library->downloads()->rowCount(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(!m_library->finishedPath().isEmpty(), 20000);
        DownloadsModel* d = m_library->downloads();
        QCOMPARE(d->data(d->index(0), DownloadsModel::StateRole).toString(), QStringLiteral("done"));
        QCOMPARE(d->data(d->index(0), DownloadsModel::ProgressRole).toDouble(), 1.0);
        QVERIFY(m_hub.requests > 0);
        const QString path = m_library->finishedPath();
        QCOMPARE(QFileInfo(path).fileName(), QStringLiteral("tiny-chat-F32.gguf"));
        QCOMPARE(QFileInfo(path).size(), m_gguf.size());
        QVERIFY(m_library->finishedName().contains(QStringLiteral("Tiny Chat")));
        // Listed on this computer, marked in the catalogue, and in the model menu.
        QTRY_VERIFY_WITH_TIMEOUT(localRow(QStringLiteral("tiny-chat-F32.gguf")) >= 0, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(quant(0).value(QStringLiteral("installed")).toBool(), 5000);
        QVERIFY(!quant(0).value(QStringLiteral("downloading")).toBool());
        bool inMenu = false;
        for (const QVariant& entry : m_models->library())
            inMenu |= entry.toMap().value(QStringLiteral("fileName")) == QStringLiteral("tiny-chat-F32.gguf");
        QVERIFY(inMenu);
        QCOMPARE(
            localData(QStringLiteral("tiny-chat-F32.gguf"), LocalModelsModel::LastUsedTextRole).toString(),
            QStringLiteral("Never"));
        QCOMPARE(localData(QStringLiteral("tiny-chat-F32.gguf"), LocalModelsModel::ErrorRole).toString(),
                 QString());
        // "Load now": loads it, and its last use is today.
        m_library->loadFinished();
        QVERIFY(m_library->finishedPath().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(m_models->isReady(), 10000);
        QCOMPARE(m_models->modelPath(), path);
        QTRY_VERIFY_WITH_TIMEOUT(
            localData(QStringLiteral("tiny-chat-F32.gguf"), LocalModelsModel::LastUsedTextRole)
                .toString()
                .startsWith(QStringLiteral("Today")),
            5000);
        QVERIFY(localData(QStringLiteral("tiny-chat-F32.gguf"), LocalModelsModel::LoadedRole).toBool());
    }

    void hubSearchListsGroupedFilesAndDownloads() {
        QVERIFY(m_library->networkAllowed());
        const test::GgufWriter split = test::syntheticModel({});
        QTemporaryDir parts;
        auto written = split.writeSplit(
            std::filesystem::path(parts.filePath(QStringLiteral("split-F32")).toStdString()), 2);
        QVERIFY(written.has_value());
        for (const std::filesystem::path& p : *written) {
            QFile f(QString::fromStdString(p.string()));
            QVERIFY(f.open(QIODevice::ReadOnly));
            m_hub.addFile(QStringLiteral("someone/Split-GGUF"), QFileInfo(f.fileName()).fileName(),
                          f.readAll(), 5000);
        }
        m_hub.addFile(QStringLiteral("someone/Split-GGUF"), QStringLiteral("README.md"), "# readme");
        QSignalSpy searched(m_library.get(), &LibraryController::searchChanged);
        m_library->search(QStringLiteral("split"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_library->searching(), 5000);
        QCOMPARE(m_library->searchError(), QString());
        HubSearchModel* s = m_library->hubSearch();
        QCOMPARE(s->rowCount(), 1);
        QCOMPARE(s->data(s->index(0), HubSearchModel::RepoIdRole).toString(),
                 QStringLiteral("someone/Split-GGUF"));
        QVERIFY(s->data(s->index(0), HubSearchModel::StatsTextRole)
                    .toString()
                    .contains(QLocale().toString(5000)));
        m_library->listFiles(QStringLiteral("someone/Split-GGUF"));
        QCOMPARE(s->data(s->index(0), HubSearchModel::FilesStateRole).toString(), QStringLiteral("listing"));
        QTRY_COMPARE_WITH_TIMEOUT(s->data(s->index(0), HubSearchModel::FilesStateRole).toString(),
                                  QStringLiteral("listed"), 5000);
        const QVariantList files = s->data(s->index(0), HubSearchModel::FilesRole).toList();
        QCOMPARE(files.size(), 1);  // the two parts are one model; the README is no model
        QCOMPARE(files[0].toMap().value(QStringLiteral("files")).toStringList().size(), 2);
        QVERIFY(files[0]
                    .toMap()
                    .value(QStringLiteral("filesText"))
                    .toString()
                    .contains(QStringLiteral("2 parts")));
        QVERIFY(m_library->downloadHubFiles(QStringLiteral("someone/Split-GGUF"), 0));
        QVERIFY(!m_library->downloadHubFiles(QStringLiteral("someone/Split-GGUF"), 5));
        QTRY_VERIFY_WITH_TIMEOUT(
            QFileInfo(m_library->finishedPath()).fileName().startsWith(QStringLiteral("split-F32-00001")),
            20000);
        QTRY_VERIFY_WITH_TIMEOUT(localRow(QStringLiteral("split-F32-00001-of-00002.gguf")) >= 0, 5000);
        QCOMPARE(localData(QStringLiteral("split-F32-00001-of-00002.gguf"), LocalModelsModel::FilesCountRole)
                     .toInt(),
                 2);
        m_library->dismissFinished();
    }

    void pauseResumeAndCancel() {
        QVERIFY(m_library->networkAllowed());
        QByteArray big(3 << 20, 'x');
        big.replace(0, 4, "GGUF");
        m_hub.addFile(QStringLiteral("someone/Slow-GGUF"), QStringLiteral("slow-Q4_K_M.gguf"), big);
        m_hub.addFile(QStringLiteral("someone/Slow-GGUF"), QStringLiteral("slow-Q8_0.gguf"), big);
        m_hub.bytesPerSecond = 1 << 20;
        m_library->search(QStringLiteral("slow"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_library->searching() && m_library->hubSearch()->rowCount() == 1, 5000);
        m_library->listFiles(QStringLiteral("someone/Slow-GGUF"));
        QTRY_VERIFY_WITH_TIMEOUT(m_library->hubSearch()->files(QStringLiteral("someone/Slow-GGUF"), 1), 5000);
        DownloadsModel* d = m_library->downloads();
        const int before = d->rowCount();
        QVERIFY(m_library->downloadHubFiles(QStringLiteral("someone/Slow-GGUF"), 0));
        QVERIFY(m_library->downloadHubFiles(QStringLiteral("someone/Slow-GGUF"), 1));
        QCOMPARE(d->rowCount(), before + 2);
        QCOMPARE(d->activeCount(), 2);
        const auto row = [&](const QString& name) {
            for (int i = 0; i < d->rowCount(); ++i)
                if (d->data(d->index(i), DownloadsModel::NameRole).toString().contains(name))
                    return i;
            return -1;
        };
        const auto value = [&](const QString& name, int role) { return d->data(d->index(row(name)), role); };
        // In progress: a fraction, a size, a speed and a time left, in words.
        QTRY_VERIFY_WITH_TIMEOUT(value(QStringLiteral("Q4_K_M"), DownloadsModel::ProgressRole).toDouble() > 0.1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!value(QStringLiteral("Q4_K_M"), DownloadsModel::SpeedTextRole).toString().isEmpty(),
                                 5000);
        QVERIFY(value(QStringLiteral("Q4_K_M"), DownloadsModel::SizeTextRole).toString().contains(QStringLiteral(" of ")));
        QCOMPARE(value(QStringLiteral("Q8_0"), DownloadsModel::StateRole).toString(), QStringLiteral("queued"));
        const QString first = value(QStringLiteral("Q4_K_M"), DownloadsModel::JobIdRole).toString();
        m_library->pause(first);
        QTRY_COMPARE_WITH_TIMEOUT(value(QStringLiteral("Q4_K_M"), DownloadsModel::StateRole).toString(),
                                  QStringLiteral("paused"), 5000);
        QCOMPARE(value(QStringLiteral("Q4_K_M"), DownloadsModel::SpeedTextRole).toString(), QString());
        // The waiting one cancelled: gone from the list, nothing left of it on disk.
        m_library->cancel(value(QStringLiteral("Q8_0"), DownloadsModel::JobIdRole).toString());
        QTRY_VERIFY_WITH_TIMEOUT(row(QStringLiteral("Q8_0")) < 0, 5000);
        m_hub.bytesPerSecond = 0;
        QVERIFY(m_library->resume(first));
        QTRY_COMPARE_WITH_TIMEOUT(value(QStringLiteral("Q4_K_M"), DownloadsModel::StateRole).toString(),
                                  QStringLiteral("done"), 20000);
        QVERIFY(QFileInfo::exists(QDir(models()).filePath(QStringLiteral("slow-Q4_K_M.gguf"))));
        QVERIFY(!QFileInfo::exists(QDir(models()).filePath(QStringLiteral("slow-Q8_0.gguf"))));
        QCOMPARE(d->activeCount(), 0);
        m_library->remove(first);
        QTRY_VERIFY_WITH_TIMEOUT(row(QStringLiteral("Q4_K_M")) < 0, 5000);
        m_library->dismissFinished();
    }

    void importCopyAndLinkThenDelete() {
        QTemporaryDir elsewhere;
        const QString source = elsewhere.filePath(QStringLiteral("imported-F32.gguf"));
        QVERIFY(test::writeFile(source, test::tinyGguf(2)));
        QSignalSpy busy(m_library.get(), &LibraryController::busyChanged);
        m_library->importModel(QUrl::fromLocalFile(source), false);
        QVERIFY(m_library->busy());
        QTRY_VERIFY_WITH_TIMEOUT(!m_library->busy(), 10000);
        QVERIFY2(!m_library->statusIsError(), qPrintable(m_library->statusText()));
        QTRY_VERIFY_WITH_TIMEOUT(localRow(QStringLiteral("imported-F32.gguf")) >= 0, 5000);
        QVERIFY(!localData(QStringLiteral("imported-F32.gguf"), LocalModelsModel::IsLinkRole).toBool());
        QVERIFY(QFileInfo::exists(source));  // a copy leaves the original

        const QString linkSource = elsewhere.filePath(QStringLiteral("linked-F32.gguf"));
        QVERIFY(test::writeFile(linkSource, test::tinyGguf(3)));
        m_library->importModel(QUrl::fromLocalFile(linkSource), true);
        QTRY_VERIFY_WITH_TIMEOUT(!m_library->busy(), 10000);
        QVERIFY2(!m_library->statusIsError(), qPrintable(m_library->statusText()));
        QTRY_VERIFY_WITH_TIMEOUT(localRow(QStringLiteral("linked-F32.gguf")) >= 0, 5000);
        QVERIFY(localData(QStringLiteral("linked-F32.gguf"), LocalModelsModel::IsLinkRole).toBool());

        // Not a model: refused with a sentence, nothing added.
        const QString junk = elsewhere.filePath(QStringLiteral("junk.gguf"));
        QVERIFY(test::writeFile(junk, "not a gguf file at all"));
        const int before = m_library->localModels()->rowCount();
        m_library->importModel(QUrl::fromLocalFile(junk), false);
        QTRY_VERIFY_WITH_TIMEOUT(!m_library->busy(), 10000);
        QVERIFY(m_library->statusIsError());
        QVERIFY(rescanned());
        QCOMPARE(m_library->localModels()->rowCount(), before);

        // Delete: the model in use is refused; another goes, from disk and from the list.
        const QString inUse = m_models->modelPath();
        m_library->deleteModel(inUse);
        QVERIFY(m_library->statusIsError());
        QVERIFY(QFileInfo::exists(inUse));
        const QString imported =
            localData(QStringLiteral("imported-F32.gguf"), LocalModelsModel::PathRole).toString();
        m_library->deleteModel(imported);
        QTRY_VERIFY_WITH_TIMEOUT(localRow(QStringLiteral("imported-F32.gguf")) < 0, 5000);
        QVERIFY(!QFileInfo::exists(imported));
        QVERIFY(!m_library->statusIsError());
        const QString linked =
            localData(QStringLiteral("linked-F32.gguf"), LocalModelsModel::PathRole).toString();
        m_library->deleteModel(linked);
        QTRY_VERIFY_WITH_TIMEOUT(localRow(QStringLiteral("linked-F32.gguf")) < 0, 5000);
        QVERIFY(QFileInfo::exists(linkSource));  // deleting a link leaves the file it pointed to
    }

    void movingTheModelsFolder() {
        QTemporaryDir target;
        const QString to = target.filePath(QStringLiteral("moved"));
        QVERIFY(QDir().mkpath(to));
        const int before = m_library->localModels()->rowCount();
        QVERIFY(before > 0);
        m_library->moveModelsFolder(QUrl::fromLocalFile(to));
        QVERIFY(m_library->busy());
        QTRY_VERIFY_WITH_TIMEOUT(!m_library->busy(), 20000);
        QVERIFY2(!m_library->statusIsError(), qPrintable(m_library->statusText()));
        QCOMPARE(QDir::cleanPath(m_settings->modelFolder()), QDir::cleanPath(to));
        QCOMPARE(m_library->modelsDir(), m_settings->modelFolder());
        QTRY_COMPARE_WITH_TIMEOUT(m_library->localModels()->rowCount(), before, 5000);
        QVERIFY(QFileInfo::exists(QDir(to).filePath(QStringLiteral("tiny-chat-F32.gguf"))));
        QVERIFY(!QFileInfo::exists(QDir(models()).filePath(QStringLiteral("tiny-chat-F32.gguf"))));
        // The model in use moved too: the next start opens it from the new folder.
        QCOMPARE(m_settings->modelPath(), QDir(to).filePath(QStringLiteral("tiny-chat-F32.gguf")));
        // The download queue follows the folder.
        QCOMPARE(m_library->downloadManager()->modelsDir(), m_settings->modelFolder());
        m_settings->setModelFolder(models());
    }

    void offAgainRefuses() {
        const int before = m_hub.requests;
        m_library->setNetworkAllowed(false);
        QVERIFY(!m_library->networkAllowed());
        m_library->search(QStringLiteral("tiny"));
        QCOMPARE(m_library->searchError(), service::offlineSentence());
        QTest::qWait(200);
        QCOMPARE(m_hub.requests, before);
    }
};

QTEST_MAIN(LibraryControllerTest)
#include "librarycontrollertest.moc"
