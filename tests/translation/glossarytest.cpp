// Glossary matching: which terms occur in a source segment, and whether a translation contains the
// required target term (with inflection tolerance), in spaced and unspaced scripts.
#include <QtTest>

#include "translation/glossary.h"

using namespace lantern::translation;

class GlossaryTest : public QObject {
    Q_OBJECT
private slots:
    void findsWholeWordsLongestFirst() {
        const std::vector<GlossaryEntry> g{{"file", "Datei"}, {"file manager", "Dateimanager"}, {"RAM", "RAM", true},
                                          {"server", "Server"}, {"Lantern", "", true, true}};
        const std::string s = "Open the File Manager; the program needs RAM. Servers and lantern, not Lantern's.";
        const auto hits = findTerms(s, g);
        QCOMPARE(hits.size(), size_t(4));
        QCOMPARE(hits[0].entry, size_t(1));  // "File Manager", not "file" inside it
        QCOMPARE(s.substr(hits[0].begin, hits[0].end - hits[0].begin), std::string("File Manager"));
        QCOMPARE(hits[1].entry, size_t(2));  // RAM (not inside "program")
        QCOMPARE(hits[2].entry, size_t(3));  // "Servers": an ending on a 4+ letter term
        QCOMPARE(hits[3].entry, size_t(4));  // case-sensitive: "Lantern's", not "lantern"
        QCOMPARE(s.substr(hits[3].begin, 7), std::string("Lantern"));
        QVERIFY(findTerms("a profile", std::vector<GlossaryEntry>{{"file", "Datei"}}).empty());
        QVERIFY(findTerms("the RAMS", std::vector<GlossaryEntry>{{"RAM", "RAM"}}).empty());  // short terms are exact
    }

    void unspacedScripts() {
        const std::vector<GlossaryEntry> g{{"模型", "model"}, {"ファイル", "file"}};
        const auto hits = findTerms("加载模型文件和ファイル", g);
        QCOMPARE(hits.size(), size_t(2));
        QVERIFY(containsTerm("我们加载模型。", "模型", false));
        QVERIFY(!containsTerm("我们加载文件。", "模型", false));
    }

    void targetInflections() {
        QVERIFY(containsTerm("Die Dateien wurden gelöscht", "Datei", false));
        QVERIFY(containsTerm("Удалить файлы", "файл", false) == false);  // 4 letters: exact only
        QVERIFY(containsTerm("Удалить файлы", "файлы", false));
        QVERIFY(containsTerm("Ouvrez les paramètres", "paramètre", false));
        QVERIFY(containsTerm("des gestionnaires de fichiers", "gestionnaire de fichiers", false) == false);
        QVERIFY(containsTerm("le gestionnaire de fichiers", "gestionnaire de fichier", false));
        QVERIFY(containsTerm("DATEIMANAGER", "Dateimanager", false));
        QVERIFY(!containsTerm("DATEIMANAGER", "Dateimanager", true));
        QVERIFY(!containsTerm("Die Akte", "Datei", false));
        QVERIFY(!containsTerm("Dateiablage system", "Datei", false));  // 5 letters + 7: too long to be an ending
    }
};

QTEST_GUILESS_MAIN(GlossaryTest)
#include "glossarytest.moc"
