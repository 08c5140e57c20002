// lantern-translate-screenshots: renders the translate view into PNGs (docs/screenshots/translate-*.png):
// light, dark, and an Arabic target (right to left), plus the file queue with a finished job. Not a test
// and not the product: the window is the real QML app with the real controllers, worker thread and store
// (in a temp dir); the model is the scripted test double, which answers in order with the translations
// below (protected tokens included, as a translation model would), and is named so in the UI.
//
//   QT_QPA_PLATFORM=offscreen lantern-translate-screenshots <out-dir>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>
#include <cstdio>

#include "storage/conversationstore.h"
#include "storage/translationstore.h"
#include "tests/ui/support/scriptedmodel.h"
#include "ui/chat/chatcontroller.h"
#include "ui/settings/appsettings.h"
#include "ui/translate/translatecontroller.h"

Q_IMPORT_QML_PLUGIN(LanternPlugin)

using namespace lantern;
using namespace lantern::ui;

namespace {

const char* kSource =
    "Lantern translates your documents without sending them anywhere. Run `lantern-cli translate --to de "
    "notes.md` to translate a file from the terminal. Placeholders such as %1 and {name} stay exactly where "
    "they belong.\n\nDrop a .po or .ts file on this window to translate a whole catalogue.";

std::vector<std::string> words(const std::string& s) {
    std::vector<std::string> out;
    size_t at = 0;
    while (at < s.size()) {
        size_t end = s.find(' ', at + 1);
        end = end == std::string::npos ? s.size() : end;
        out.push_back(s.substr(at, end - at));
        at = end;
    }
    return out;
}

QObject* find(QQuickWindow* w, const char* name) { return w->findChild<QObject*>(QString::fromLatin1(name)); }

void shot(QQuickWindow* w, const QString& dir, const QString& name) {
    QTest::qWait(500);
    const QString path = QDir(dir).filePath(name + QStringLiteral(".png"));
    std::printf("%s %s\n", w->grabWindow().save(path) ? "wrote" : "FAILED", qPrintable(path));
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char* argv[]) {
    QTemporaryDir home;
    qputenv("XDG_CONFIG_HOME", home.filePath(QStringLiteral("config")).toUtf8());
    qputenv("XDG_DATA_HOME", home.filePath(QStringLiteral("data")).toUtf8());
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("Lantern"));
    QQuickStyle::setStyle(QStringLiteral("Basic"));
    const QString out = app.arguments().value(1, QStringLiteral("."));
    QDir().mkpath(out);

    test::Script script;
    script.modelName = "Scripted preview (test double)";
    script.delay = std::chrono::milliseconds(4);
    for (const char* s : {"<x1/> übersetzt Ihre Dokumente, ohne sie irgendwohin zu senden.",
                          "Führen Sie <x1/> aus, um eine Datei im Terminal zu übersetzen.",
                          "Platzhalter wie <x1/> und <x2/> bleiben genau dort, wo sie hingehören.",
                          "Ziehen Sie eine .po- oder .ts-Datei auf dieses Fenster, um einen ganzen Katalog zu übersetzen.",
                          "يترجم <x1/> مستنداتك دون إرسالها إلى أي مكان.",
                          "شغّل <x1/> لترجمة ملف من الطرفية.",
                          "تبقى العناصر النائبة مثل <x1/> و<x2/> في مكانها تمامًا.",
                          "اسحب ملف ‎.po أو ‎.ts إلى هذه النافذة لترجمة فهرس كامل.",
                          "<x1/> löschen?", "<x1/> kopieren"})
        script.answers.push_back(words(s));
    ModelLoader loader = [&](const std::filesystem::path&, const LoadOptions&) -> Result<std::unique_ptr<Model>> {
        return std::make_unique<test::ScriptedTestModel>(script);
    };
    AppSettings* settings = AppSettings::instance();
    auto store = storage::ConversationStore::open(home.filePath(QStringLiteral("conversations.sqlite3")));
    if (!store)
        return 1;
    ChatController chat(std::move(*store), {}, settings, loader);
    ChatController::setInstance(&chat);
    TranslateController translate(chat.models(), home.filePath(QStringLiteral("conversations.sqlite3")));
    TranslateController::setInstance(&translate);
    const QString fake = home.filePath(QStringLiteral("scripted-preview.gguf"));
    {
        QFile f(fake);
        (void)f.open(QIODevice::WriteOnly);
    }
    chat.models()->load(fake);
    (void)QTest::qWaitFor([&] { return chat.models()->state() == QLatin1String("ready"); }, 10000);

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/"));
    engine.load(QUrl(QStringLiteral("qrc:/Lantern/chat/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;
    auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().first());
    window->resize(1360, 820);
    window->setProperty("mode", 1);

    translate.setSourceLanguage(QStringLiteral("en"));
    translate.setTargetLanguage(QStringLiteral("de"));
    translate.setStyle(QStringLiteral("Product documentation, friendly and clear"));
    translate.addTerm(QStringLiteral("Lantern"), {}, true);
    const auto run = [&] {
        find(window, "sourceEdit")->setProperty("text", QString::fromUtf8(kSource));
        QMetaObject::invokeMethod(find(window, "translateView"), "startTranslation");
        (void)QTest::qWaitFor([&] { return !translate.busy(); }, 20000);
    };
    settings->setTheme(QStringLiteral("light"));
    shot(window, out, QStringLiteral("translate-empty-light"));
    run();
    shot(window, out, QStringLiteral("translate-light"));
    settings->setTheme(QStringLiteral("dark"));
    shot(window, out, QStringLiteral("translate-dark"));

    settings->setTheme(QStringLiteral("light"));
    {
        auto terms = storage::TranslationStore::open(home.filePath(QStringLiteral("conversations.sqlite3")));
        storage::GlossaryTerm keep;
        keep.sourceLanguage = QStringLiteral("en");
        keep.targetLanguage = QStringLiteral("ar");
        keep.source = QStringLiteral("Lantern");
        keep.doNotTranslate = true;
        if (terms)
            (void)(*terms)->addTerm(keep);
    }
    translate.setTargetLanguage(QStringLiteral("ar"));  // translates the same text again, into Arabic
    QTest::qWait(100);
    (void)QTest::qWaitFor([&] { return !translate.busy(); }, 20000);
    shot(window, out, QStringLiteral("translate-arabic-light"));

    // A catalogue dropped on the view: a job in the queue, written beside the source.
    const QString po = home.filePath(QStringLiteral("app.po"));
    {
        QFile f(po);
        (void)f.open(QIODevice::WriteOnly);
        f.write("msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n#, c-format\nmsgid \"Delete %s?\"\n"
                "msgstr \"\"\n\n#, c-format\nmsgid \"Copy %s\"\nmsgstr \"\"\n");
    }
    translate.setTargetLanguage(QStringLiteral("de"));
    translate.addFiles({QUrl::fromLocalFile(po)});
    (void)QTest::qWaitFor([&] { return QFile::exists(home.filePath(QStringLiteral("app.de.po"))); }, 20000);
    settings->setTheme(QStringLiteral("dark"));
    shot(window, out, QStringLiteral("translate-queue-dark"));
    QMetaObject::invokeMethod(find(window, "translateView"), "focusSource");
    return 0;
}
