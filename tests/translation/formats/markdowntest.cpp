// Markdown through md4c: units of a README-like file (front matter, nested lists, task lists, a table,
// code blocks, an HTML block, links, images, emphasis, hard breaks, entities, escapes), written back byte
// for byte without translations, and with them escaped and wrapped so that md4c's own HTML renderer
// (md4c-html, an independent reference) gives the same HTML for a pass-through and the same tags for
// an upper-cased translation.
#include <QRegularExpression>
#include <QtTest>

#include "tests/translation/formats/documentsupport.h"
#include "translation/formats/formats.h"

#if LANTERN_HAVE_MD4C_HTML
#include <md4c-html.h>
#include <md4c.h>
#endif

using namespace lantern;
using namespace lantern::translation;
using namespace lantern::test::documents;

namespace {
std::unique_ptr<Document> open(const std::string& bytes) {
    auto doc = formats::openMarkdown(bytes);
    if (!doc)
        qFatal("openMarkdown: %s", doc.error().detail.c_str());
    return std::move(*doc);
}

// md4c-html's rendering with the reader's dialect (GitHub's).
std::string html(const std::string& markdown) {
#if LANTERN_HAVE_MD4C_HTML
    std::string out;
    md_html(markdown.data(), MD_SIZE(markdown.size()),
            [](const MD_CHAR* s, MD_SIZE n, void* user) { static_cast<std::string*>(user)->append(s, n); }, &out,
            MD_DIALECT_GITHUB, 0);
    return out;
#else
    QTest::qFail("md4c-html is not installed (Debian: libmd4c-html0-dev): the Markdown reference is missing",
                 __FILE__, __LINE__);
    return {};
#endif
}

// Rendered HTML with runs of white space as one space: a re-wrapped paragraph puts its line ends elsewhere.
QString flat(const std::string& h) { return q(h).replace(QRegularExpression("\\s+"), " "); }

QStringList tags(const std::string& h) {
    QStringList out;
    auto it = QRegularExpression("<(/?[a-zA-Z0-9]+)").globalMatch(q(h));
    while (it.hasNext())
        out << it.next().captured(1);
    return out;
}

// A translation that is the source itself: text and inlines exactly where they were.
std::vector<UnitTranslation> passThrough(const Document& doc) {
    std::vector<UnitTranslation> out;
    for (size_t i = 0; i < doc.units().size(); ++i)
        out.push_back(translateText(doc.units()[i], i, [](std::string_view s) { return std::string(s); }));
    return out;
}

QString inl(const Unit& u, size_t k) {
    return q(std::string_view(u.source).substr(u.inlines[k].begin, u.inlines[k].end - u.inlines[k].begin));
}
}  // namespace

