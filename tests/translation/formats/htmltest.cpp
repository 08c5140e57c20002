// HTML: the units of a hand-written page (text runs of blocks, the human attributes, the title and the
// page description; never scripts, styles, <pre>, <code>, <kbd> or what is marked translate="no"), the
// page written back byte for byte, and a translated page read by html5lib (htmlcheck.py beside the data:
// the WHATWG algorithm in Python, independent of gumbo) node for node against its source.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/translation/formats/documentsupport.h"
#include "translation/formats/formats.h"

using namespace lantern;
using namespace lantern::translation;
using namespace lantern::test::documents;

namespace {
std::unique_ptr<Document> open(const std::string& bytes) {
    auto doc = formats::openHtml(bytes);
    if (!doc)
        qFatal("openHtml: %s", doc.error().detail.c_str());
    return std::move(*doc);
}

const Unit& unit(const Document& doc, std::string_view source) {
    for (const Unit& u : doc.units())
        if (u.source == source)
            return u;
    qFatal("no unit %s", std::string(source).c_str());
}

bool has(const Document& doc, std::string_view needle) {
    for (const Unit& u : doc.units())
        if (u.source.find(needle) != std::string::npos)
            return true;
    return false;
}

// htmlcheck.py's verdict on a written page: its output, or a failure with its message.
QString check(const std::string& source, const std::string& written, QStringList extra = {}) {
    QTemporaryDir dir;
    for (auto [name, bytes] : {std::pair{"source.html", &source}, std::pair{"written.html", &written}}) {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly) ||
            f.write(bytes->data(), qint64(bytes->size())) != qint64(bytes->size()))
            qFatal("cannot write %s", name);
    }
    const QString script =
        QString::fromStdString((lantern::test::dataDir() / "translation/documents/htmlcheck.py").string());
    QProcess p;
    p.start("/usr/bin/python3",
            QStringList{script, dir.filePath("source.html"), dir.filePath("written.html")} + extra);
    if (!p.waitForFinished(60000))
        qFatal("htmlcheck.py did not finish");
    const QString out = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    if (p.exitCode() != 0)
        return "MISMATCH " + out + QString::fromUtf8(p.readAllStandardError());
    return out;
}
}  // namespace

