// The pipeline end to end without a GPU: protect → translate → verify → accept, against a scripted model
// that misbehaves on purpose. Every fault must be caught (flagged after one strict retry, never accepted),
// a fault the retry fixes must be accepted, and documents must come back valid with their markup intact.
#include <QtTest>

#include "tests/support/testenv.h"
#include "tests/translation/scriptedmodel.h"
#include "translation/formats/formats.h"
#include "translation/job.h"

using namespace lantern::translation;
using lantern::test::Fault;
using lantern::test::ScriptedModel;
using lantern::test::ScriptedProfile;

namespace {

QString q(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

struct Rig {
    ScriptedProfile profile;
    ScriptedModel model;
    TranslateSettings settings;
    Rig() {
        model.profile = &profile;
        settings.sourceLanguage = "en";
        settings.targetLanguage = "de";
        settings.profile = &profile;
    }
    Translator translator() { return Translator(model.fn(), settings); }
};

SegmentSource qtString(std::string text) {
    SegmentSource s;
    s.text = std::move(text);
    s.placeholders = placeholder::Qt | placeholder::Markup;
    return s;
}

const Check* findCheck(const SegmentResult& r, std::string_view id) {
    for (const Check& c : r.checks)
        if (c.id == id)
            return &c;
    return nullptr;
}

const char* kLongSource =
    "The server could not open %1 because the disk is full, please delete files from the folder and then "
    "restart your computer.";

}  // namespace

class TranslatorTest : public QObject {
    Q_OBJECT
private slots:
    void acceptsAGoodTranslationWithPlaceholdersIntact() {
        Rig rig;
        Translator t = rig.translator();
        const SegmentResult r = t.translate(qtString(kLongSource));
        QVERIFY2(r.accepted, qPrintable(q(r.target)));
        QCOMPARE(r.attempts, 1);
        QVERIFY(r.target.find("%1") != std::string::npos);
        QVERIFY(r.target.starts_with("die Server konnte nicht öffnen %1 weil die Festplatte ist voll"));
        QCOMPARE(q(r.templateId), QStringLiteral("scripted/1"));
        // The model saw a token, not the placeholder.
        QVERIFY(rig.profile.last.text.find("%1") == std::string::npos);
        QVERIFY(rig.profile.last.hasTokens);
    }

    void everyFaultIsCaught_data() {
        QTest::addColumn<int>("fault");
        QTest::addColumn<QString>("check");
        QTest::addColumn<QString>("source");
        const QString plain = QString::fromUtf8(kLongSource);
        QTest::newRow("dropped placeholder") << int(Fault::DropToken) << "tokens" << plain;
        QTest::newRow("duplicated placeholder") << int(Fault::DuplicateToken) << "tokens" << plain;
        QTest::newRow("crossed markup") << int(Fault::CrossTokens) << "tokens"
                                        << "Please <b>save your changes</b> before quitting.";
        QTest::newRow("wrong language") << int(Fault::WrongLanguage) << "language" << plain;
        QTest::newRow("wrong script") << int(Fault::WrongScript) << "language" << plain;
        QTest::newRow("repetition loop") << int(Fault::Repeat) << "repetition" << plain;
        QTest::newRow("source echoed") << int(Fault::Echo) << "untranslated" << plain;
        QTest::newRow("chatter") << int(Fault::ChatterUncleaned) << "chatter" << plain;
        QTest::newRow("empty answer") << int(Fault::Empty) << "empty" << plain;
        QTest::newRow("runaway length") << int(Fault::Runaway) << "length" << "Delete the file?";
    }
    void everyFaultIsCaught() {
        QFETCH(int, fault);
        QFETCH(QString, check);
        QFETCH(QString, source);
        Rig rig;
        rig.model.fault = Fault(fault);
        Translator t = rig.translator();
        const SegmentResult r = t.translate(qtString(source.toStdString()));
        QVERIFY2(!r.accepted, qPrintable(q(r.target)));
        QCOMPARE(r.attempts, 2);  // one strict retry, then flagged
        QCOMPARE(rig.model.calls, 2);
        const Check* c = findCheck(r, check.toStdString());
        QVERIFY2(c && !c->passed, qPrintable(check));
        QVERIFY(!c->detail.empty());
        // The retry was strict and named the problem.
        QVERIFY(rig.profile.last.strict);
        QVERIFY(!rig.profile.last.problems.empty());
    }

