// TranslationStore on a real SQLite file: jobs and segments survive reopening (a job left Running by a
// killed process is unfinished), counters and history follow saves, the glossary's pair/base-language/
// project rules, CSV and TBX round trips (Python's csv module and xml.etree read what is written), TMX import and
// export (translate-toolkit and xmllint read what is written), the
// translation memory's exact and fuzzy matches and their speed at 50,000 entries.
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "storage/conversationstore.h"
#include "storage/translationstore.h"

using namespace lantern::storage;

namespace {

QList<TranslationSegment> segs(int n) {
    QList<TranslationSegment> out;
    for (int i = 0; i < n; ++i) {
        TranslationSegment s;
        s.ordinal = i;
        s.unit = i;
        s.source = QStringLiteral("Sentence number %1.").arg(i);
        out << s;
    }
    return out;
}

QByteArray python(const QString& script, const QByteArray& input) {
    QProcess p;
    p.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), script});  // Debian's, with translate-toolkit
    p.write(input);
    p.closeWriteChannel();
    p.waitForFinished(20000);
    return p.readAllStandardOutput();
}

}  // namespace

class TranslationStoreTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString db(const char* name) { return m_dir.filePath(QString::fromLatin1(name)); }

private slots:
    void jobsSurviveReopenAndResume() {
        qint64 jobId = 0;
        {
            auto store = TranslationStore::open(db("jobs.db"));
            QVERIFY(store);
            TranslationJob j;
            j.name = "app.po";
            j.format = "po";
            j.sourceLanguage = "en";
            j.targetLanguage = "de";
            auto job = (*store)->createJob(j, QByteArray("msgid \"x\"\0binary", 16), segs(3));
            QVERIFY(job);
            jobId = job->id;
            QCOMPARE(job->segmentsTotal, 3);
            QVERIFY((*store)->setJobState(jobId, JobState::Running));
            auto list = (*store)->segments(jobId);
            QCOMPARE(list->size(), 3);
            TranslationSegment s = list->at(1);
            s.target = "Satz Nummer 1.";
            s.status = SegmentStatus::Translated;
            s.checksJson = R"([{"id":"tokens","passed":true}])";
            QVERIFY((*store)->saveSegment(s, "model"));
            s.target = "Satz Nr. 1.";
            s.status = SegmentStatus::Edited;
            QVERIFY((*store)->saveSegment(s, "edit"));
            QVERIFY((*store)->saveSegment(s, "edit"));  // unchanged: no new version
            auto history = (*store)->history(s.id);
            QCOMPARE(history->size(), 2);
            QCOMPARE(history->at(0).target, QStringLiteral("Satz Nummer 1."));
            QCOMPARE(history->at(1).origin, QStringLiteral("edit"));
        }  // the "process" ends here without finishing the job
        auto store = TranslationStore::open(db("jobs.db"));
        QVERIFY(store);
        auto unfinished = (*store)->unfinishedJobs();
        QCOMPARE(unfinished->size(), 1);
        QCOMPARE(unfinished->first().state, JobState::Running);
        QCOMPARE(unfinished->first().segmentsDone, 1);
        QCOMPARE((*store)->jobSource(jobId)->size(), 16);  // the bytes exactly, NUL included
        QCOMPARE((*store)->segments(jobId)->at(1).target, QStringLiteral("Satz Nr. 1."));
        QVERIFY((*store)->setJobState(jobId, JobState::Done));
        QVERIFY((*store)->unfinishedJobs()->isEmpty());
        QVERIFY((*store)->deleteJob(jobId));
        QVERIFY((*store)->listJobs()->isEmpty());
    }

    void sharesTheFileWithConversations() {
        auto conversations = ConversationStore::open(db("shared.db"));
        QVERIFY(conversations);
        auto store = TranslationStore::open(db("shared.db"));
        QVERIFY(store);
        QVERIFY((*conversations)->createConversation({}));
        QCOMPARE((*conversations)->listConversations()->size(), 1);
    }

    void glossaryRules() {
        auto store = TranslationStore::open(db("glossary.db"));
        QVERIFY(store);
        GlossaryTerm t;
        t.sourceLanguage = "en";
        t.targetLanguage = "de";
        t.source = "file";
        t.target = "Datei";
        QVERIFY((*store)->addTerm(t));
        t.source = "Lantern";
        t.target.clear();
        t.doNotTranslate = true;
        QVERIFY((*store)->addTerm(t));
        t.source = "folder";
        t.target = "Verzeichnis";
        t.doNotTranslate = false;
        t.project = "kde";
        QVERIFY((*store)->addTerm(t));
        QCOMPARE((*store)->glossary("en", "de")->size(), 2);           // global only
        QCOMPARE((*store)->glossary("en", "de", "kde")->size(), 3);    // and the project's
        QCOMPARE((*store)->glossary("en-US", "de-AT")->size(), 2);     // base languages match
        QCOMPARE((*store)->glossary("en", "fr")->size(), 0);
        t.target = "Ordner";  // the same term again replaces its translation
        QVERIFY((*store)->addTerm(t));
        QCOMPARE((*store)->glossary("en", "de", "kde")->size(), 3);
    }

    void csvAndTbxRoundTrip() {
        auto store = TranslationStore::open(db("io.db"));
        QVERIFY(store);
        const QByteArray csv = "source,target,dnt,case_sensitive,note\n"
                               "\"file manager\",\"Dateimanager\",0,0,\"the app, not a person\"\n"
                               "Lantern,,1,1,product\n"
                               "\"say \"\"hi\"\"\",\"sag \"\"hallo\"\"\",no,no,\n";
        QCOMPARE(*(*store)->importGlossary(csv, "terms.csv", "en", "de", {}), 3);
        const QByteArray out = *(*store)->exportGlossary("terms.csv", "en", "de", {});
        // Python's csv module reads what we wrote.
        const QByteArray rows = python("import csv,sys\nfor r in csv.DictReader(sys.stdin): print(r['source']+'|'+r['target']+'|'+r['dnt']+'|'+r['note'])", out);
        QVERIFY2(rows.contains("file manager|Dateimanager|0|the app, not a person"), rows.constData());
        QVERIFY(rows.contains("Lantern||1|product"));
        QVERIFY(rows.contains("say \"hi\"|sag \"hallo\"|0|"));
        // Bad input names the line and imports nothing.
        auto bad = (*store)->importGlossary("source,target\nfoo,\n", "bad.csv", "en", "fr", {});
        QVERIFY(!bad);
        QVERIFY(QString::fromStdString(bad.error().detail).contains("Line 2"));
        QCOMPARE((*store)->glossary("en", "fr")->size(), 0);

        const QByteArray tbx = *(*store)->exportGlossary("terms.tbx", "en", "de", {});
        const QByteArray terms = python("import sys,xml.etree.ElementTree as E\nr=E.fromstring(sys.stdin.buffer.read())\n"
                                        "for e in r.iter('termEntry'): print('|'.join(t.text for t in e.iter('term')))", tbx);
        QVERIFY2(terms.contains("file manager|Dateimanager"), terms.constData());
        auto other = TranslationStore::open(db("io2.db"));
        QCOMPARE(*(*other)->importGlossary(tbx, "terms.tbx", "en", "de", {}), 3);
        auto back = (*other)->glossary("en", "de");
        QCOMPARE(back->size(), 3);
        bool keep = false;
        for (const GlossaryTerm& g : *back)
            keep = keep || (g.source == "Lantern" && g.doNotTranslate);
        QVERIFY(keep);
    }

    void tmxImportAndExport() {
        auto store = TranslationStore::open(db("tmx.db"));
        QVERIFY(store);
        // A TMX 1.4 file as CAT tools write it: regional languages, inline codes holding the source format's
        // markup, a <hi> span, a TMX 1.1 "lang" attribute, a unit without German (skipped), an empty one.
        const QByteArray tmx =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header srclang=\"en-US\" segtype=\"sentence\""
            " datatype=\"html\" adminlang=\"en\" creationtool=\"x\" creationtoolversion=\"1\" o-tmf=\"x\"/><body>\n"
            "<tu><tuv xml:lang=\"en-US\"><seg>Click <bpt i=\"1\">&lt;b&gt;</bpt>Save<ept i=\"1\">&lt;/b&gt;</ept> now.</seg></tuv>\n"
            "    <tuv xml:lang=\"de-DE\"><seg>Klicken Sie jetzt auf <bpt i=\"1\">&lt;b&gt;</bpt>Speichern<ept i=\"1\">&lt;/b&gt;</ept>.</seg></tuv></tu>\n"
            "<tu><tuv lang=\"EN\"><seg>The <hi type=\"term\">file</hi> &amp; folder</seg></tuv><tuv lang=\"DE\"><seg>Die Datei &amp; der Ordner</seg></tuv></tu>\n"
            "<tu><tuv xml:lang=\"en\"><seg>Only English</seg></tuv><tuv xml:lang=\"fr\"><seg>Seulement</seg></tuv></tu>\n"
            "<tu><tuv xml:lang=\"en\"><seg>Empty target</seg></tuv><tuv xml:lang=\"de\"><seg></seg></tuv></tu>\n"
            "</body></tmx>\n";
        auto n = (*store)->importTmx(tmx, "en", "de");
        QVERIFY2(n, n ? "" : n.error().detail.c_str());
        QCOMPARE(*n, 2);
        auto hit = (*store)->lookup("en", "de", "Click Save now.", 100);
        QCOMPARE(hit->size(), 1);
        QCOMPARE(hit->first().entry.target, QStringLiteral("Klicken Sie jetzt auf Speichern."));
        QCOMPARE(hit->first().entry.origin, QStringLiteral("tmx"));
        QCOMPARE((*store)->lookup("en", "de", "The file & folder", 100)->first().entry.target,
                 QStringLiteral("Die Datei & der Ordner"));

        // What is written is read by translate-toolkit's TMX store, and by xmllint as well-formed XML.
        QVERIFY((*store)->remember({0, "en", "de", "Line one\nline two <b> \"quoted\"", "Zeile eins\nZeile zwei <b> \"zitiert\"", "edit", {}}));
        const QByteArray out = *(*store)->exportTmx("en", "de");
        const QByteArray units = python("import sys\nfrom translate.storage import tmx\n"
                                        "s=tmx.tmxfile(sys.stdin.buffer.read(),'en','de')\n"
                                        "for u in s.units: print(repr(u.source)+'|'+repr(u.target))", out);
        QVERIFY2(units.contains("'Click Save now.'|'Klicken Sie jetzt auf Speichern.'"), units.constData());
        QVERIFY(units.contains("'The file & folder'|'Die Datei & der Ordner'"));
        QVERIFY(units.contains(R"('Line one\nline two <b> "quoted"'|'Zeile eins\nZeile zwei <b> "zitiert"')"));
        QCOMPARE(units.count('\n'), 3);
        QProcess lint;
        lint.start(QStringLiteral("xmllint"), {QStringLiteral("--noout"), QStringLiteral("-")});
        lint.write(out);
        lint.closeWriteChannel();
        QVERIFY(lint.waitForFinished(20000));
        QCOMPARE(lint.exitCode(), 0);
        // And read back into another store, the same three pairs.
        auto other = TranslationStore::open(db("tmx2.db"));
        QCOMPARE(*(*other)->importTmx(out, "en", "de"), 3);

        // Bad input: the reason, and nothing imported.
        auto broken = (*other)->importTmx("<tmx><body><tu>\n<tuv xml:lang=\"en\"><seg>a</tuv>", "en", "fr");
        QVERIFY(!broken);
        QVERIFY2(QString::fromStdString(broken.error().detail).contains("line 2"), broken.error().detail.c_str());
        auto notTmx = (*other)->importTmx("<martif><text/></martif>", "en", "fr");
        QVERIFY(!notTmx);
        QVERIFY(QString::fromStdString(notTmx.error().detail).contains("<martif>"));
        QVERIFY((*other)->lookup("en", "fr", "a", 50)->isEmpty());
    }

    void memoryExactFuzzyAndFast() {
        auto store = TranslationStore::open(db("memory.db"));
        QVERIFY(store);
        MemoryEntry e{0, "en", "de", "The file could not be saved to the disk.", "Die Datei konnte nicht gespeichert werden.", "model", {}};
        QVERIFY((*store)->remember(e));
        auto exact = (*store)->lookup("en", "de", e.source, 75);
        QCOMPARE(exact->size(), 1);
        QCOMPARE(exact->first().similarity, 100);
        auto fuzzy = (*store)->lookup("en", "de", "The file could not be saved to the disc.", 75);
        QCOMPARE(fuzzy->size(), 1);
        QVERIFY(fuzzy->first().similarity >= 95 && fuzzy->first().similarity < 100);
        QVERIFY((*store)->lookup("en", "de", "Something else entirely, nothing alike.", 75)->isEmpty());
        QVERIFY((*store)->lookup("en", "fr", e.source, 75)->isEmpty());
        // An edit replaces the model's entry.
        e.target = "Die Datei ließ sich nicht speichern.";
        e.origin = "edit";
        QVERIFY((*store)->remember(e));
        QCOMPARE((*store)->lookup("en", "de", e.source, 100)->first().entry.target, e.target);
        QCOMPARE(*(*store)->memorySize(), 1);

        // 50,000 entries: a fuzzy lookup stays interactive.
        QStringList words = {"open", "close", "save", "file", "folder", "window", "settings", "model", "print", "share",
                             "delete", "copy", "move", "rename", "search", "export", "import", "cancel", "restart", "update"};
        for (int i = 0; i < 50000; ++i) {
            const QString s = QStringLiteral("%1 the %2 %3 before you %4 item %5")
                                  .arg(words[i % 20], words[(i / 20) % 20], words[(i / 400) % 20], words[(i / 7) % 20]).arg(i);
            if (i == 0)
                QVERIFY((*store)->remember({0, "en", "de", s, "x", "model", {}}));
            else
                (void)(*store)->remember({0, "en", "de", s, "x", "model", {}});
        }
        QElapsedTimer timer;
        timer.start();
        auto hit = (*store)->lookup("en", "de", "open the close save before you open item 12345x", 60);
        const qint64 ms = timer.elapsed();
        QVERIFY(hit);
        qInfo("fuzzy lookup among %d entries: %lld ms, %lld matches", *(*store)->memorySize(), ms, qlonglong(hit->size()));
        QVERIFY(ms < 200);
        // Every word of this text is in thousands of entries; its own entry is still the one found.
        auto near = (*store)->lookup("en", "de", "cancel the settings restart before you import item 31337.", 90);
        QVERIFY(near && !near->isEmpty());
        QCOMPARE(near->first().entry.source, QStringLiteral("cancel the settings restart before you import item 31337"));
        QCOMPARE(near->first().similarity, 98);
        // Unspaced scripts match by characters too.
        QVERIFY((*store)->remember({0, "en", "ja", "The file was saved.", "ファイルを保存しました。", "model", {}}));
        QVERIFY((*store)->remember({0, "ja", "en", "ファイルを保存しました。", "The file was saved.", "model", {}}));
        auto ja = (*store)->lookup("ja", "en", "ファイルを保存しました", 80);
        QCOMPARE(ja->size(), 1);
        QCOMPARE(ja->first().entry.target, QStringLiteral("The file was saved."));
    }
};

QTEST_GUILESS_MAIN(TranslationStoreTest)
#include "translationstoretest.moc"
