#include "tests/fuzz/markdown/markdownentry.h"

#include <QGuiApplication>
#include <QTextBlock>
#include <QTextDocument>
#include <QUrl>
#include <QVariantMap>
#include <algorithm>

#include "ui/chat/messageformatter.h"

namespace lantern::fuzz {

namespace {

// QTextDocument's Markdown reader asks the font database for the fixed-pitch font: it needs a GUI
// application, made once (offscreen: no display is needed) and never destroyed: destroyed by a static's
// destructor at exit it would outlive Qt's own statics and crash.
void ensureApplication() {
    if (QCoreApplication::instance())
        return;
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    static int argc = 1;
    static char name[] = "markdown-fuzzer";
    static char* argv[] = {name, nullptr};
    new QGuiApplication(argc, argv);
}

void check(bool invariant) {
    if (!invariant)
        __builtin_trap();
}

void checkNoForeignImage(const QString& html) {
    QTextDocument doc;
    doc.setHtml(html);
    for (QTextBlock b = doc.begin(); b.isValid(); b = b.next())
        for (auto it = b.begin(); !it.atEnd(); ++it)
            if (it.fragment().charFormat().isImageFormat())
                check(QUrl(it.fragment().charFormat().toImageFormat().name()).scheme() == QLatin1String("qrc"));
}

qsizetype checkSegments(const QString& content) {
    const QVariantList segments = lantern::ui::MessageFormatter::segments(content);
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const QVariantMap s = segments[i].toMap();
        const QString kind = s.value(QStringLiteral("kind")).toString();
        if (kind == QLatin1String("code")) {
            check(content.contains(s.value(QStringLiteral("code")).toString()));
            check(s.value(QStringLiteral("closed")).toBool() || i == segments.size() - 1);
            continue;
        }
        check(kind == QLatin1String("text") || (kind == QLatin1String("think") && i == 0));
        check(s.contains(QStringLiteral("html")));
        checkNoForeignImage(s.value(QStringLiteral("html")).toString());
    }
    // The visible answer is a part of the content.
    const QString visible = lantern::ui::MessageFormatter::withoutThinking(content);
    check(visible.isEmpty() || content.contains(visible));
    return segments.size();
}

}  // namespace

bool runMarkdown(const uint8_t* data, size_t size) {
    ensureApplication();
    const QString content = QString::fromUtf8(reinterpret_cast<const char*>(data), qsizetype(size));
    const qsizetype whole = checkSegments(content);
    // As the answer streams: three cuts, the last one inside the final few characters.
    for (qsizetype cut : {content.size() / 3, content.size() * 2 / 3, content.size() - std::min<qsizetype>(3, content.size())})
        if (cut > 0 && cut < content.size())
            checkSegments(content.left(cut));
    return whole > 0;
}

}  // namespace lantern::fuzz
