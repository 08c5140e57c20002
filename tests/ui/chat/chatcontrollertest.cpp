// ChatController with its view models, against a real ConversationStore in a temp dir and the real
// InferenceWorker thread. Text comes from the scripted test double (tests/ui/support/scriptedmodel.h);
// what is checked is what the controller makes of it: rows, branches, stored state, search, undo.
// Every model is watched by QAbstractItemModelTester for the whole test.
#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "inference/vulkan/gpu.h"
#include "service/engine/engineprocess.h"
#include "storage/conversationstore.h"
#include "tests/support/testenv.h"
#include "tests/ui/support/queuedspy.h"
#include "tests/ui/support/scriptedmodel.h"
#include "tests/ui/support/userdirs.h"
#include "ui/chat/chatcontroller.h"
#include "ui/settings/appsettings.h"

using namespace lantern;
using namespace lantern::ui;

namespace {
std::vector<std::string> words(int n, const char* stem) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i)
        out.push_back(QStringLiteral("%1%2 ").arg(QLatin1String(stem)).arg(i).toStdString());
    return out;
}
QString joined(const std::vector<std::string>& pieces) {
    QString s;
    for (const auto& p : pieces)
        s += QString::fromStdString(p);
    return s;
}
}  // namespace

class ChatControllerTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    test::Script m_script;
    std::unique_ptr<ChatController> m_controller;
    AppSettings* m_settings = nullptr;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;
    bool m_failLoad = false;
    ModelLoader m_loader;  // instead of the scripted model when set

    QString dbPath() const { return m_dir.filePath(QStringLiteral("conversations.sqlite3")); }

    void makeController(test::Script script) {
        m_script = script;
        auto store = storage::ConversationStore::open(dbPath());
        QVERIFY(store.has_value());
        m_settings = new AppSettings(this);
        m_settings->setSystemPrompt({});
        const bool failLoad = m_failLoad;
        m_controller = std::make_unique<ChatController>(
            std::move(*store), QString(), m_settings,
            m_loader ? m_loader
            : [script, failLoad](const std::filesystem::path& p, const LoadOptions&) -> Result<std::unique_ptr<Model>> {
                if (failLoad)
                    return fail(Errc::OutOfDeviceMemory, "Loading " + p.filename().string() + " needs 6.1 GB; 3.8 GB are free.");
                return std::make_unique<test::ScriptedTestModel>(script);
            });
        using Mode = QAbstractItemModelTester::FailureReportingMode;
        m_testers.push_back(std::make_unique<QAbstractItemModelTester>(m_controller->messages(), Mode::QtTest));
        m_testers.push_back(std::make_unique<QAbstractItemModelTester>(m_controller->conversations(), Mode::QtTest));
        m_testers.push_back(std::make_unique<QAbstractItemModelTester>(m_controller->searchResults(), Mode::QtTest));
        const QString modelFile = m_dir.filePath(QStringLiteral("scripted.gguf"));
        QFile::remove(modelFile);
        if (m_loader) {  // a real engine: a real model file under the same name
            QVERIFY(QFile::copy(QString::fromStdString((test::dataDir() / "models" / "tiny-llama-q8_0.gguf").string()),
                                modelFile));
        } else {
            QFile f(modelFile);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.close();
        }
        m_controller->models()->load(modelFile);
        QTRY_VERIFY_WITH_TIMEOUT(m_controller->models()->state() != QLatin1String("loading"), 5000);
    }

    // Sends and waits for the stored end of the answer.
    bool sendAndWait(const QString& text) {
        QSignalSpy done(m_controller.get(), &ChatController::answerFinished);
        if (!m_controller->send(text))
            return false;
        return done.wait(10000);
    }
    QString rowContent(int row) const {
        return m_controller->messages()->data(m_controller->messages()->index(row), MessageModel::ContentRole).toString();
    }
    QVariant rowData(int row, int role) const {
        return m_controller->messages()->data(m_controller->messages()->index(row), role);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        // Settings, data and models of this test stay in the temp dir.
        test::keepUserDirsIn(m_dir);
    }
    void cleanup() {
        m_testers.clear();
        m_controller.reset();
        delete m_settings;
        m_settings = nullptr;
        m_failLoad = false;
        m_loader = {};
        QFile::remove(dbPath());
        QFile::remove(dbPath() + QStringLiteral("-wal"));
        QFile::remove(dbPath() + QStringLiteral("-shm"));
    }

    void sendStreamsAndStores() {
        test::Script script;
        script.pieces = words(40, "tok");
        script.delay = std::chrono::milliseconds(15);
        makeController(script);
        QCOMPARE(m_controller->models()->state(), QStringLiteral("ready"));
        QSignalSpy done(m_controller.get(), &ChatController::answerFinished);
        QVERIFY(m_controller->send(QStringLiteral("Hello there\nsecond line")));
        QVERIFY(m_controller->generating());
        QCOMPARE(m_controller->currentTitle(), QStringLiteral("Hello there"));
        QCOMPARE(m_controller->messages()->rowCount(), 2);
        QCOMPARE(rowData(1, MessageModel::StateRole).toString(), QStringLiteral("streaming"));
        // The context gauge counts the question while the answer streams (an estimate: the model is busy),
        // and no late count of the empty chat from before overwrites it.
        QVERIFY(m_controller->draftTokens() >= 5);
        QTest::qWait(100);
        QVERIFY(m_controller->draftTokens() >= 5);

        // Mid-answer, a second connection (as after a crash) already sees part of the text on disk.
        QTest::qWait(450);
        {
            auto reader = storage::ConversationStore::open(dbPath(), {.recoverStreaming = false});
            QVERIFY(reader.has_value());
            auto path = (*reader)->activePath(m_controller->currentConversationId());
            QVERIFY(path.has_value());
            QCOMPARE(path->size(), 2);
            QCOMPARE(path->at(1).state, storage::MessageState::Streaming);
            QVERIFY(!path->at(1).content.isEmpty());
            QVERIFY(joined(script.pieces).startsWith(path->at(1).content));
        }
        QVERIFY(done.wait(10000));
        QVERIFY(!m_controller->generating());
        QCOMPARE(rowContent(1), joined(script.pieces));
        QCOMPARE(rowData(1, MessageModel::StateRole).toString(), QStringLiteral("complete"));
        QVERIFY(rowData(1, MessageModel::StatsTextRole).toString().contains(QStringLiteral("40")));

        auto stored = m_controller->store()->activePath(m_controller->currentConversationId());
        QVERIFY(stored.has_value());
        QCOMPARE(stored->at(0).role, storage::Role::User);
        QCOMPARE(stored->at(0).content, QStringLiteral("Hello there\nsecond line"));
        QCOMPARE(stored->at(1).content, joined(script.pieces));
        QCOMPARE(stored->at(1).state, storage::MessageState::Complete);
        QCOMPARE(stored->at(1).stats.generatedTokens, 40);
        // The model was asked exactly the user's words.
        QCOMPARE(m_script.seen->size(), size_t(1));
        QCOMPARE(m_script.seen->back().size(), size_t(1));
        QCOMPARE(QString::fromStdString(m_script.seen->back()[0].content), QStringLiteral("Hello there\nsecond line"));
        QCOMPARE(m_controller->conversations()->rowCount(), 1);
    }

    void stopIsImmediateAndKeepsThePartialAnswer() {
        test::Script script;
        script.pieces = words(500, "w");
        script.delay = std::chrono::milliseconds(5);
        makeController(script);
        test::QueuedSpy text(m_controller->models()->worker(), &InferenceWorker::textArrived);
        QVERIFY(m_controller->send(QStringLiteral("Tell me a long story")));
        QVERIFY(text.waitFor(2));
        m_controller->stop();
        QVERIFY(!m_controller->generating());  // at once, not when the worker gets round to it
        const QString partial = rowContent(1);
        QCOMPARE(rowData(1, MessageModel::StateRole).toString(), QStringLiteral("cancelled"));
        QTest::qWait(150);  // text already on its way must not reach the stopped answer
        QCOMPARE(rowContent(1), partial);
        auto stored = m_controller->store()->activePath(m_controller->currentConversationId());
        QCOMPARE(stored->at(1).state, storage::MessageState::Cancelled);
        QCOMPARE(stored->at(1).content, partial);
        QVERIFY(!partial.isEmpty());
        QVERIFY(joined(script.pieces).startsWith(partial));
        QVERIFY(partial.size() < joined(script.pieces).size());
    }

    // The engine process stops under an answer (a lost device, injected into the real lantern-engine): the chat
    // keeps what streamed, marks it interrupted with the sentence, and Retry (regenerate) answers beside it from
    // the restarted engine.
    void engineStopKeepsTheAnswerAndRetryWorks() {
        m_loader = [](const std::filesystem::path& path, const LoadOptions& options) {
            LoadOptions cpu = options;
            cpu.device = "cpu";
            cpu.threads = 1;
            service::EngineProcessOptions process;
            process.program = QStringLiteral(LANTERN_ENGINE_PROGRAM);
            process.fault = QStringLiteral("device-lost:3");
            return service::loadInEngineProcess(path, cpu, process);
        };
        makeController({});
        QCOMPARE(m_controller->models()->state(), QStringLiteral("ready"));
        m_settings->setMaxAnswerTokens(12);
        QVERIFY(sendAndWait(QStringLiteral("Hello")));
        QCOMPARE(rowData(1, MessageModel::StateRole).toString(), QStringLiteral("interrupted"));
        const QString sentence = rowData(1, MessageModel::ErrorTextRole).toString();
        QVERIFY2(sentence.startsWith(QStringLiteral("The GPU driver stopped responding")) &&
                     sentence.endsWith(QStringLiteral("Lantern restarted the engine. Retry?")),
                 qPrintable(sentence));
        const QString partial = rowContent(1);
        QVERIFY(!partial.isEmpty());
        const qint64 interrupted = rowData(1, MessageModel::MessageIdRole).toLongLong();
        auto stored = m_controller->store()->message(interrupted);
        QCOMPARE(stored->state, storage::MessageState::Interrupted);
        QCOMPARE(stored->content, partial);
        QCOMPARE(stored->errorText, sentence);
        QVERIFY(!m_controller->generating());

        QSignalSpy done(m_controller.get(), &ChatController::answerFinished);
        m_controller->regenerate(interrupted);
        QVERIFY(done.wait(20000));
        QCOMPARE(rowData(1, MessageModel::StateRole).toString(), QStringLiteral("complete"));
        QVERIFY(!rowContent(1).isEmpty());
        QCOMPARE(rowData(1, MessageModel::SiblingCountRole).toInt(), 2);
        QCOMPARE(m_controller->store()->message(interrupted)->content, partial);  // the interrupted one is kept
    }

    void regenerateAndEditMakeBranches() {
        test::Script script;
        script.pieces = {"An ", "answer."};
        makeController(script);
        QVERIFY(sendAndWait(QStringLiteral("First question")));
        const qint64 answerId = rowData(1, MessageModel::MessageIdRole).toLongLong();

        QSignalSpy done(m_controller.get(), &ChatController::answerFinished);
        m_controller->regenerate(answerId);
        QVERIFY(done.wait(10000));
        QCOMPARE(rowData(1, MessageModel::SiblingCountRole).toInt(), 2);
        QCOMPARE(rowData(1, MessageModel::SiblingIndexRole).toInt(), 2);
        QVERIFY(rowData(1, MessageModel::MessageIdRole).toLongLong() != answerId);
        m_controller->switchSibling(rowData(1, MessageModel::MessageIdRole).toLongLong(), -1);
        QCOMPARE(rowData(1, MessageModel::MessageIdRole).toLongLong(), answerId);
        QCOMPARE(rowData(1, MessageModel::SiblingIndexRole).toInt(), 1);

        const qint64 questionId = rowData(0, MessageModel::MessageIdRole).toLongLong();
        m_controller->editMessage(questionId, QStringLiteral("Second question"));
        QVERIFY(done.wait(10000));
        QCOMPARE(m_controller->messages()->rowCount(), 2);
        QCOMPARE(rowContent(0), QStringLiteral("Second question"));
        QCOMPARE(rowData(0, MessageModel::SiblingCountRole).toInt(), 2);
        QCOMPARE(rowData(0, MessageModel::SiblingIndexRole).toInt(), 2);
        QCOMPARE(rowContent(1), QStringLiteral("An answer."));
        // The new branch's request carried only the edited question, not the old branch.
        const auto& last = m_script.seen->back();
        QCOMPARE(last.size(), size_t(1));
        QCOMPARE(QString::fromStdString(last[0].content), QStringLiteral("Second question"));
        // Back to the first question: its answers (two versions) are still there.
        m_controller->switchSibling(rowData(0, MessageModel::MessageIdRole).toLongLong(), -1);
        QCOMPARE(rowContent(0), QStringLiteral("First question"));
        QCOMPARE(rowData(1, MessageModel::SiblingCountRole).toInt(), 2);
    }

    void followUpCarriesHistoryAndSystemPrompt() {
        test::Script script;
        script.pieces = {"<think>hmm</think>", "Paris."};
        makeController(script);
        m_settings->setSystemPrompt(QStringLiteral("Be brief."));
        QVERIFY(sendAndWait(QStringLiteral("Capital of France?")));
        QVERIFY(sendAndWait(QStringLiteral("And of Italy?")));
        const auto& last = m_script.seen->back();
        QCOMPARE(last.size(), size_t(4));
        QCOMPARE(QString::fromStdString(last[0].role), QStringLiteral("system"));
        QCOMPARE(QString::fromStdString(last[0].content), QStringLiteral("Be brief."));
        QCOMPARE(QString::fromStdString(last[2].role), QStringLiteral("assistant"));
        QCOMPARE(QString::fromStdString(last[2].content), QStringLiteral("Paris."));  // reasoning not sent back
        QCOMPARE(QString::fromStdString(last[3].content), QStringLiteral("And of Italy?"));
        QCOMPARE(m_controller->messages()->rowCount(), 4);
    }

    void deleteUndoRenamePinArchive() {
        test::Script script;
        script.pieces = {"ok"};
        makeController(script);
        QVERIFY(sendAndWait(QStringLiteral("Alpha")));
        const qint64 alpha = m_controller->currentConversationId();
        m_controller->newConversation();
        QCOMPARE(m_controller->messages()->rowCount(), 0);
        QVERIFY(sendAndWait(QStringLiteral("Beta")));
        const qint64 beta = m_controller->currentConversationId();
        ConversationListModel* list = m_controller->conversations();
        QCOMPARE(list->rowCount(), 2);
        QCOMPARE(list->rowOf(beta), 0);  // newest first

        m_controller->setPinned(alpha, true);
        QCOMPARE(list->rowOf(alpha), 0);
        QCOMPARE(list->data(list->index(0), ConversationListModel::SectionRole).toString(), QStringLiteral("Pinned"));
        QCOMPARE(list->data(list->index(1), ConversationListModel::SectionRole).toString(), QStringLiteral("Today"));

        m_controller->renameConversation(alpha, QStringLiteral("  Renamed   one "));
        QCOMPARE(list->data(list->index(list->rowOf(alpha)), ConversationListModel::TitleRole).toString(),
                 QStringLiteral("Renamed one"));

        m_controller->deleteConversation(beta);
        QCOMPARE(list->rowCount(), 1);
        QCOMPARE(m_controller->currentConversationId(), 0);
        QVERIFY(m_controller->undoText().contains(QStringLiteral("Beta")));
        m_controller->undoDelete();
        QCOMPARE(list->rowCount(), 2);
        QVERIFY(m_controller->undoText().isEmpty());
        QCOMPARE(m_controller->currentConversationId(), beta);
        QCOMPARE(rowContent(0), QStringLiteral("Beta"));

        m_controller->setArchived(beta, true);
        QCOMPARE(list->rowCount(), 1);
        m_controller->setShowArchived(true);
        QCOMPARE(list->rowCount(), 1);
        QCOMPARE(list->rowOf(beta), 0);
    }

    void searchFindsAndJumps() {
        test::Script script;
        script.pieces = {"Nothing ", "special."};
        makeController(script);
        QVERIFY(sendAndWait(QStringLiteral("Where do axolotls live?")));
        const qint64 first = m_controller->currentConversationId();
        QVERIFY(sendAndWait(QStringLiteral("Second turn")));
        m_controller->newConversation();
        QVERIFY(sendAndWait(QStringLiteral("Unrelated")));
        m_controller->search(QStringLiteral("axolotl"));
        SearchResultModel* hits = m_controller->searchResults();
        QVERIFY(hits->rowCount() >= 1);
        const QModelIndex hit = hits->index(hits->rowCount() - 1);
        QCOMPARE(hits->data(hit, SearchResultModel::ConversationIdRole).toLongLong(), first);
        QVERIFY(hits->data(hit, SearchResultModel::SnippetHtmlRole).toString().contains(QStringLiteral("<b>")));
        QSignalSpy jump(m_controller.get(), &ChatController::jumpRequested);
        m_controller->openSearchHit(first, hits->data(hit, SearchResultModel::MessageIdRole).toLongLong());
        QCOMPARE(m_controller->currentConversationId(), first);
        QCOMPARE(jump.size(), 1);
        QCOMPARE(jump.first().at(0).toInt(), 0);  // the question is the first row
        m_controller->search(QString());
        QCOMPARE(hits->rowCount(), 0);
    }

    // The model library says where each file would go before it is loaded: the engine's memory plan for the
    // device and context in the settings, worked out in the background; a file that is no model says why.
    void libraryShowsWhereEachModelWouldGo() {
        if (!gpu::Context::pick({}))
            QSKIP("no Vulkan device on this machine (the plan needs the device's memory)");
        makeController({});
        const QString folder = m_dir.filePath(QStringLiteral("library"));
        QVERIFY(QDir().mkpath(folder));
        for (const char* name : {"tiny-qwen3moe-f16.gguf", "tiny-llama-q8_0.gguf"})
            QVERIFY(QFile::copy(QString::fromStdString((test::dataDir() / "models" / name).string()),
                                folder + QLatin1Char('/') + QLatin1String(name)));
        QFile broken(folder + QStringLiteral("/broken.gguf"));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("GGUF but not really a model file");
        broken.close();
        m_settings->setContextSize(128);  // under the synthetic files' trained 256
        m_settings->setModelFolder(folder);
        ModelManager* models = m_controller->models();
        const auto entry = [&](const QString& file) {
            for (const QVariant& e : models->library())
                if (e.toMap().value(QStringLiteral("fileName")).toString() == file)
                    return e.toMap();
            return QVariantMap{};
        };
        const auto allPlanned = [&] {
            const QVariantList library = models->library();
            return library.size() == 3 && std::none_of(library.begin(), library.end(), [](const QVariant& e) {
                       return e.toMap().value(QStringLiteral("planState")) == QStringLiteral("planning");
                   });
        };
        QTRY_VERIFY_WITH_TIMEOUT(allPlanned(), 20000);
        for (const char* name : {"tiny-qwen3moe-f16.gguf", "tiny-llama-q8_0.gguf"}) {
            const QVariantMap e = entry(QLatin1String(name));
            QCOMPARE(e.value(QStringLiteral("planState")).toString(), QStringLiteral("fits"));
            const QString text = e.value(QStringLiteral("planText")).toString();
            QVERIFY2(text.startsWith(QStringLiteral("Fits on ")) && text.contains(QStringLiteral(" 128 tokens of context")),
                     qPrintable(text));
        }
        const QVariantMap bad = entry(QStringLiteral("broken.gguf"));
        QCOMPARE(bad.value(QStringLiteral("planState")).toString(), QStringLiteral("error"));
        QVERIFY2(bad.value(QStringLiteral("planText")).toString().contains(QStringLiteral("broken.gguf")),
                 qPrintable(bad.value(QStringLiteral("planText")).toString()));
    }

    void firstRunSaysWhereAModelComesFrom() {
        makeController({});
        ModelManager* models = m_controller->models();
        QTemporaryDir folder;
        m_settings->setModelFolder(folder.path());
        m_settings->setModelPath(QString());
        models->start();
        const QString none = models->firstRunNotice();
        QVERIFY2(none.contains(QDir::toNativeSeparators(folder.path())), qPrintable(none));
        QVERIFY2(none.contains(QStringLiteral("never downloads")) && none.contains(QStringLiteral("Hugging Face")) &&
                     none.contains(QStringLiteral("GGUF")),
                 qPrintable(none));
        models->dismissFirstRunNotice();
        QCOMPARE(models->firstRunNotice(), QString());
        // The default model in the folder: chosen, and the notice says what it is.
        QFile model(folder.filePath(QStringLiteral("gemma-3-270m-q4_k_m.gguf")));
        QVERIFY(model.open(QIODevice::WriteOnly));
        model.close();
        m_settings->setModelPath(QString());
        models->start();
        QVERIFY2(models->firstRunNotice().contains(QStringLiteral("Gemma 3 270M")), qPrintable(models->firstRunNotice()));
        QTRY_COMPARE_WITH_TIMEOUT(models->state(), QStringLiteral("ready"), 5000);
        QCOMPARE(QFileInfo(models->modelPath()).fileName(), QStringLiteral("gemma-3-270m-q4_k_m.gguf"));
    }

    void loadFailureIsASentenceAndSendStillWorks() {
        m_failLoad = true;
        makeController({});
        ModelManager* models = m_controller->models();
        QCOMPARE(models->state(), QStringLiteral("error"));
        QVERIFY(models->errorText().contains(QStringLiteral("graphics memory")));
        QVERIFY(models->errorText().contains(QStringLiteral("3.8 GB are free")));
        QVERIFY(sendAndWait(QStringLiteral("Anyone there?")));
        QCOMPARE(rowData(1, MessageModel::StateRole).toString(), QStringLiteral("error"));
        QVERIFY(rowData(1, MessageModel::ErrorTextRole).toString().contains(QStringLiteral("No model is loaded")));
        auto stored = m_controller->store()->activePath(m_controller->currentConversationId());
        QCOMPARE(stored->at(1).state, storage::MessageState::Error);
    }

    void sectionsByDate() {
        const QDateTime now(QDate(2026, 3, 15), QTime(12, 0));
        auto at = [](QDate d) {
            storage::Conversation c;
            c.updated = QDateTime(d, QTime(9, 0));
            return c;
        };
        QCOMPARE(ConversationListModel::sectionFor(at(QDate(2026, 3, 15)), now), QStringLiteral("Today"));
        QCOMPARE(ConversationListModel::sectionFor(at(QDate(2026, 3, 14)), now), QStringLiteral("Yesterday"));
        QCOMPARE(ConversationListModel::sectionFor(at(QDate(2026, 3, 9)), now), QStringLiteral("Previous 7 days"));
        QCOMPARE(ConversationListModel::sectionFor(at(QDate(2026, 2, 20)), now), QStringLiteral("Previous 30 days"));
        QVERIFY(ConversationListModel::sectionFor(at(QDate(2025, 12, 1)), now).contains(QStringLiteral("2025")));
    }
};

QTEST_MAIN(ChatControllerTest)
#include "chatcontrollertest.moc"
