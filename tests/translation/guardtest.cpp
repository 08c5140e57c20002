// The placeholder guard: what becomes a token, how mangled tokens are recovered, and that restoring
// gives back the source's bytes where the model kept the tokens.
#include <QtTest>

#include "tests/support/testenv.h"
#include "translation/guard.h"

using namespace lantern::translation;
using lantern::translation::guard::Masked;

namespace {
Masked mask(std::string_view s, uint32_t kinds, std::vector<Inline> inlines = {}, std::vector<std::string> keep = {}) {
    return guard::protect(s, inlines, kinds, keep);
}
QString q(const std::string& s) { return QString::fromStdString(s); }
}  // namespace

class GuardTest : public QObject {
    Q_OBJECT
private slots:
    void printfPlaceholders_data() {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("masked");
        QTest::newRow("s d") << "Copied %s of %d files" << "Copied <x1/> of <x2/> files";
        QTest::newRow("positional") << "%1$s by %2$s" << "<x1/> by <x2/>";
        QTest::newRow("width and length") << "%-5.2f%% and %lu" << "<x1/><x2/> and <x3/>";
        QTest::newRow("python named") << "%(count)d items" << "<x1/> items";
        QTest::newRow("gettext PRI") << "read %<PRIu64> bytes" << "read <x1/> bytes";
        QTest::newRow("prose percent") << "50% off today" << "50% off today";
        QTest::newRow("prose percent at end") << "up 5%." << "up 5%.";
    }
    void printfPlaceholders() {
        QFETCH(QString, source);
        QFETCH(QString, masked);
        const Masked m = mask(source.toStdString(), placeholder::Printf);
        QCOMPARE(q(m.text), masked);
        // Restoring the masked text itself gives the source back, byte for byte.
        QCOMPARE(q(guard::restore(m.text, m).text), source);
    }

    void qtPlaceholdersAndAccelerators() {
        const uint32_t kinds = placeholder::Qt | placeholder::Markup | placeholder::Accelerators;
        const Masked m = mask("&Open %1 of %n file(s) && <b>more</b>", kinds);
        QCOMPARE(q(m.text), QString("Open <x1/> of <x2/> file(s) <x3/> <g4>more</g4>"));
        QCOMPARE(m.acceleratorMarker, char32_t('O'));
        // The accelerator goes back before the same letter at a word's start, else before the first letter.
        auto back = [&](const char* translation) { return q(guard::restore(translation, m).text); };
        QCOMPARE(back("<x1/> von <x2/> Datei(en) <x3/> <g4>mehr</g4> öffnen"),
                 QString("%1 &von %n Datei(en) && <b>mehr</b> öffnen"));
        QCOMPARE(back("Ouvrir <x1/> sur <x2/> <x3/> <g4>plus</g4>"), QString("&Ouvrir %1 sur %n && <b>plus</b>"));
        QCOMPARE(back("<x1/> der <x2/> offen <x3/> <g4>m</g4>"), QString("%1 der %n &offen && <b>m</b>"));
    }

    void markupPairsAndEntities() {
        const Masked m = mask("Click <a href=\"x.html\">here</a> &amp; <br/>see <i>this</b>", placeholder::Markup);
        // <a>…</a> pair; &amp; and <br/> fixed codes; <i> never closed and </b> never opened: fixed codes.
        QCOMPARE(q(m.text), QString("Click <g1>here</g1> <x2/> <x3/>see <x4/>this<x5/>"));
        QCOMPARE(m.tokens[0].original, std::string("<a href=\"x.html\">"));
        QCOMPARE(m.tokens[0].kind, Inline::Kind::Open);
        QCOMPARE(m.tokens[1].kind, Inline::Kind::Close);
    }

    void bracesUrlsCode() {
        const uint32_t kinds = placeholder::Common;
        const Masked m = mask("Hi {name}, see https://example.org/a_(b). Run `make -j2` with {{count}} or ${HOME}; "
                              "mail me@example.com. {# items} stays.", kinds);
        QCOMPARE(q(m.text), QString("Hi <x1/>, see <x2/>. Run <x3/> with <x4/> or <x5/>; mail <x6/>. {# items} stays."));
        QCOMPARE(m.tokens[1].original, std::string("https://example.org/a_(b)"));
        QCOMPARE(m.tokens[5].original, std::string("me@example.com"));
    }