class HtmlTest : public QObject {
    Q_OBJECT
private slots:
    void units() {
        auto doc = open(dataFile("page.html"));
        const auto& u = doc->units();
        QCOMPARE(u.size(), size_t(26));
        QCOMPARE(q(u[0].source), q("Lantern \u2013 offline translation"));  // &ndash; decoded
        QCOMPARE(q(u[0].label), q("title"));
        QCOMPARE(q(u[1].source), q("Translate documents on your own machine."));
        QCOMPARE(q(u[1].label), q("page description"));
        // A paragraph's lines are joined as a browser shows them; its inline tags are inlines.
        const Unit& p =
            unit(*doc,
                 "Lantern translates your files on your own computer. Nothing is sent to a server, "
                 "and placeholders such as {name} or %s are kept.");
        QCOMPARE(q(p.label), q("paragraph"));
        QVERIFY(p.prose);
        const Unit& guide = unit(*doc,
                                 "Read the <a href=\"https://example.org/guide\">user guide</a> or press "
                                 "<kbd>Ctrl+T</kbd> to begin. Fish & chips cost <\u00a05\u20ac \u00a9 2026.");
        QCOMPARE(guide.inlines.size(), size_t(3));
        QCOMPARE(int(guide.inlines[0].kind), int(Inline::Kind::Open));
        QCOMPARE(int(guide.inlines[1].kind), int(Inline::Kind::Close));
        QCOMPARE(guide.inlines[0].pair, guide.inlines[1].pair);
        QCOMPARE(int(guide.inlines[2].kind), int(Inline::Kind::Standalone));  // <kbd> and its text, whole
        QCOMPARE(q(unit(*doc, "Back to the start page").label), q("title attribute"));
        QCOMPARE(q(unit(*doc, "The translate view with two panes").context), q("img alt"));
        QCOMPARE(q(unit(*doc, "Type a word").label), q("placeholder"));
        QCOMPARE(q(unit(*doc, "Search").label), q("aria-label"));
        QCOMPARE(q(unit(*doc, "Find it").label), q("button text"));  // a submit button's value, single-quoted
        QCOMPARE(q(unit(*doc, "Cancel the search").label), q("button"));
        QCOMPARE(q(unit(*doc, "Gettext catalogue").label), q("table cell"));
        QCOMPARE(q(unit(*doc, "Supported formats").label), q("table caption"));
        // A div's own text around a nested paragraph: three units in document order.
        QVERIFY(unit(*doc, "A paragraph inside the div.").id < unit(*doc, "And text after it.").id ||
                u.back().source == "And text after it.");
        // Never units: scripts, styles, comments, <pre>, code, opted-out elements, other attributes.
        for (const char* kept :
             {"greeting", "color", "navigation is", "lantern-cli translate", "Lantern Studio",
              "Do not translate", "Default style", "style.css", "shot.png"})
            QVERIFY2(!has(*doc, kept) || std::string_view(kept) == "shot.png", kept);
        QCOMPARE(q(unit(*doc, "Run <code>lantern --help</code> to list the options.").label), q("paragraph"));
        for (const Unit& x : u) {
            QVERIFY(x.translatable);
            QVERIFY(!x.id.empty());
            QCOMPARE(x.placeholders, placeholder::Common);
        }
        QCOMPARE(q(doc->sourceLanguage()), q(""));
    }
    void identity() {
        for (const std::string& bytes :
             {dataFile("page.html"), "\xEF\xBB\xBF" + dataFile("page.html"),
              std::string("<p>No html, head or body tags.</p>\n"), std::string()}) {
            auto doc = open(bytes);
            auto out = doc->write({}, {});
            QVERIFY(out);
            QVERIFY(*out == bytes);
            QVERIFY(doc->validate(*out));
        }
        auto bom = open("\xEF\xBB\xBF" + dataFile("page.html"));
        QCOMPARE(q(bom->units()[0].source), q("Lantern \u2013 offline translation"));  // the BOM is not text
    }
    void translatedPageReadsBack() {
        const std::string bytes = dataFile("page.html");
        auto doc = open(bytes);
        WriteOptions options;
        options.targetLanguage = "ar";
        auto out = doc->write(upperAll(*doc), options);
        QVERIFY(out);
        QVERIFY2(doc->validate(*out), "validate");
        // html5lib: the same tree; texts and readable attributes upper-cased; the rest equal; lang and dir
        // set.
        const QString verdict = check(bytes, *out, {"ar", "rtl"});
        QVERIFY2(!verdict.startsWith("MISMATCH"), qPrintable(verdict));
        qInfo("html5lib: %s", qPrintable(verdict));
        QVERIFY2(verdict.contains("32 changed texts") && verdict.contains("7 changed attributes"),
                 qPrintable(verdict));
        // The second opinion sees what a broken writer would do: a changed link, a kept text, a lost lang.
        std::string href = *out;
        href.replace(href.find("/docs"), 5, "/doc");
        QVERIFY(check(bytes, href, {"ar", "rtl"}).contains("MISMATCH"));
        QVERIFY(check(bytes, bytes).contains("MISMATCH"));
        QVERIFY(check(bytes, *out, {"fa"}).contains("MISMATCH"));
        QVERIFY(out->starts_with("<!DOCTYPE html>\n<html dir=\"rtl\" lang=\"ar\">\n<head>"));
        // Bytes outside units are the source's: the script, the <pre>, the comment, the stylesheet link.
        for (const char* same : {"<script>var greeting = \"Hello, world\"; if (a < b) {}</script>",
                                 "<pre>\n  $ lantern-cli translate --to de guide.md\n  </pre>",
                                 "<!-- navigation is translated, the comment is not -->",
                                 "<link rel=\"stylesheet\" href=\"style.css\" title=\"Default style\">",
                                 "<li class=\"notranslate\">Lantern Studio Pro</li>", "<kbd>Ctrl+T</kbd>"})
            QVERIFY2(out->find(same) != std::string::npos, same);
        // Entities the reader decoded are escaped again where HTML needs it.
        QVERIFY(out->find("FISH &amp; CHIPS COST &lt;\u00a05\u20ac \u00a9 2026.") != std::string::npos);
        // The alt text of an image inside a translated paragraph is translated in the paragraph's tag.
        QVERIFY(out->find("<img src=\"shot.png\" alt=\"THE TRANSLATE VIEW WITH TWO PANES\"> A SCREENSHOT") !=
                std::string::npos);
        QVERIFY(out->find("value='FIND IT'") != std::string::npos);  // its quote kept
        // Only some units translated: the others keep their bytes, whatever the neighbours became.
        std::vector<UnitTranslation> some = upperAll(*doc);
        some.erase(some.begin() + 1, some.end());
        auto partial = doc->write(some, {});
        QVERIFY(partial);
        QVERIFY(partial->find("<title>LANTERN \u2013 OFFLINE TRANSLATION</title>") != std::string::npos);
        QCOMPARE(partial->size(),
                 bytes.size() - std::string_view("&ndash;").size() + std::string_view("\u2013").size());
    }
    void languageAttributes() {
        auto doc = open("<html><body><p>Hello</p></body></html>");
        WriteOptions options;
        options.targetLanguage = "de";
        auto out = doc->write({}, options);
        QVERIFY(out);
        QCOMPARE(q(*out), q("<html lang=\"de\"><body><p>Hello</p></body></html>"));
        auto rtl = open("<html dir=ltr lang='en'><p>Hello</p></html>");
        options.targetLanguage = "he";
        QCOMPARE(q(*rtl->write({}, options)), q("<html dir=\"rtl\" lang=\"he\"><p>Hello</p></html>"));
        options.targetLanguage = "fr";
        QCOMPARE(q(*rtl->write({}, options)), q("<html dir=\"ltr\" lang=\"fr\"><p>Hello</p></html>"));
        // No <html> tag in the file: nothing is added around a fragment.
        auto fragment = open("<p>Hello</p>");
        QCOMPARE(q(*fragment->write({}, options)), q("<p>Hello</p>"));
    }
    void hostileTranslations() {
        const std::string bytes = "<p title=\"Tip\">Save <b>now</b>.</p><input placeholder='Name'>";
        auto doc = open(bytes);
        QCOMPARE(doc->units().size(), size_t(3));
        std::vector<UnitTranslation> t(3);
        for (size_t i = 0; i < 3; ++i)
            t[i].unit = i;
        // Markup-like text and quotes in a translation are text, not tags: escaped.
        // The paragraph's title comes first (a container's attributes before its text), then its text.
        t[0].targets = {"say \"hi\" & <go>"};
        t[1] = translateText(doc->units()[1], 1, [](std::string_view s) {
            return s == "Save " ? std::string("<script>alert(1)</script> & ") : std::string(s);
        });
        t[2].targets = {"l'utilisateur"};
        auto out = doc->write(t, {});
        QVERIFY(out);
        QCOMPARE(
            q(*out),
            q("<p title=\"say &quot;hi&quot; &amp; &lt;go&gt;\">&lt;script&gt;alert(1)&lt;/script&gt; &amp; "
              "<b>now</b>.</p><input placeholder='l&#39;utilisateur'>"));
        QVERIFY(doc->validate(*out));
        auto again = open(*out);
        QCOMPARE(q(again->units()[1].source), q("<script>alert(1)</script> & <b>now</b>."));
        QCOMPARE(q(again->units()[0].source), q("say \"hi\" & <go>"));
        QCOMPARE(q(again->units()[2].source), q("l'utilisateur"));
        // Unknown units are refused.
        t.resize(1);
        t[0].unit = 7;
        QVERIFY(!doc->write(t, {}));
    }
    void repairedMarkup() {
        // Misnested tags gumbo repairs: a run it rebuilt keeps its bytes; the rest of the page is translated,
        // and the written page has no more parse errors than the source.
        const std::string bytes =
            "<p>A <b>bold <i>both</b> italic</i> run.</p><p>Clean "
            "paragraph.</p><table><tr>x<td>cell</td></tr></table>";
        auto doc = open(bytes);
        QVERIFY(has(*doc, "Clean paragraph."));
        auto out = doc->write(upperAll(*doc), {});
        QVERIFY(out);
        QVERIFY2(doc->validate(*out), out->c_str());
        QVERIFY(out->find("CLEAN PARAGRAPH.") != std::string::npos);
        QVERIFY(out->find("<td>CELL</td>") != std::string::npos);
        QVERIFY(out->starts_with("<p>A <b>bold <i>both</b> italic</i> run.</p>"));  // kept, byte for byte
    }
    void garbage() {
        auto bad = formats::openHtml("<p>fine</p>\n<p>\xFF\xFE</p>");
        QVERIFY(!bad);
        QCOMPARE(int(bad.error().code), int(Errc::FormatInvalid));
        QVERIFY(!formats::openHtml(std::string("PK\x03\x04\0\0", 6)));
        checkTruncations(
            dataFile("page.html"), [](const std::string& b) { return formats::openHtml(b); }, 7);
    }
};

QTEST_GUILESS_MAIN(HtmlTest)
#include "htmltest.moc"