    void aRetryThatFixesItIsAccepted() {
        Rig rig;
        rig.model.fault = Fault::DropToken;
        rig.model.fixOnStrict = true;
        Translator t = rig.translator();
        const SegmentResult r = t.translate(qtString(kLongSource));
        QVERIFY(r.accepted);
        QCOMPARE(r.attempts, 2);
        QVERIFY(rig.profile.requests.at(1).strict);
        QVERIFY(q(rig.profile.requests.at(1).problems.at(0)).contains("<x1/>"));
    }

    void cleanedChatterAndMangledTokensPass() {
        for (Fault f : {Fault::Chatter, Fault::MangleTokens}) {
            Rig rig;
            rig.model.fault = f;
            Translator t = rig.translator();
            const SegmentResult r = t.translate(qtString(kLongSource));
            QVERIFY2(r.accepted, qPrintable(q(r.target)));
            QCOMPARE(r.attempts, 1);
            QVERIFY(r.target.find("%1") != std::string::npos);
        }
    }

    void edgeWhiteSpaceOfTheSourceIsKept() {
        // Models drop a UI string's leading and trailing spaces (" (backup: %s)"); they are layout and come back.
        ScriptedProfile profile;
        TranslateSettings settings{.sourceLanguage = "en", .targetLanguage = "de", .profile = &profile};
        Translator t([](const Prompt&, const std::function<void(std::string_view)>&) -> lantern::Result<GenerateOutcome> {
            GenerateOutcome o;
            o.text = "(Sicherung: <x1/>)";
            return o;
        }, settings);
        SegmentSource src;
        src.text = " (backup: %s)  ";
        src.placeholders = placeholder::Printf;
        const SegmentResult r = t.translate(src);
        QVERIFY(r.accepted);
        QCOMPARE(q(r.target), QStringLiteral(" (Sicherung: %s)  "));
    }

    void engineErrorsStopWithoutAccepting() {
        Rig rig;
        rig.model.fault = Fault::Error;
        Translator t = rig.translator();
        const SegmentResult r = t.translate(qtString(kLongSource));
        QVERIFY(!r.accepted);
        QCOMPARE(q(r.error), QStringLiteral("The GPU was lost."));
        QCOMPARE(rig.model.calls, 1);
    }

    void glossaryTermsAreRequiredOnlyWhereTheyOccur() {
        Rig rig;
        rig.settings.glossary = {{"account", "Benutzerkonto", false, false, "a user account"},
                                 {"printer", "Drucker", false, false, ""},
                                 {"Lantern", "", true, true, ""}};
        Translator t = rig.translator();
        const SegmentResult r = t.translate(qtString("Each user has own account for Lantern."));
        QVERIFY2(r.accepted, qPrintable(q(r.target)));
        QCOMPARE(rig.profile.last.terms.size(), size_t(1));
        QCOMPARE(q(rig.profile.last.terms[0].target), QStringLiteral("Benutzerkonto"));
        QVERIFY(q(r.target).contains("Benutzerkonto"));
        // The do-not-translate term reached the model as a token and came back as written.
        QVERIFY(rig.profile.last.text.find("Lantern") == std::string::npos);
        QCOMPARE(rig.profile.last.keepTerms, std::vector<std::string>{"Lantern"});
        QVERIFY(q(r.target).contains("Lantern"));

        Rig ignoring;
        ignoring.settings.glossary = rig.settings.glossary;
        ignoring.model.fault = Fault::IgnoreGlossary;
        Translator t2 = ignoring.translator();
        const SegmentResult bad = t2.translate(qtString("Each user has own account for Lantern."));
        QVERIFY(!bad.accepted);
        QVERIFY(q(findCheck(bad, "glossary")->detail).contains("Benutzerkonto"));
    }