class MarkdownTest : public QObject {
    Q_OBJECT
private slots:
    void units() {
        auto doc = open(dataFile("readme.md"));
        const auto& u = doc->units();
        QStringList ids;
        for (const Unit& unit : u)
            ids << q(unit.id);
        // Front matter, the fenced and the indented code block, the HTML block and the link reference
        // definition are not units.
        QCOMPARE(ids, QStringList({"h1", "p2", "q3", "h4", "li5", "li6", "li7", "li8", "li9", "li10", "li11", "li12",
                                   "li13", "h14", "th15", "th16", "th17", "td18", "td19", "td20", "td21", "td22",
                                   "td23", "p24", "p25", "h26"}));
        QCOMPARE(q(u[0].label), q("heading 1"));
        QVERIFY(!u[0].prose && u[1].prose && !u[14].prose && !u[19].prose);
        QCOMPARE(q(u[2].label), q("quote"));
        QCOMPARE(q(u[6].label), q("list item"));
        QCOMPARE(q(u[14].label), q("table header"));
        QCOMPARE(q(u[17].label), q("table cell"));
        // Soft line breaks are one space; emphasis is two pairs.
        QCOMPARE(q(u[1].source), q("Lantern is an **offline** chat and *translation* app for the desktop. It runs "
                                   "large language models on your own GPU, so your documents never leave the "
                                   "machine."));
        QCOMPARE(u[1].inlines.size(), size_t(4));
        QCOMPARE(int(u[1].inlines[0].kind), int(Inline::Kind::Open));
        QCOMPARE(int(u[1].inlines[1].kind), int(Inline::Kind::Close));
        QCOMPARE(u[1].inlines[0].pair, u[1].inlines[1].pair);
        QVERIFY(u[1].inlines[2].pair != u[1].inlines[0].pair);
        QCOMPARE(inl(u[1], 2), q("*"));
        // A quote over two lines: the "> " of the second line is not in the source. The link's URL and
        // title are its Close; an autolink is one Standalone.
        QCOMPARE(q(u[2].source), q("**Note:** this is a preview. Read the [installation guide](docs/install.md "
                                   "\"How to install\") before you start, and report problems at "
                                   "<https://example.org/issues>."));
        QCOMPARE(u[2].inlines.size(), size_t(5));
        QCOMPARE(inl(u[2], 2), q("["));
        QCOMPARE(inl(u[2], 3), q("](docs/install.md \"How to install\")"));
        QCOMPARE(int(u[2].inlines[4].kind), int(Inline::Kind::Standalone));
        QCOMPARE(inl(u[2], 4), q("<https://example.org/issues>"));
        QCOMPARE(q(u[8].source), q("A glossary per project, see [the glossary][glossary]."));
        QCOMPARE(inl(u[8], 1), q("][glossary]"));
        QCOMPARE(q(u[10].source), q("Press `Ctrl+T` to switch to translation."));
        QCOMPARE(u[10].inlines.size(), size_t(1));
        QCOMPARE(inl(u[10], 0), q("`Ctrl+T`"));  // a code span never reaches the model as text
        QCOMPARE(q(u[11].source), q("Markdown kept intact"));  // the task mark [x] stays outside
        QCOMPARE(q(u[22].source), q("entities & attributes"));  // &amp; decoded
        QVERIFY(u[22].inlines.empty());
        // The image's alt text is translated between "![" and "](src)"; the hard break and a named entity
        // other than XML's five are Standalone; "~~" is a pair.
        const Unit& p = u[23];
        QVERIFY(p.source.starts_with("![The translate view](docs/screenshot.png) Images keep their source;"));
        QCOMPARE(p.inlines.size(), size_t(6));
        QCOMPARE(inl(p, 0), q("!["));
        QCOMPARE(inl(p, 1), q("](docs/screenshot.png)"));
        QCOMPARE(inl(p, 2), q("  \n"));
        QCOMPARE(inl(p, 3), q("~~"));
        QCOMPARE(inl(p, 5), q("&nbsp;"));
        // A bare URL is Standalone, an inline HTML element a pair, escaped characters plain text.
        QCOMPARE(q(u[24].source), q("Visit https://example.org or write to <b>us</b>*today*."));
        QCOMPARE(inl(u[24], 0), q("https://example.org"));
        QCOMPARE(int(u[24].inlines[1].kind), int(Inline::Kind::Open));
        QCOMPARE(u[24].inlines[1].pair, u[24].inlines[2].pair);
        QCOMPARE(q(u[25].source), q("Setext heading"));
        QCOMPARE(q(u[25].label), q("heading 2"));
        for (const Unit& unit : u) {
            QVERIFY(unit.translatable);
            QCOMPARE(unit.placeholders, placeholder::Common);
        }
    }
    void identity() {
        const std::string bytes = dataFile("readme.md");
        auto doc = open(bytes);
        auto out = doc->write({}, {});
        QVERIFY(out);
        QVERIFY(*out == bytes);
        QVERIFY(doc->validate(*out));
        QCOMPARE(q(html(*out)), q(html(bytes)));
    }
    void passThroughRendersTheSame() {
        // Every unit written from its own source: escaped, re-wrapped, and still the same document.
        const std::string bytes = dataFile("readme.md");
        auto doc = open(bytes);
        auto out = doc->write(passThrough(*doc), {});
        QVERIFY(out);
        QVERIFY2(doc->validate(*out), "validate");
        QCOMPARE(flat(html(*out)), flat(html(bytes)));
        auto again = open(*out);
        QCOMPARE(again->units().size(), doc->units().size());
        for (size_t i = 0; i < doc->units().size(); ++i)
            QCOMPARE(q(again->units()[i].source), q(doc->units()[i].source));
        // Outside the units nothing moved: front matter, code and the HTML block are where they were.
        QVERIFY(out->starts_with("---\ntitle: Lantern\ntags: [offline, translation]\n---\n"));
        QVERIFY(out->find("```sh\nlantern-cli translate --to de README.md\n```\n\n    indented code is not "
                          "translated either\n") != std::string::npos);
        QVERIFY(out->find("<div class=\"note\">\n  An HTML block stays as it is.\n</div>") != std::string::npos);
        QVERIFY(out->ends_with("[glossary]: docs/glossary.md \"The glossary\"\n"));
    }
    void translated() {
        const std::string bytes = dataFile("readme.md");
        auto doc = open(bytes);
        auto out = doc->write(upperAll(*doc), {});
        QVERIFY(out);
        QVERIFY2(doc->validate(*out), "validate");
        auto again = open(*out);
        QCOMPARE(again->units().size(), doc->units().size());
        for (size_t i = 0; i < doc->units().size(); ++i) {
            const Unit& a = again->units()[i];
            const Unit& b = doc->units()[i];
            QCOMPARE(q(a.source), q(transformedSource(b, [](std::string_view s) { return upper(s); })));
            QCOMPARE(a.inlines.size(), b.inlines.size());
            QCOMPARE(q(a.id), q(b.id));
        }
        QCOMPARE(tags(html(*out)), tags(html(bytes)));
        // The hard-wrapped paragraphs stay wrapped at their width; the quote keeps its "> " prefix.
        QVERIFY(out->find("\nLANTERN IS AN **OFFLINE** CHAT AND *TRANSLATION* APP FOR THE DESKTOP. IT RUNS\n"
                          "LARGE LANGUAGE MODELS") != std::string::npos);
        QVERIFY(out->find("> **NOTE:** THIS IS A PREVIEW.") != std::string::npos);
        QVERIFY(out->find("\n> BEFORE YOU START") != std::string::npos ||
                out->find("\n> ") != std::string::npos);
        QVERIFY(out->find("- [x] MARKDOWN KEPT INTACT\n") != std::string::npos);
        QVERIFY(out->find("| MARKDOWN | MD4C | KEEPS `code` AND *EMPHASIS* |") != std::string::npos);
    }
    void longTranslationWrapsWithPrefix() {
        const std::string bytes = "> A quoted paragraph that a person\n> wrapped by hand at a width.\n\nEnd.\n";
        auto doc = open(bytes);
        QCOMPARE(doc->units().size(), size_t(2));
        UnitTranslation t;
        t.unit = 0;
        t.targets = {"Ein zitierter Absatz, den jemand von Hand umbrochen hat, und zwar bei einer festen Breite."};
        auto out = doc->write(std::vector{t}, {});
        QVERIFY(out);
        // The widest source line has 34 columns, its "> " included.
        QCOMPARE(q(*out), q("> Ein zitierter Absatz, den jemand\n> von Hand umbrochen hat, und zwar\n"
                            "> bei einer festen Breite.\n\nEnd.\n"));
        QVERIFY(doc->validate(*out));
        // CRLF stays CRLF.
        const std::string crlf = "A paragraph written\r\non Windows.\r\n";
        auto w = open(crlf);
        t.targets = {"Ein Absatz, unter Windows geschrieben, mit etwas mehr Text."};
        auto outCrlf = w->write(std::vector{t}, {});
        QVERIFY(outCrlf);
        QCOMPARE(q(*outCrlf), q("Ein Absatz, unter\r\nWindows\r\ngeschrieben, mit\r\netwas mehr Text.\r\n"));
    }
    void hostileTextKeepsStructure_data() {
        QTest::addColumn<int>("unit");
        QTest::addColumn<QString>("text");
        QTest::newRow("emphasis") << 0 << "2 * 3 * 4 and _under_ and **not bold** ~~nor struck~~";
        QTest::newRow("html") << 0 << "<script>alert(\"x\")</script> & &amp; &#42; <!-- --> -->";
        QTest::newRow("heading start") << 0 << "# not a heading";
        QTest::newRow("list start") << 1 << "- not a list, 1. nor this";
        QTest::newRow("plus start") << 0 << "+ not a list";
        QTest::newRow("number start") << 0 << "1. not a list";
        QTest::newRow("quote start") << 0 << "> not a quote";
        QTest::newRow("setext") << 0 << "=== no heading ---";
        QTest::newRow("link") << 0 << "[not a link](http://x) ![nor an image](y) <http://z> [ref]";
        QTest::newRow("code") << 2 << "`not code` ``` ~~~ \\ back\\slash";
        QTest::newRow("table pipe") << 5 << "a | b || c";
        QTest::newRow("heading hashes") << 7 << "Title ##";
        QTest::newRow("in a quote") << 8 << "# no > heading";
        QTest::newRow("newlines") << 0 << "line\n\n# new block?\n- item?\n\n    code?";
    }
    void hostileTextKeepsStructure() {
        QFETCH(int, unit);
        QFETCH(QString, text);
        const std::string bytes = "Intro paragraph.\n\n- item one\n- item two\n\n| a | b |\n|---|---|\n| c | d |\n\n"
                                  "# Title\n\n> quoted\n";
        auto doc = open(bytes);
        QCOMPARE(doc->units().size(), size_t(9));
        for (const Unit& u : doc->units())
            QVERIFY(u.inlines.empty());
        UnitTranslation t;
        t.unit = size_t(unit);
        t.targets = {text.toStdString()};
        auto out = doc->write(std::vector{t}, {});
        QVERIFY(out);
        auto ok = doc->validate(*out);
        QVERIFY2(ok, ok ? "" : ok.error().detail.c_str());
        QCOMPARE(tags(html(*out)), tags(html(bytes)));
        auto again = open(*out);
        // The text reads back as the text itself: every markup character was escaped. Line breaks
        // in a translation are spaces.
        QString expected = text;
        expected.replace('\n', ' ');
        QCOMPARE(q(again->units()[size_t(unit)].source), expected.trimmed());
        QVERIFY(again->units()[size_t(unit)].inlines.empty());
    }
    void movedInlinesAndSpaces() {
        auto doc = open("Say **hello** to [the world](https://x.org \"t\").\n");
        const Unit& u = doc->units()[0];
        QCOMPARE(u.inlines.size(), size_t(4));
        // A translation that moves the link first and puts spaces inside the emphasis.
        UnitTranslation t;
        t.unit = 0;
        const std::string target = "[Welt](https://x.org \"t\") sag ** hallo ** !";
        const size_t close = target.find("](");
        const size_t open1 = target.find("**");
        const size_t close1 = target.find("**", open1 + 2);
        t.targets = {target};
        t.targetInlines = {{{0, 1, Inline::Kind::Open, 2, 2},
                            {close, target.find(") ") + 1, Inline::Kind::Close, 2, 3},
                            {open1, open1 + 2, Inline::Kind::Open, 1, 0},
                            {close1, close1 + 2, Inline::Kind::Close, 1, 1}}};
        auto out = doc->write(std::vector{t}, {});
        QVERIFY(out);
        QCOMPARE(q(*out), q("[Welt](https://x.org \"t\") sag **hallo** !\n"));
        QCOMPARE(q(html(*out)), q("<p><a href=\"https://x.org\" title=\"t\">Welt</a> sag <strong>hallo</strong> !</p>\n"));
        // Inlines that lie outside the target are refused.
        t.targetInlines = {{{30, 99, Inline::Kind::Standalone, -1, 0}}};
        QVERIFY(!doc->write(std::vector{t}, {}));
    }
    void blocksThatAreNotUnits() {
        const std::string bytes = "```\ncode\n```\n\n<!-- comment -->\n\n[ref]: http://x\n\n![](empty.png)\n\n`only code`\n";
        auto doc = open(bytes);
        QCOMPARE(doc->units().size(), size_t(0));
        QVERIFY(*doc->write({}, {}) == bytes);
        // An unclosed front matter is no front matter: md4c reads a rule and a paragraph.
        auto fm = open("---\ntitle: x\n\ntext\n");
        QCOMPARE(fm->units().size(), size_t(2));
    }
    void garbage() {
        auto bad = formats::openMarkdown("# Title\n\nok \xC3\x28 bad");
        QVERIFY(!bad);
        QCOMPARE(int(bad.error().code), int(Errc::FormatInvalid));
        QVERIFY(bad.error().detail.find("line 3, column 4") != std::string::npos);
        QVERIFY(!formats::openMarkdown(std::string("\x89PNG\r\n\x1a\n\0\0", 10)));
        checkTruncations(dataFile("readme.md"), [](const std::string& b) { return formats::openMarkdown(b); });
        // Unbalanced markup of every kind parses and writes back.
        for (const char* s : {"**a *b", "[a](b", "`a", "<b>a", "a\\", "![a](", "- [ ] ", "| a |\n|-", "&#x;", "~~a~"}) {
            auto doc = formats::openMarkdown(s);
            QVERIFY(doc);
            QVERIFY(*(*doc)->write({}, {}) == s);
            auto up = (*doc)->write(upperAll(**doc), {});
            QVERIFY(up);
            QVERIFY2((*doc)->validate(*up), s);
        }
    }
    void validateCatchesStructureChanges() {
        const std::string bytes = dataFile("readme.md");
        auto doc = open(bytes);
        std::string broken = bytes;
        broken.replace(broken.find("```sh"), 5, "```py");
        QVERIFY(!doc->validate(broken));
        std::string plain = bytes;
        plain.erase(plain.find("## Features"), 3);  // the heading becomes a paragraph
        QVERIFY(!doc->validate(plain));
        std::string flatter = bytes;
        flatter.erase(flatter.find("  - Markdown, HTML"), 2);  // a nested item becomes one of the outer list
        QVERIFY(!doc->validate(flatter));
    }
};

QTEST_GUILESS_MAIN(MarkdownTest)
#include "markdowntest.moc"
