// gettext catalogues: units of a hand-written catalogue, byte-identical round trips, and written catalogues
// that gettext's own msgfmt --check accepts, on the real catalogues of this machine (coreutils, glib).
#include <QProcess>
#include <QtTest>

#include "tests/support/testenv.h"
#include "translation/formats/formats.h"
#include "translation/formats/po.h"

using namespace lantern::translation;

namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }

std::string readFile(const std::filesystem::path& p) {
    QFile f(QString::fromStdString(p.string()));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", p.c_str());
    return f.readAll().toStdString();
}

std::filesystem::path data(const char* name) { return lantern::test::dataDir() / "translation/localization/po" / name; }

struct Run {
    int exitCode = -1;
    std::string out, err;
};
Run run(const QString& program, const QStringList& args, const std::string& input = {}) {
    QProcess p;
    p.start(program, args);
    if (!p.waitForStarted(10000))
        qFatal("cannot start %s", qPrintable(program));
    p.write(input.data(), qint64(input.size()));
    p.closeWriteChannel();
    p.waitForFinished(120000);
    return Run{p.exitCode(), p.readAllStandardOutput().toStdString(), p.readAllStandardError().toStdString()};
}

void requireGettext() {
    for (const char* tool : {"msgfmt", "msgunfmt"})
        if (QStandardPaths::findExecutable(tool).isEmpty())
            QFAIL(qPrintable(QString("%1 (gettext) is not installed; it is a build dependency").arg(tool)));
}

std::unique_ptr<Document> open(std::string bytes) {
    auto doc = formats::openPo(std::move(bytes));
    if (!doc)
        qFatal("openPo: %s", doc.error().detail.c_str());
    return std::move(*doc);
}

// "«" + text + "»" inside the text's leading and trailing white space (msgfmt --check wants a msgstr to
// begin and end with "\n" exactly when the msgid does).
std::string wrapped(std::string_view s) {
    const size_t b = s.find_first_not_of(" \n\t");
    if (b == std::string_view::npos)
        return std::string(s);
    const size_t e = s.find_last_not_of(" \n\t") + 1;
    return std::string(s.substr(0, b)) + "«" + std::string(s.substr(b, e - b)) + "»" + std::string(s.substr(e));
}

// A translation for every translatable unit: every form the catalogue asks for, from the plural source
// (whose placeholders msgfmt checks every msgstr[i] against).
std::vector<UnitTranslation> translateAll(const Document& doc, std::string_view language, bool final) {
    std::vector<UnitTranslation> out;
    for (size_t i = 0; i < doc.units().size(); ++i) {
        const Unit& u = doc.units()[i];
        if (!u.translatable)
            continue;
        UnitTranslation t;
        t.unit = i;
        t.final = final;
        if (u.sourcePlural.empty())
            t.targets = {wrapped(u.source)};
        else
            t.targets.assign(doc.pluralForms(language), wrapped(u.sourcePlural));
        out.push_back(std::move(t));
    }
    return out;
}

size_t translatedCount(const std::string& msgfmtStatistics) {
    return size_t(std::strtoul(msgfmtStatistics.c_str(), nullptr, 10));
}

const Unit* find(const Document& doc, std::string_view id) {
    for (const Unit& u : doc.units())
        if (u.id == id)
            return &u;
    return nullptr;
}
}  // namespace

class PoTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { requireGettext(); }

    void readsEveryPartOfAnEntry() {
        auto doc = open(readFile(data("de.po")));
        const auto& units = doc->units();
        QCOMPARE(units.size(), size_t(14));  // the header, 11 messages (as msgfmt --statistics counts), 2 obsolete
        QVERIFY(!units[0].translatable);
        QCOMPARE(q(units[0].label), QString("header"));
        QCOMPARE(units[1].state, UnitState::Final);
        QCOMPARE(q(units[1].targets.at(0)), QString("Datei"));
        QCOMPARE(units[2].state, UnitState::Untranslated);
        QVERIFY(units[2].targets.empty());

        const Unit* hello = find(*doc, "Hello, %s!\n");
        QVERIFY(hello);
        QCOMPARE(q(hello->note), QString(" TRANSLATORS: the program's greeting; %s is the user's name.\n hello.c:11"));
        QCOMPARE(hello->placeholders, placeholder::Printf);

        const Unit* copied = find(*doc, "Copied %d file");
        QVERIFY(copied);
        QCOMPARE(q(copied->sourcePlural), QString("Copied %d files"));
        QCOMPARE(copied->targets, (std::vector<std::string>{"%d Datei kopiert", "%d Dateien kopiert"}));
        QCOMPARE(copied->state, UnitState::NeedsReview);  // fuzzy
        QCOMPARE(q(copied->note), QString(" hello.c:12 hello.c:40"));

        const Unit* menu = find(*doc, "menu\x04Open");
        const Unit* verb = find(*doc, "verb\x04Open");
        QVERIFY(menu && verb);
        QCOMPARE(q(menu->context), QString("menu"));
        QCOMPARE(q(menu->source), QString("Open"));
        QCOMPARE(verb->state, UnitState::NeedsReview);

        const Unit* usage = find(*doc, "Usage: hello [OPTION]... [FILE]...\nGreets every FILE.\n\n"
                                       "  -h, --help     display this help and exit\n");
        QVERIFY(usage);
        QVERIFY(usage->targets.at(0).starts_with("Aufruf: hello [OPTION]... [DATEI]...\nGrüßt"));
        const Unit* tab = find(*doc, "Tab\there, a backslash \\ and a bell \a.");
        QVERIFY(tab);
        QCOMPARE(q(tab->targets.at(0)), QString("Tabulator\thier, ein Backslash \\ und eine Glocke \a."));

        QCOMPARE(find(*doc, "{count} new messages for {name}")->placeholders, placeholder::Braces);
        QCOMPARE(find(*doc, "Delete %1 of %n items?")->placeholders, placeholder::Qt);
        QCOMPARE(find(*doc, "file")->placeholders, 0u);  // no flag: no placeholder syntax assumed

        const Unit* goodbye = find(*doc, "#~Goodbye");
        QVERIFY(goodbye && !goodbye->translatable);
        QCOMPARE(q(goodbye->targets.at(0)), QString("Auf Wiedersehen"));
        const Unit* quit = find(*doc, "#~menu\x04Quit");
        QVERIFY(quit && !quit->translatable);
        QCOMPARE(doc->pluralForms("ru"), size_t(2));  // the file's own Plural-Forms decides
    }

    // Every committed catalogue, and CRLF and BOM variants, written with no translations: the same bytes.
    void roundTripIsByteIdentical() {
        int files = 0;
        for (const auto& entry : std::filesystem::directory_iterator(data("")))
            if (entry.path().extension() == ".po" || entry.path().extension() == ".pot") {
                std::string bytes = readFile(entry.path());
                QString crlf = QString::fromStdString(bytes);
                crlf.replace("\n", "\r\n");
                for (const std::string& variant : {bytes, crlf.toStdString(), "\xEF\xBB\xBF" + bytes}) {
                    auto doc = open(variant);
                    auto out = doc->write({}, {});
                    QVERIFY(out);
                    QVERIFY2(*out == variant, entry.path().c_str());
                }
                ++files;
            }
        QVERIFY(files >= 3);
    }

    void marksMachineOutputFuzzyAndFinalOutputNot() {
        auto doc = open(readFile(data("de.po")));
        const auto& units = doc->units();
        auto index = [&](std::string_view id) { return size_t(find(*doc, id) - units.data()); };
        std::vector<UnitTranslation> t(4);
        t[0] = {index("folder"), {"Ordner"}, {}, false};                       // no "#," line yet
        t[1] = {index("Hello, %s!\n"), {"Servus, %s!\n"}, {}, false};          // "#, c-format" gains fuzzy
        t[2] = {index("Copied %d file"), {"%d Datei kopiert", "%d Dateien kopiert"}, {}, true};  // loses it
        t[3] = {index("verb\x04Open"), {"öffnen"}, {}, true};                  // "#, fuzzy" line goes away
        auto out = doc->write(t, {});
        QVERIFY(out);
        const std::string& w = *out;
        // The expected file: the original with exactly these edits, everything else byte for byte.
        std::string expected = readFile(data("de.po"));
        auto edit = [&](std::string_view from, std::string_view to) {
            const size_t at = expected.find(from);
            QVERIFY2(at != std::string::npos, std::string(from).c_str());
            expected.replace(at, from.size(), to);
        };
        edit("#: hello.c:7\nmsgid \"folder\"\nmsgstr \"\"",
             "#: hello.c:7\n#, fuzzy\nmsgid \"folder\"\nmsgstr \"Ordner\"");
        edit("#, c-format\nmsgid \"Hello, %s!\\n\"\nmsgstr \"Hallo, %s!\\n\"",
             "#, fuzzy, c-format\nmsgid \"Hello, %s!\\n\"\nmsgstr \"Servus, %s!\\n\"");
        edit("#, fuzzy, c-format\n#| msgid \"Copied a file\"", "#, c-format\n#| msgid \"Copied a file\"");
        edit("#: hello.c:17\n#, fuzzy\nmsgctxt \"verb\"", "#: hello.c:17\nmsgctxt \"verb\"");
        QCOMPARE(q(w), q(expected));
        auto again = open(w);
        QCOMPARE(find(*again, "folder")->state, UnitState::NeedsReview);
        QCOMPARE(find(*again, "Copied %d file")->state, UnitState::Final);
        QCOMPARE(find(*again, "verb\x04Open")->state, UnitState::Final);
        QVERIFY2(doc->validate(w), doc->validate(w).error().detail.c_str());
    }

    void writesLineBreaksAndEscapesAsGettextDoes() {
        auto doc = open(readFile(data("de.po")));
        const size_t folder = size_t(find(*doc, "folder") - doc->units().data());
        std::vector<UnitTranslation> t{{folder, {"Zeile 1\nZeile \"2\"\tmit \\ Tab\n"}, {}, true}};
        auto out = doc->write(t, {});
        QVERIFY(out);
        QVERIFY(out->find("msgid \"folder\"\nmsgstr \"\"\n\"Zeile 1\\n\"\n\"Zeile \\\"2\\\"\\tmit \\\\ Tab\\n\"\n") !=
                std::string::npos);
        QCOMPARE(q(find(*open(*out), "folder")->targets.at(0)), QString("Zeile 1\nZeile \"2\"\tmit \\ Tab\n"));
        // A single trailing newline stays on one line.
        t[0].targets = {"Ordner\n"};
        QVERIFY(doc->write(t, {})->find("msgstr \"Ordner\\n\"\n") != std::string::npos);
        // CRLF files get CRLF in what is written.
        QString crlf = QString::fromStdString(readFile(data("de.po")));
        crlf.replace("\n", "\r\n");
        auto crdoc = open(crlf.toStdString());
        t[0].targets = {"a\nb"};
        auto crout = crdoc->write(t, {});
        QVERIFY(crout->find("msgstr \"\"\r\n\"a\\n\"\r\n\"b\"\r\n") != std::string::npos);
        QVERIFY(crdoc->validate(*crout));
    }

    // A template translated to Russian, Arabic and Japanese: the header gets the language, its plural rule
    // and UTF-8; every plural entry gets exactly that many msgstr[n]; msgfmt --check accepts the result.
    void templateGetsTheTargetLanguagesPluralForms() {
        const std::string pot = readFile(data("hello.pot"));
        QVERIFY(run("msgfmt", {"--check", "-o", "/dev/null", "-"}, pot).exitCode != 0);  // a template is not valid
        for (auto [language, forms] : {std::pair{"ru", 3}, {"ar", 6}, {"ja", 1}, {"pt-BR", 2}}) {
            auto doc = open(pot);
            QCOMPARE(doc->pluralForms(language), size_t(forms));
            QCOMPARE(doc->pluralExamples(language).size(), size_t(forms));
            WriteOptions options;
            options.targetLanguage = language;
            auto out = doc->write(translateAll(*doc, language, false), options);
            QVERIFY(out);
            const std::string gettextName = formats::po::gettextLanguage(language);
            QVERIFY(out->find("\"Language: " + gettextName + "\\n\"") != std::string::npos);
            QVERIFY(out->find("charset=UTF-8") != std::string::npos);
            QVERIFY(out->find("msgstr[" + std::to_string(forms - 1) + "]") != std::string::npos);
            QVERIFY(out->find("msgstr[" + std::to_string(forms) + "]") == std::string::npos);
            const Run check = run("msgfmt", {"--check", "--use-fuzzy", "-o", "/dev/null", "-"}, *out);
            QVERIFY2(check.exitCode == 0, check.err.c_str());
            QVERIFY2(doc->validate(*out), language);
            auto again = open(*out);
            QCOMPARE(again->pluralForms("en"), size_t(forms));  // now the file's own rule
            for (const Unit& u : again->units())
                if (u.translatable) {
                    QCOMPARE(u.state, UnitState::NeedsReview);
                    QCOMPARE(u.targets.size(), u.sourcePlural.empty() ? size_t(1) : size_t(forms));
                }
        }
    }

    void refusesWrongPluralCountsAndUntranslatableUnits() {
        auto doc = open(readFile(data("de.po")));
        const size_t copied = size_t(find(*doc, "Copied %d file") - doc->units().data());
        std::vector<UnitTranslation> three{{copied, {"a %d", "b %d", "c %d"}, {}, true}};
        auto out = doc->write(three, {});
        QVERIFY(!out);
        QVERIFY2(out.error().detail.find("2 forms") != std::string::npos, out.error().detail.c_str());
        std::vector<UnitTranslation> header{{0, {"x"}, {}, true}};
        QVERIFY(!doc->write(header, {}));
        std::vector<UnitTranslation> outside{{999, {"x"}, {}, true}};
        QVERIFY(!doc->write(outside, {}));
    }

    void validateRejectsWhatMsgfmtRejects() {
        auto doc = open(readFile(data("de.po")));
        const size_t hello = size_t(find(*doc, "Hello, %s!\n") - doc->units().data());
        std::vector<UnitTranslation> bad{{hello, {"Hallo, %d!\n"}, {}, true}};  // %s became %d
        auto out = doc->write(bad, {});
        QVERIFY(out);
        auto v = doc->validate(*out);
        QVERIFY(!v);
        QCOMPARE(v.error().code, lantern::Errc::ValidationFailed);
        QVERIFY2(v.error().detail.find("msgfmt") != std::string::npos, v.error().detail.c_str());
        QVERIFY2(v.error().detail.find("format specification") != std::string::npos, v.error().detail.c_str());
        // A different file is not a written version of this one.
        auto other = doc->validate(readFile(data("hello.pot")));
        QVERIFY(!other);
    }

    void refusesOtherCharsetsAndBrokenUtf8() {
        std::string latin = readFile(data("de.po"));
        latin.replace(latin.find("charset=UTF-8"), 13, "charset=ISO-8859-1");
        auto r = formats::openPo(latin);
        QVERIFY(!r);
        QCOMPARE(r.error().code, lantern::Errc::FormatUnsupported);
        QVERIFY2(r.error().detail.find("ISO-8859-1") != std::string::npos, r.error().detail.c_str());
        auto bad = formats::openPo("msgid \"a\"\nmsgstr \"\xC3\x28\"\n");
        QVERIFY(!bad);
        QVERIFY2(bad.error().detail.find("line 2") != std::string::npos, bad.error().detail.c_str());
    }

    void syntaxErrorsNameTheLine_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("msgstr first") << "msgstr \"x\"\n" << "line 1";
        QTest::newRow("no msgstr") << "msgid \"a\"\n\nmsgid \"b\"\nmsgstr \"\"\n" << "line 1";
        QTest::newRow("unclosed") << "msgid \"a\"\nmsgstr \"x\n" << "line 2, column 8";
        QTest::newRow("bad escape") << "msgid \"a\\q\"\nmsgstr \"\"\n" << "line 1, column 9";
        QTest::newRow("plural without plural") << "msgid \"a\"\nmsgstr[0] \"\"\n" << "line 2";
        QTest::newRow("plural gap") << "msgid \"a\"\nmsgid_plural \"b\"\nmsgstr[0] \"\"\nmsgstr[2] \"\"\n" << "line 4";
        QTest::newRow("unknown keyword") << "msgid \"a\"\nmsgtxt \"\"\n" << "line 2";
        QTest::newRow("duplicate") << "msgid \"a\"\nmsgstr \"\"\n\nmsgid \"a\"\nmsgstr \"\"\n" << "line 4";
        QTest::newRow("text after string") << "msgid \"a\" x\nmsgstr \"\"\n" << "line 1, column 11";
        QTest::newRow("stray string") << "\"a\"\n" << "line 1";
    }
    void syntaxErrorsNameTheLine() {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        auto r = formats::openPo(text.toStdString());
        QVERIFY(!r);
        QCOMPARE(r.error().code, lantern::Errc::FormatInvalid);
        QVERIFY2(q(r.error().detail).contains(expected), r.error().detail.c_str());
    }

    // Every prefix of a real catalogue and some garbage: a document or an error naming a line, never a crash.
    void truncatedAndGarbageInput() {
        const std::string bytes = readFile(data("de.po"));
        int errors = 0;
        for (size_t n = 0; n < bytes.size(); n += 7) {
            auto r = formats::openPo(bytes.substr(0, n));
            if (!r) {
                ++errors;
                QVERIFY2(r.error().detail.find("line ") != std::string::npos || r.error().detail.find("byte ") !=
                             std::string::npos, r.error().detail.c_str());
            } else {
                QVERIFY(*(*r)->write({}, {}) == bytes.substr(0, n));
            }
        }
        QVERIFY(errors > 50);
        std::string garbage;
        uint32_t x = 12345;
        for (int i = 0; i < 20000; ++i) {
            x = x * 1103515245 + 12345;
            garbage += "msgid\"\\#~[]\n \x01"[x >> 28 & 15];
        }
        QVERIFY(!formats::openPo(garbage));
        QVERIFY(!formats::openPo(std::string("\0\0\0", 3)));
    }

    // The real catalogues: coreutils for every language installed (printf formats, plurals, msgctxt), glib
    // in Arabic (six forms), read live through msgunfmt.
    void realCatalogues() {
        std::vector<std::filesystem::path> mos;
        for (const auto& dir : std::filesystem::directory_iterator("/usr/share/locale")) {
            const auto mo = dir.path() / "LC_MESSAGES/coreutils.mo";
            if (std::filesystem::exists(mo))
                mos.push_back(mo);
        }
        const std::filesystem::path arabic = "/usr/share/locale/ar/LC_MESSAGES/glib20.mo";
        if (std::filesystem::exists(arabic))
            mos.push_back(arabic);
        std::ranges::sort(mos);
        QVERIFY2(mos.size() >= 3, "coreutils' translations (/usr/share/locale/*/LC_MESSAGES/coreutils.mo) are missing");
        size_t units = 0, plural = 0, context = 0, files = 0;
        for (const auto& mo : mos) {
            const Run un = run("msgunfmt", {QString::fromStdString(mo.string())});
            QVERIFY2(un.exitCode == 0, un.err.c_str());
            auto doc = open(un.out);
            const Run stats = run("msgfmt", {"--statistics", "-o", "/dev/null", "-"}, un.out);
            const size_t translatable = size_t(std::ranges::count_if(doc->units(), [](const Unit& u) {
                return u.translatable && u.state == UnitState::Final;
            }));
            QVERIFY2(translatable == translatedCount(stats.err), qPrintable(QString::fromStdString(mo.string())));
            QVERIFY(*doc->write({}, {}) == un.out);
            // Everything machine-translated: fuzzy, and still valid for msgfmt --check (fuzzy entries included).
            const std::string language = mo.parent_path().parent_path().filename().string();
            auto written = doc->write(translateAll(*doc, language, false), {});
            QVERIFY(written);
            const Run check = run("msgfmt", {"--check", "--use-fuzzy", "-o", "/dev/null", "-"}, *written);
            QVERIFY2(check.exitCode == 0, (mo.string() + ": " + check.err).c_str());
            QVERIFY2(doc->validate(*written), mo.c_str());
            auto again = open(*written);
            for (size_t i = 0; i < doc->units().size(); ++i) {
                const Unit& u = doc->units()[i];
                if (!u.translatable)
                    continue;
                QCOMPARE(again->units()[i].state, UnitState::NeedsReview);
                QCOMPARE(again->units()[i].targets.front(),
                         wrapped(u.sourcePlural.empty() ? u.source : u.sourcePlural));
                QCOMPARE(again->units()[i].targets.size(), u.sourcePlural.empty() ? 1 : doc->pluralForms(language));
                plural += !u.sourcePlural.empty();
                context += !u.context.empty();
                ++units;
            }
            // What gettext compiles from our file: msgunfmt of msgfmt's .mo has our targets, byte for byte.
            if (files++ < 3) {
                QTemporaryDir dir;
                const QString compiled = dir.filePath("x.mo");
                QCOMPARE(run("msgfmt", {"--use-fuzzy", "-o", compiled, "-"}, *written).exitCode, 0);
                auto back = open(run("msgunfmt", {compiled}).out);
                size_t matched = 0;
                for (const Unit& u : back->units())
                    if (u.translatable)
                        for (const Unit& w : again->units())
                            if (w.id == u.id) {
                                QCOMPARE(u.targets, w.targets);
                                ++matched;
                            }
                QCOMPARE(matched, translatable);
            }
        }
        qInfo("%zu catalogues, %zu messages (%zu plural, %zu with msgctxt) written and checked by msgfmt", mos.size(),
              units, plural, context);
        QVERIFY(plural > 100);
        QVERIFY(context > 0);
    }

    void headerHelpers() {
        const std::string h = "Project-Id-Version: x\nLanguage: \nPlural-Forms: nplurals=2; plural=(n != 1);\n";
        QCOMPARE(q(formats::po::headerField(h, "plural-forms")), QString("nplurals=2; plural=(n != 1);"));
        QCOMPARE(q(formats::po::headerField(h, "Language")), QString(""));
        QCOMPARE(q(formats::po::setHeaderField(h, "Language", "de", "")),
                 QString("Project-Id-Version: x\nLanguage: de\nPlural-Forms: nplurals=2; plural=(n != 1);\n"));
        QCOMPARE(q(formats::po::setHeaderField("A: 1\nB: 2\n", "X", "y", "A")), QString("A: 1\nX: y\nB: 2\n"));
        QCOMPARE(q(formats::po::setHeaderField("A: 1", "X", "y", "")), QString("A: 1\nX: y\n"));
        QCOMPARE(q(formats::po::gettextLanguage("pt-BR")), QString("pt_BR"));
        QCOMPARE(q(formats::po::gettextLanguage("zh-Hans")), QString("zh_CN"));
        QCOMPARE(q(formats::po::gettextLanguage("zh-Hant-HK")), QString("zh_TW"));
        QCOMPARE(q(formats::po::gettextLanguage("sr-Latn")), QString("sr@latin"));
        QCOMPARE(q(formats::po::gettextLanguage("DE")), QString("de"));
        QCOMPARE(q(formats::po::escape("a\"b\\c\n\x01")), QString("a\\\"b\\\\c\\n\\001"));
        QCOMPARE(q(*formats::po::unescape("\\101\\x42\\?", 1, 1)), QString("AB?"));
    }
};

QTEST_MAIN(PoTest)
#include "potest.moc"