    void alternativesRewritesAndEdits() {
        Rig rig;
        Translator t = rig.translator();
        const SegmentSource src = qtString(kLongSource);
        const std::vector<SegmentResult> alts = t.alternatives(src, 3);
        QCOMPARE(alts.size(), size_t(3));
        QVERIFY(alts[0].target != alts[1].target && alts[1].target != alts[2].target);
        for (const SegmentResult& a : alts)
            QVERIFY(a.accepted);

        const SegmentResult shorter = t.rewrite(src, alts[0].target, Rewrite::Shorter);
        QCOMPARE(rig.profile.last.rewrite, Rewrite::Shorter);
        QVERIFY(rig.profile.last.current.find("<x1/>") != std::string::npos);  // the current text, masked
        QVERIFY(shorter.target.size() < alts[0].target.size());
        const SegmentResult formal = t.rewrite(src, alts[0].target, Rewrite::MoreFormal);
        QCOMPARE(rig.profile.last.formality, Formality::Formal);
        Q_UNUSED(formal);

        // A person's edit is checked like a model's answer: a lost placeholder is caught.
        QVERIFY(allPassed(t.evaluate(src, "Der Server konnte %1 nicht öffnen, weil die Festplatte voll ist.")));
        const std::vector<Check> lost = t.evaluate(src, "Der Server konnte die Datei nicht öffnen, weil die Festplatte voll ist.");
        QVERIFY(!allPassed(lost));
    }

    void previewStreamsRestoredText() {
        Rig rig;
        Translator t = rig.translator();
        std::vector<std::string> previews;
        const SegmentResult r = t.translate(qtString(kLongSource), {}, [&](std::string_view p) { previews.emplace_back(p); });
        QVERIFY(previews.size() > 5);
        QCOMPARE(q(previews.back()), q(r.target));
        for (const std::string& p : previews)
            QVERIFY2(p.find("<x") == std::string::npos, p.c_str());  // tokens never shown half-written
    }

    void markdownDocumentRoundTrip() {
        const std::string md =
            "# Settings\n\nSettings are saved automatically when you close the window. Run the `apt install` "
            "command to install all packages, then restart your computer.\n\n```sh\nrm -rf /tmp/x\n```\n\n"
            "- Delete files from the folder\n- A new version is available\n";
        auto doc = formats::open(md, formats::Format::Markdown);
        QVERIFY(doc);
        Rig rig;
        Translator t = rig.translator();
        PlanOptions po;
        po.targetLanguage = "de";
        po.sourceLanguage = "en";
        const std::vector<PlannedSegment> plan = planSegments(**doc, po);
        // The paragraph is two sentences: two segments of one unit.
        QCOMPARE(plan.size(), size_t(5));
        QCOMPARE(plan[1].unit, plan[2].unit);
        std::atomic<bool> cancel{false};
        const JobReport report = runJob(plan, t, {}, cancel);
        QCOMPARE(report.translated, plan.size());
        // The second sentence had the first as context (the heading is not prose).
        QCOMPARE(rig.profile.requests[2].previous.size(), size_t(1));
        QVERIFY(rig.profile.requests[2].previous[0].first.starts_with("Settings are saved"));
        const auto units = assemble(**doc, plan, report.targets, {});
        QCOMPARE(units.size(), size_t(4));
        auto written = (*doc)->write(units, {"de"});
        QVERIFY(written);
        QVERIFY2((*doc)->validate(*written).has_value(), written->c_str());
        const QString out = q(*written);
        QVERIFY(out.contains("`apt install`"));                  // the code span untouched
        QVERIFY(out.contains("```sh\nrm -rf /tmp/x\n```"));     // the code block untouched
        QVERIFY(out.contains("# Einstellungen"));
        QVERIFY(out.contains("automatisch wenn Sie schließen die Fenster. führen die `apt install`"));
    }

