// The pipeline on a real corpus: GNU coreutils' German catalogue from this machine (msgunfmt turns the
// installed .mo back into a .po): thousands of c-format strings with %s, %d, %'lu, %1$s, plurals and
// contexts. A stand-in model that keeps every token and rewrites the words (ROT13, so nothing is "already
// translated") goes through protect, prompt, clean, check, restore, assemble and write; msgfmt --check on
// the written file (translations marked final, so msgfmt checks every format string) is the independent
// judge that no placeholder was lost, duplicated or reordered where the format forbids it.
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/support/testenv.h"
#include "tests/translation/scriptedmodel.h"
#include "translation/formats/formats.h"
#include "translation/job.h"

using namespace lantern::translation;

namespace {

std::string rot13(std::string_view text) {
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        if (text[i] == '<') {  // a token: kept byte for byte
            const size_t end = text.find('>', i);
            if (end != std::string_view::npos) {
                out.append(text.substr(i, end + 1 - i));
                i = end + 1;
                continue;
            }
        }
        char c = text[i++];
        if (c >= 'a' && c <= 'z')
            c = char('a' + (c - 'a' + 13) % 26);
        else if (c >= 'A' && c <= 'Z')
            c = char('A' + (c - 'A' + 13) % 26);
        out += c;
    }
    return out;
}

}  // namespace

class CorpusTest : public QObject {
    Q_OBJECT
private slots:
    void coreutilsCatalogueThroughThePipeline() {
        const QString mo = QStringLiteral("/usr/share/locale/de/LC_MESSAGES/coreutils.mo");
        QVERIFY2(QFile::exists(mo), "coreutils' German catalogue is missing (Debian: coreutils ships it)");
        QProcess unfmt;
        unfmt.start("msgunfmt", {mo});
        QVERIFY(unfmt.waitForFinished(60000));
        QCOMPARE(unfmt.exitCode(), 0);
        const std::string po = unfmt.readAllStandardOutput().toStdString();
        auto doc = formats::open(po, formats::Format::Po);
        QVERIFY2(doc, doc ? "" : doc.error().detail.c_str());

        lantern::test::ScriptedProfile profile;
        const TranslateSettings settings{.sourceLanguage = "en", .targetLanguage = "de", .profile = &profile};
        GenerateFn rot = [&](const Prompt&, const std::function<void(std::string_view)>& onText) -> lantern::Result<GenerateOutcome> {
            GenerateOutcome o;
            o.text = rot13(profile.last.text);
            onText(o.text);
            return o;
        };
        Translator translator(rot, settings);
        PlanOptions options;
        options.which = PlanOptions::Which::All;
        options.targetLanguage = "de";
        QElapsedTimer timer;
        timer.start();
        const std::vector<PlannedSegment> plan = planSegments(**doc, options);
        QVERIFY(plan.size() > 1000);
        std::atomic<bool> cancel{false};
        const JobReport report = runJob(plan, translator, {}, cancel);
        const auto units = assemble(**doc, plan, report.targets, {false, true});
        auto written = (*doc)->write(units, {"de"});
        const double perSegmentUs = 1000.0 * double(timer.elapsed()) / double(plan.size());
        QVERIFY(written);
        // Every token came back: only the language and length checks may object to ROT13 "German".
        size_t tokenFailures = 0;
        for (const SegmentTarget& t : report.targets)
            for (const Check& c : t.checks)
                tokenFailures += (!c.passed && c.id == "tokens") ? 1 : 0;
        QCOMPARE(tokenFailures, size_t(0));
        QVERIFY(units.size() > (*doc)->units().size() * 8 / 10);

        QTemporaryDir dir;
        QFile out(dir.filePath("coreutils.de.po"));
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(written->data(), qint64(written->size()));
        out.close();
        QProcess msgfmt;
        msgfmt.start("msgfmt", {"--check", "-o", "/dev/null", out.fileName()});
        QVERIFY(msgfmt.waitForFinished(60000));
        QVERIFY2(msgfmt.exitCode() == 0, msgfmt.readAllStandardError().left(2000).constData());
        QVERIFY((*doc)->validate(*written).has_value());
        qInfo("%zu segments of %zu units, %zu written; pipeline without the model: %.0f us per segment",
              plan.size(), (*doc)->units().size(), units.size(), perSegmentUs);
    }
};

QTEST_GUILESS_MAIN(CorpusTest)
#include "corpustest.moc"