    void formatInlinesComeFirst() {
        // A reader's inlines (here: Markdown's ** pair and a code span) keep their pair ids as tokens.
        std::string s = "Use **bold** and `x %s`";
        std::vector<Inline> in{{4, 6, Inline::Kind::Open, 7, -1}, {10, 12, Inline::Kind::Close, 7, -1},
                               {17, 23, Inline::Kind::Standalone, -1, -1}};
        const Masked m = mask(s, placeholder::Printf | placeholder::InlineCode, in);
        QCOMPARE(q(m.text), QString("Use <g1>bold</g1> and <x2/>"));  // %s inside the code span is not seen twice
        QCOMPARE(m.tokens[0].origin, 0);
        QCOMPARE(m.tokens[2].origin, 2);
        const auto r = guard::restore("Nimm <x2/> und <g1>fett</g1>", m);
        QCOMPARE(q(r.text), QString("Nimm `x %s` und **fett**"));
        QCOMPARE(r.inlines.size(), size_t(3));
        QCOMPARE(r.inlines[0].origin, 2);
        QCOMPARE(r.text.substr(r.inlines[1].begin, r.inlines[1].end - r.inlines[1].begin), std::string("**"));
        QCOMPARE(r.inlines[1].kind, Inline::Kind::Open);
    }

    void keepTermsAndLookalikes() {
        const Masked m = mask("Lantern runs <x1/> on Lanterns", 0, {}, {"Lantern"});
        // The source's own "<x1/>" text is protected, and "Lanterns" is not the term.
        QCOMPARE(q(m.text), QString("<x1/> runs <x2/> on Lanterns"));
        QCOMPARE(m.tokens[1].original, std::string("<x1/>"));
    }

    void mangledTokensRecovered() {
        const Masked m = mask("Delete %s from <b>%s</b>?", placeholder::Printf | placeholder::Markup);
        QCOMPARE(q(m.text), QString("Delete <x1/> from <g2><x3/></g2>?"));
        for (const char* mangled : {"Lösche < x1 /> aus <G2><X3/></G2>?", "Lösche ＜x1／＞ aus &lt;g2&gt;<x3 />&lt;/g2&gt;?",
                                    "Lösche \\<x1/\\> aus <g2><x3/></g 2>?"}) {
            const std::string n = guard::normalizeTokens(mangled, m);
            QVERIFY2(guard::inspect(n, m).ok(), mangled);
            QCOMPARE(q(guard::restore(n, m).text), QString("Lösche %s aus <b>%s</b>?"));
        }
    }

    void inspectReportsEveryFault() {
        const Masked m = mask("%s and <b>%s</b>", placeholder::Printf | placeholder::Markup);
        QCOMPARE(q(m.text), QString("<x1/> and <g2><x3/></g2>"));
        auto r = guard::inspect("<x1/> und <g2></g2>", m);
        QCOMPARE(r.missing, std::vector<std::string>{"<x3/>"});
        r = guard::inspect("<x1/> <x1/> und <g2><x3/></g2>", m);
        QCOMPARE(r.duplicated, std::vector<std::string>{"<x1/>"});
        r = guard::inspect("<x1/> und </g2><x3/><g2> <x9/>", m);
        QCOMPARE(r.misnested, std::vector<std::string>{"</g2>"});
        QCOMPARE(r.unknown, std::vector<std::string>{"<x9/>"});
        QVERIFY(!r.describe().empty());
        QVERIFY(guard::inspect("<g2><x3/></g2> und <x1/>", m).ok());  // reordering is allowed
    }

    void previewDropsHalfTokens() {
        const Masked m = mask("Open %s now", placeholder::Printf);
        QCOMPARE(q(guard::preview("Öffne <x1/> jetzt", m)), QString("Öffne %s jetzt"));
        QCOMPARE(q(guard::preview("Öffne <x", m)), QString("Öffne "));
    }

    void stripTokens() { QCOMPARE(q(guard::stripTokens("a<x1/>b< g2 >c")), QString("a b c")); }

    void garbageNeverCrashes() {
        // Random bytes through every scanner and back: restore(masked) == source, always.
        std::mt19937 rng(7);
        const std::string alphabet = "%$&<>/{}`\\@.:abcxg12 \n\x80\xC3\xA9";
        for (int i = 0; i < 3000; ++i) {
            std::string s;
            const int n = int(rng() % 40);
            for (int k = 0; k < n; ++k)
                s += alphabet[rng() % alphabet.size()];
            const Masked m = mask(s, 0xFFFFFFFF & ~placeholder::Accelerators);
            QVERIFY2(guard::restore(m.text, m).text == s, (s + " -> " + m.text).c_str());
            QVERIFY(guard::inspect(m.text, m).ok());
        }
    }
};

QTEST_GUILESS_MAIN(GuardTest)
#include "guardtest.moc"