    void poPluralsFlagsAndResume() {
        const std::string po =
            "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n"
            "#, c-format\nmsgid \"Copied %d file\"\nmsgid_plural \"Copied %d files\"\nmsgstr[0] \"\"\nmsgstr[1] \"\"\n\n"
            "msgid \"Delete the file?\"\nmsgstr \"\"\n\n"
            "#, c-format\nmsgid \"The server could not open %s because the disk is full.\"\nmsgstr \"\"\n";
        auto doc = formats::open(po, formats::Format::Po);
        QVERIFY(doc);
        PlanOptions options;
        options.targetLanguage = "de";
        const std::vector<PlannedSegment> plan = planSegments(**doc, options);
        QCOMPARE(plan.size(), size_t(4));  // two plural forms for German, two strings
        QCOMPARE(plan[0].source.pluralExample.value(), uint64_t(1));
        QVERIFY(plan[1].source.text.find("files") != std::string::npos);

        Rig rig;
        rig.model.fault = Fault::DropToken;  // the placeholder string gets flagged, twice
        Translator t = rig.translator();
        std::atomic<bool> cancel{false};
        const JobReport report = runJob(plan, t, {}, cancel);
        QCOMPARE(report.flagged, size_t(3));  // %d twice and %s once, each dropped
        const auto units = assemble(**doc, plan, report.targets, {});
        QCOMPARE(units.size(), size_t(1));   // only "Delete the file?" is written: flagged ones are not
        auto written = (*doc)->write(units, {"de"});
        QVERIFY(written);
        QVERIFY((*doc)->validate(*written).has_value());
        QVERIFY(q(*written).contains("#, fuzzy\nmsgid \"Delete the file?\""));

        // Resume: the first two segments are known from an earlier run; only the rest reach the model.
        Rig again;
        Translator t2 = again.translator();
        JobHooks hooks;
        hooks.known = [&](size_t i, const PlannedSegment&) -> std::optional<SegmentTarget> {
            if (i >= 2)
                return std::nullopt;
            return SegmentTarget{SegmentStatus::Edited, i == 0 ? "%d Datei kopiert" : "%d Dateien kopiert", {}, {}};
        };
        size_t finished = 0;
        hooks.finished = [&](size_t, const PlannedSegment&, const SegmentTarget&, const SegmentResult*) { ++finished; };
        const JobReport resumed = runJob(plan, t2, hooks, cancel);
        QCOMPARE(again.model.calls, 2);
        QCOMPARE(resumed.reused, size_t(2));
        QCOMPARE(finished, size_t(4));
        const auto all = assemble(**doc, plan, resumed.targets, {});
        QCOMPARE(all.size(), size_t(3));
        auto full = (*doc)->write(all, {"de"});
        QVERIFY(full && (*doc)->validate(*full).has_value());
        QVERIFY(q(*full).contains("msgstr[1] \"%d Dateien kopiert\""));
    }

    void cancelStopsBetweenSegments() {
        const std::string md = "Delete the file?\n\nSave your changes.\n\nClose the window.\n\nRestart your computer.\n";
        auto doc = formats::open(md, formats::Format::Markdown);
        QVERIFY(doc);
        Rig rig;
        Translator t = rig.translator();
        const auto plan = planSegments(**doc, PlanOptions{});
        std::atomic<bool> cancel{false};
        JobHooks hooks;
        hooks.finished = [&](size_t i, const PlannedSegment&, const SegmentTarget&, const SegmentResult*) {
            if (i == 1)
                cancel = true;
        };
        const JobReport report = runJob(plan, t, hooks, cancel);
        QVERIFY(report.cancelled);
        QCOMPARE(report.translated, size_t(2));
        QCOMPARE(report.targets[2].status, SegmentStatus::Pending);
        QCOMPARE(assemble(**doc, plan, report.targets, {}).size(), size_t(2));
    }
};

QTEST_GUILESS_MAIN(TranslatorTest)
#include "translatortest.moc"
