// service/library/localmodels.cpp on real files: small synthetic GGUF models (tests/support/ggufwriter),
// split sets written the way gguf-split writes them, a corrupt file; last use in an INI file; delete, import
// (copy, link, refusals, cancel) and moving the models folder on one file system (renames) and across two
// (/dev/shm to /tmp, where they are different devices).
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QSettings>
#include <QStorageInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>

#include "inference/engine.h"
#include "service/errortext.h"
#include "service/library/localmodels.h"
#include "tests/support/ggufwriter.h"

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

using namespace lantern;
using namespace lantern::service;

namespace {

test::GgufWriter smallModel(const std::string& name, uint64_t seed = 1) {
    test::SyntheticModel spec;
    spec.nEmbd = 64;
    spec.nFf = 128;
    spec.nHead = 4;
    spec.nHeadKv = 2;
    spec.nLayer = 2;
    spec.nVocab = 300;
    spec.context = 128;
    spec.seed = seed;
    test::GgufWriter w = test::syntheticModel(spec);
    w.set("general.name", name);
    w.set("general.file_type", uint32_t(0));  // all F32: what the engine names the quantization from
    return w;
}

// About 9 MB: more than one 4 MiB copy chunk, so a cancel lands in the middle of the file.
void writeBigModel(const QString& path) {
    test::SyntheticModel spec;
    spec.nEmbd = 256;
    spec.nFf = 1024;
    spec.nLayer = 2;
    QVERIFY(test::syntheticModel(spec).write(path.toStdString()));
    QVERIFY(QFileInfo(path).size() > (qint64(8) << 20));
}

void writeModel(const QString& path, const std::string& name, uint64_t seed = 1) {
    QVERIFY(smallModel(name, seed).write(path.toStdString()));
}

// "<dir>/<base>-0000k-of-0000N.gguf" for k = 1..parts.
QStringList writeSplit(const QString& dir, const QString& base, const std::string& name, uint32_t parts) {
    auto paths = smallModel(name, 7).writeSplit(QDir(dir).filePath(base).toStdString(), parts);
    QStringList out;
    if (paths) {
        for (const auto& p : *paths) {
            out << QString::fromStdString(p.string());
        }
    }
    return out;
}

void writeBytes(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(bytes), bytes.size());
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Every entry of a folder, hidden ones and links included, relative and sorted.
QStringList everything(const QString& dir) {
    QStringList out;
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        out << QDir(dir).relativeFilePath(it.next());
    }
    out.sort();
    return out;
}

// Different file systems, as moveModelsFolder tells them apart (a rename between them fails).
bool differentVolumes(const QString& a, const QString& b) {
    const QStorageInfo x(a);
    const QStorageInfo y(b);
    return x.device() != y.device() || x.rootPath() != y.rootPath();
}

quint64 inode(const QString& path) {
#ifdef Q_OS_UNIX
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? quint64(st.st_ino) : 0;
#else
    Q_UNUSED(path);
    return 0;
#endif
}

const LocalModel* byName(const std::vector<LocalModel>& models, const QString& name) {
    for (const LocalModel& m : models) {
        if (m.name == name) {
            return &m;
        }
    }
    return nullptr;
}

// A folder with two models, a three-part split set and partial downloads, for the move tests.
void fillModelsFolder(const QString& dir) {
    QDir().mkpath(dir + QStringLiteral("/.downloads/sub"));
    writeModel(dir + QStringLiteral("/alpha.gguf"), "Alpha", 1);
    writeModel(dir + QStringLiteral("/beta.gguf"), "Beta", 2);
    QCOMPARE(writeSplit(dir, QStringLiteral("gamma"), "Gamma", 3).size(), 3);
    writeBytes(dir + QStringLiteral("/.downloads/delta.gguf.part"), QByteArray(100000, 'd'));
    writeBytes(dir + QStringLiteral("/.downloads/sub/state.json"), "{}");
}

}  // namespace

class LocalModelsTest : public QObject {
    Q_OBJECT

private slots:
    void quantizationFromTensorsWithoutFileType();
    void scanGroupsSplitSetsAndListsBrokenFiles();
    void lastUse();
    void deleteRemovesEveryPart();
    void deleteRefusesWhenTheFirstFileCannotGo();
    void importCopies();
    void importLinks();
    void importBringsEveryPartOfASplitSet();
    void importRefuses();
    void importCancelLeavesNothing();
    void moveOnOneFileSystemRenames();
    void moveAcrossFileSystemsCopies();
    void moveRefusesAnExistingName();
    void moveCancelKeepsEveryFileWhole();

private:
    void checkMoved(const QString& from, const QString& to, const QHash<QString, QByteArray>& before);
};

// A file without general.file_type (some converters write none) is named by the type its matrices are in.
void LocalModelsTest::quantizationFromTensorsWithoutFileType() {
    QTemporaryDir tmp;
    for (const auto& [type, label] :
         {std::pair{gguf::GgmlType::F32, "F32"}, std::pair{gguf::GgmlType::Q8_0, "Q8_0"}}) {
        test::SyntheticModel spec;
        spec.nEmbd = 64;
        spec.nFf = 128;
        spec.nLayer = 1;
        spec.nVocab = 300;
        spec.type = type;
        const QString path = tmp.filePath(QStringLiteral("m-%1.gguf").arg(QLatin1String(label)));
        QVERIFY(test::syntheticModel(spec).write(path.toStdString()));
    }
    const std::vector<LocalModel> models = scanModels(tmp.path(), nullptr);
    QCOMPARE(models.size(), size_t(2));
    QStringList labels;
    for (const LocalModel& m : models) {
        QVERIFY2(m.error.isEmpty(), qPrintable(m.error));
        labels << m.quantization;
    }
    labels.sort();
    QCOMPARE(labels, (QStringList{"F32", "Q8_0"}));
}

void LocalModelsTest::scanGroupsSplitSetsAndListsBrokenFiles() {
    QTemporaryDir tmp;
    const QString dir = tmp.path();
    writeModel(dir + QStringLiteral("/beta.gguf"), "Beta", 2);
    writeModel(dir + QStringLiteral("/alpha.gguf"), "Alpha", 1);
    const QStringList gamma = writeSplit(dir, QStringLiteral("gamma"), "Gamma", 3);
    QCOMPARE(gamma.size(), 3);
    const QStringList delta = writeSplit(dir, QStringLiteral("delta"), "Delta", 3);
    QVERIFY(QFile::remove(delta[1]));  // an incomplete set
    writeBytes(dir + QStringLiteral("/corrupt.gguf"), "this is not a model");
    QDir().mkpath(dir + QStringLiteral("/.downloads"));
    writeModel(dir + QStringLiteral("/.downloads/pending.gguf"), "Pending");
    writeBytes(dir + QStringLiteral("/partial.gguf.part"), "GGUF");
    writeBytes(dir + QStringLiteral("/notes.txt"), "hello");

    const std::vector<LocalModel> models = scanModels(dir, nullptr);
    QStringList names;
    for (const LocalModel& m : models) {
        names << m.name;
    }
    // Sorted by name, ignoring case; the broken ones under their file names.
    QCOMPARE(names, (QStringList{"Alpha", "Beta", "corrupt", "delta", "Gamma"}));

    const LocalModel& alpha = models[0];
    QCOMPARE(alpha.error, QString());
    QCOMPARE(alpha.path, QFileInfo(dir + QStringLiteral("/alpha.gguf")).absoluteFilePath());
    QCOMPARE(alpha.files, QStringList{alpha.path});
    QCOMPARE(alpha.architecture, QStringLiteral("llama"));
    QCOMPARE(alpha.contextLength, 128u);
    QVERIFY(alpha.parameters > 0);
    QCOMPARE(alpha.quantization, QStringLiteral("F32"));
    QCOMPARE(alpha.sizeBytes, QFileInfo(alpha.path).size());
    QVERIFY(!alpha.isLink);
    QVERIFY(!alpha.lastUsed.isValid());

    const LocalModel& corrupt = models[2];
    QVERIFY(!corrupt.error.isEmpty());
    QCOMPARE(corrupt.files.size(), 1);

    const LocalModel& incomplete = models[3];
    QVERIFY(incomplete.error.contains(QStringLiteral("delta-00002-of-00003.gguf")));
    QCOMPARE(incomplete.files, (QStringList{delta[0], delta[2]}));

    const LocalModel& split = models[4];
    QVERIFY2(split.error.isEmpty(), qPrintable(split.error));
    QCOMPARE(split.path, gamma[0]);
    QCOMPARE(split.files, gamma);
    qint64 total = 0;
    for (const QString& f : gamma) {
        total += QFileInfo(f).size();
    }
    QCOMPARE(split.sizeBytes, total);
    QCOMPARE(split.architecture, QStringLiteral("llama"));
}

void LocalModelsTest::lastUse() {
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("alpha.gguf"));
    writeModel(path, "Alpha");
    const QString ini = tmp.filePath(QStringLiteral("settings.ini"));
    {
        QSettings settings(ini, QSettings::IniFormat);
        QVERIFY(!lastUsed(settings, path).isValid());
        const QDateTime before = QDateTime::currentDateTimeUtc();
        markUsed(settings, path);
        const QDateTime after = QDateTime::currentDateTimeUtc();
        const QDateTime used = lastUsed(settings, path);
        QVERIFY(used.isValid());
        QVERIFY(used >= before.addMSecs(-1) && used <= after.addMSecs(1));
        QVERIFY(settings.contains(QStringLiteral("library/lastUsed/alpha.gguf")));
    }
    // Kept in the file, and shown by the scan.
    QSettings reopened(ini, QSettings::IniFormat);
    const std::vector<LocalModel> models = scanModels(tmp.path(), &reopened);
    QCOMPARE(models.size(), size_t(1));
    QVERIFY(models[0].lastUsed.isValid());
    QCOMPARE(models[0].lastUsed, lastUsed(reopened, path));
    QVERIFY(!lastUsed(reopened, tmp.filePath(QStringLiteral("other.gguf"))).isValid());
}

void LocalModelsTest::deleteRemovesEveryPart() {
    QTemporaryDir tmp;
    const QStringList parts = writeSplit(tmp.path(), QStringLiteral("gamma"), "Gamma", 3);
    writeModel(tmp.filePath(QStringLiteral("alpha.gguf")), "Alpha");
    std::vector<LocalModel> models = scanModels(tmp.path(), nullptr);
    const LocalModel* gamma = byName(models, QStringLiteral("Gamma"));
    QVERIFY(gamma);
    QCOMPARE(deleteModel(*gamma), QString());
    for (const QString& p : parts) {
        QVERIFY2(!QFileInfo::exists(p), qPrintable(p));
    }
    models = scanModels(tmp.path(), nullptr);
    QCOMPARE(models.size(), size_t(1));
    QCOMPARE(models[0].name, QStringLiteral("Alpha"));

    // A model imported by link: the link goes, the file it points to stays.
    QTemporaryDir elsewhere;
    const QString target = elsewhere.filePath(QStringLiteral("linked.gguf"));
    writeModel(target, "Linked");
    QVERIFY(QFile::link(target, tmp.filePath(QStringLiteral("linked.gguf"))));
    const LocalModel* linked = byName(scanModels(tmp.path(), nullptr), QStringLiteral("Linked"));
    QVERIFY(linked);
    QVERIFY(linked->isLink);
    QCOMPARE(deleteModel(*linked), QString());
    QVERIFY(!QFileInfo(tmp.filePath(QStringLiteral("linked.gguf"))).isSymLink());
    QVERIFY(QFileInfo::exists(target));
}

void LocalModelsTest::deleteRefusesWhenTheFirstFileCannotGo() {
    // A folder where the first file should be cannot be removed as a file, even by root (a read-only folder
    // would not stop root).
    QTemporaryDir tmp;
    const QString blocker = tmp.filePath(QStringLiteral("gamma-00001-of-00002.gguf"));
    QVERIFY(QDir().mkpath(blocker + QStringLiteral("/inside")));
    const QString second = tmp.filePath(QStringLiteral("gamma-00002-of-00002.gguf"));
    writeModel(second, "Gamma");
    LocalModel model;
    model.path = blocker;
    model.files = {blocker, second};
    const QString error = deleteModel(model);
    QVERIFY2(error.contains(QStringLiteral("Nothing was deleted")), qPrintable(error));
    QVERIFY(error.contains(QStringLiteral("gamma-00001-of-00002.gguf")));
    QVERIFY(QFileInfo::exists(second));
    QVERIFY(QFileInfo(blocker).isDir());

    // A later file that cannot go: the sentence says what was deleted and what is left.
    const QString first = tmp.filePath(QStringLiteral("delta.gguf"));
    writeModel(first, "Delta");
    model.files = {first, blocker};
    const QString partly = deleteModel(model);
    QVERIFY2(partly.contains(QStringLiteral("1 of")), qPrintable(partly));
    QVERIFY(!QFileInfo::exists(first));
}

void LocalModelsTest::importCopies() {
    QTemporaryDir src;
    QTemporaryDir models;
    const QString source = src.filePath(QStringLiteral("alpha.gguf"));
    writeModel(source, "Alpha");
    const QString dir = models.filePath(QStringLiteral("not-yet-there"));
    QString imported;
    qint64 lastDone = -1;
    qint64 lastTotal = -1;
    const QString error =
        importModel(source, dir, ImportMode::Copy, &imported, [&](qint64 done, qint64 total) {
            QVERIFY(done > lastDone);
            lastDone = done;
            lastTotal = total;
        });
    QCOMPARE(error, QString());
    QCOMPARE(imported, QDir(dir).absoluteFilePath(QStringLiteral("alpha.gguf")));
    QVERIFY(!QFileInfo(imported).isSymLink());
    QCOMPARE(readAll(imported), readAll(source));
    QCOMPARE(lastTotal, QFileInfo(source).size());
    QCOMPARE(lastDone, lastTotal);
    QCOMPARE(everything(dir), QStringList{"alpha.gguf"});  // no temporary left behind
    QVERIFY(QFileInfo::exists(source));
    const std::vector<LocalModel> scanned = scanModels(dir, nullptr);
    QCOMPARE(scanned.size(), size_t(1));
    QCOMPARE(scanned[0].error, QString());
}

void LocalModelsTest::importLinks() {
    QTemporaryDir src;
    QTemporaryDir models;
    const QString source = src.filePath(QStringLiteral("alpha.gguf"));
    writeModel(source, "Alpha");
    QString imported;
    QCOMPARE(importModel(source, models.path(), ImportMode::Link, &imported), QString());
    const QFileInfo link(imported);
    QVERIFY(link.isSymLink());
    QCOMPARE(link.symLinkTarget(), QFileInfo(source).canonicalFilePath());
    const std::vector<LocalModel> scanned = scanModels(models.path(), nullptr);
    QCOMPARE(scanned.size(), size_t(1));
    QVERIFY(scanned[0].isLink);
    QCOMPARE(scanned[0].sizeBytes, QFileInfo(source).size());
    QCOMPARE(scanned[0].error, QString());

    // Its file gone (a disk unplugged): still listed, with a sentence, so it can be deleted.
    QVERIFY(QFile::remove(source));
    const std::vector<LocalModel> dangling = scanModels(models.path(), nullptr);
    QCOMPARE(dangling.size(), size_t(1));
    QVERIFY(dangling[0].error.contains(QStringLiteral("missing")));
    QCOMPARE(deleteModel(dangling[0]), QString());
    QCOMPARE(everything(models.path()), QStringList());
}

void LocalModelsTest::importBringsEveryPartOfASplitSet() {
    QTemporaryDir src;
    QTemporaryDir models;
    const QStringList parts = writeSplit(src.path(), QStringLiteral("gamma"), "Gamma", 3);
    QString imported;
    // Any part names the set.
    QCOMPARE(importModel(parts[1], models.path(), ImportMode::Copy, &imported), QString());
    QCOMPARE(imported, QDir(models.path()).absoluteFilePath(QFileInfo(parts[0]).fileName()));
    QStringList names;
    for (const QString& p : parts) {
        names << QFileInfo(p).fileName();
        QCOMPARE(readAll(models.filePath(QFileInfo(p).fileName())), readAll(p));
    }
    QCOMPARE(everything(models.path()), names);

    // A set with a part missing is refused, naming the part.
    QTemporaryDir broken;
    const QStringList partial = writeSplit(broken.path(), QStringLiteral("delta"), "Delta", 3);
    QVERIFY(QFile::remove(partial[2]));
    QTemporaryDir target;
    const QString error = importModel(partial[0], target.path(), ImportMode::Copy, &imported);
    QVERIFY(error.contains(QStringLiteral("delta-00003-of-00003.gguf")));
    QCOMPARE(everything(target.path()), QStringList());
}

void LocalModelsTest::importRefuses() {
    QTemporaryDir src;
    QTemporaryDir models;
    QString imported;

    // Not a GGUF model: the engine's own sentence.
    const QString text = src.filePath(QStringLiteral("notes.gguf"));
    writeBytes(text, "just some text, not a model");
    const auto inspected = Engine::inspect(text.toStdString());
    QVERIFY(!inspected);
    QCOMPARE(importModel(text, models.path(), ImportMode::Copy, &imported), describeError(inspected.error()));
    QCOMPARE(importModel(text, models.path(), ImportMode::Link, &imported), describeError(inspected.error()));
    QCOMPARE(everything(models.path()), QStringList());

    // Not there at all.
    QVERIFY(
        !importModel(src.filePath(QStringLiteral("absent.gguf")), models.path(), ImportMode::Copy, &imported)
             .isEmpty());

    // A name the folder has already: refused, the existing file untouched.
    const QString source = src.filePath(QStringLiteral("alpha.gguf"));
    writeModel(source, "Alpha", 1);
    const QString existing = models.filePath(QStringLiteral("alpha.gguf"));
    writeModel(existing, "Other alpha", 2);
    const QByteArray before = readAll(existing);
    for (ImportMode mode : {ImportMode::Copy, ImportMode::Link}) {
        const QString error = importModel(source, models.path(), mode, &imported);
        QVERIFY2(error.contains(QStringLiteral("alpha.gguf")), qPrintable(error));
        QCOMPARE(readAll(existing), before);
        QVERIFY(!QFileInfo(existing).isSymLink());
    }
    QCOMPARE(everything(models.path()), QStringList{"alpha.gguf"});
}

void LocalModelsTest::importCancelLeavesNothing() {
    QTemporaryDir src;
    QTemporaryDir models;
    {
        // Cancelled in the middle of one file.
        const QString big = src.filePath(QStringLiteral("big.gguf"));
        writeBigModel(big);
        std::atomic<bool> cancel = false;
        qint64 copied = 0;
        QString imported;
        const QString error = importModel(
            big, models.path(), ImportMode::Copy, &imported,
            [&](qint64 done, qint64) {
                copied = done;
                cancel = true;
            },
            &cancel);
        QVERIFY2(error.contains(QStringLiteral("cancelled")), qPrintable(error));
        QVERIFY(copied > 0 && copied < QFileInfo(big).size());
        QCOMPARE(everything(models.path()), QStringList());
        QCOMPARE(imported, QString());
    }
    const QStringList parts = writeSplit(src.path(), QStringLiteral("gamma"), "Gamma", 3);
    QString imported;
    // Cancelled once the first part is complete: the parts copied so far go too.
    std::atomic<bool> cancel = false;
    const qint64 firstPart = QFileInfo(parts[0]).size();
    qint64 copied = 0;
    const QString error = importModel(
        parts[0], models.path(), ImportMode::Copy, &imported,
        [&](qint64 done, qint64) {
            copied = done;
            cancel = done >= firstPart;
        },
        &cancel);
    QVERIFY(error.contains(QStringLiteral("cancelled")));
    QCOMPARE(copied, firstPart);  // stopped in the second part, with the first one complete
    QCOMPARE(everything(models.path()), QStringList());
    QCOMPARE(imported, QString());

    // Cancelled before it starts.
    std::atomic<bool> already = true;
    QVERIFY(!importModel(parts[0], models.path(), ImportMode::Copy, &imported, {}, &already).isEmpty());
    QCOMPARE(everything(models.path()), QStringList());
}

void LocalModelsTest::checkMoved(const QString& from, const QString& to,
                                 const QHash<QString, QByteArray>& before) {
    for (auto it = before.begin(); it != before.end(); ++it) {
        QVERIFY2(!QFileInfo::exists(QDir(from).filePath(it.key())), qPrintable(it.key()));
        QVERIFY2(readAll(QDir(to).filePath(it.key())) == it.value(), qPrintable(it.key()));
    }
    // What is not a model stays; the emptied .downloads goes.
    QCOMPARE(everything(from), QStringList{"notes.txt"});
    QStringList expected = before.keys();
    expected << ".downloads"
             << ".downloads/sub";
    expected.sort();
    QCOMPARE(everything(to), expected);
}

namespace {
QHash<QString, QByteArray> contents(const QString& dir) {
    QHash<QString, QByteArray> out;
    for (const QString& rel : everything(dir)) {
        if (QFileInfo(QDir(dir).filePath(rel)).isFile() && rel != QLatin1String("notes.txt")) {
            out.insert(rel, readAll(QDir(dir).filePath(rel)));
        }
    }
    return out;
}
}  // namespace

void LocalModelsTest::moveOnOneFileSystemRenames() {
    QTemporaryDir tmp;
    const QString from = tmp.filePath(QStringLiteral("models"));
    const QString to = tmp.filePath(QStringLiteral("elsewhere/models"));
    fillModelsFolder(from);
    writeBytes(from + QStringLiteral("/notes.txt"), "not a model");
    const QHash<QString, QByteArray> before = contents(from);
    QCOMPARE(before.size(), 7);  // 2 models, 3 parts, 2 download files
    const quint64 alphaInode = inode(from + QStringLiteral("/alpha.gguf"));
    qint64 lastDone = 0;
    qint64 total = 0;
    const QString error = moveModelsFolder(from, to, [&](qint64 done, qint64 all) {
        lastDone = done;
        total = all;
    });
    QCOMPARE(error, QString());
    checkMoved(from, to, before);
    QCOMPARE(lastDone, total);
    QVERIFY(total > 0);
#ifdef Q_OS_UNIX
    QCOMPARE(inode(to + QStringLiteral("/alpha.gguf")), alphaInode);  // renamed, not copied
#endif
    QCOMPARE(scanModels(to, nullptr).size(), size_t(3));
    // The same folder twice: nothing to do.
    QCOMPARE(moveModelsFolder(to, to), QString());
    QCOMPARE(scanModels(to, nullptr).size(), size_t(3));
}

void LocalModelsTest::moveAcrossFileSystemsCopies() {
    if (!QFileInfo(QStringLiteral("/dev/shm")).isDir() || !QFileInfo(QStringLiteral("/tmp")).isDir() ||
        !differentVolumes(QStringLiteral("/dev/shm"), QStringLiteral("/tmp"))) {
        QSKIP("needs /dev/shm and /tmp on different file systems");
    }
    QTemporaryDir shm(QStringLiteral("/dev/shm/lantern-localmodels-XXXXXX"));
    QTemporaryDir tmp(QStringLiteral("/tmp/lantern-localmodels-XXXXXX"));
    QVERIFY(shm.isValid() && tmp.isValid());
    const QString from = shm.filePath(QStringLiteral("models"));
    const QString to = tmp.filePath(QStringLiteral("models"));
    fillModelsFolder(from);
    writeBytes(from + QStringLiteral("/notes.txt"), "not a model");
    // A model imported by link moves as a link to the same file.
    QTemporaryDir outside;
    const QString target = outside.filePath(QStringLiteral("linked.gguf"));
    writeModel(target, "Linked");
    QVERIFY(QFile::link(target, from + QStringLiteral("/linked.gguf")));
    const QHash<QString, QByteArray> before = contents(from);
    QCOMPARE(before.size(), 8);
    qint64 lastDone = 0;
    qint64 total = 0;
    const QString error = moveModelsFolder(from, to, [&](qint64 done, qint64 all) {
        lastDone = done;
        total = all;
    });
    QCOMPARE(error, QString());
    checkMoved(from, to, before);
    QCOMPARE(lastDone, total);
    QVERIFY(QFileInfo(to + QStringLiteral("/linked.gguf")).isSymLink());
    QCOMPARE(QFileInfo(to + QStringLiteral("/linked.gguf")).symLinkTarget(),
             QFileInfo(target).canonicalFilePath());
    QCOMPARE(scanModels(to, nullptr).size(), size_t(4));
}

void LocalModelsTest::moveRefusesAnExistingName() {
    QTemporaryDir tmp;
    const QString from = tmp.filePath(QStringLiteral("a"));
    const QString to = tmp.filePath(QStringLiteral("b"));
    fillModelsFolder(from);
    QDir().mkpath(to);
    writeModel(to + QStringLiteral("/beta.gguf"), "Other beta", 9);
    const QHash<QString, QByteArray> before = contents(from);
    const QString error = moveModelsFolder(from, to);
    QVERIFY(error.contains(QStringLiteral("beta.gguf")));
    QVERIFY(error.contains(QStringLiteral("nothing was moved")));
    QCOMPARE(contents(from), before);
    QCOMPARE(everything(to), QStringList{"beta.gguf"});

    // Into its own .downloads: refused before anything moves.
    QVERIFY(!moveModelsFolder(from, from + QStringLiteral("/.downloads/sub")).isEmpty());
    QCOMPARE(contents(from), before);
}

void LocalModelsTest::moveCancelKeepsEveryFileWhole() {
    // On one file system and, where there are two, across them (a copy cancelled half-way).
    QStringList targets = {QDir::tempPath()};
    if (QFileInfo(QStringLiteral("/dev/shm")).isDir() &&
        differentVolumes(QStringLiteral("/dev/shm"), QDir::tempPath())) {
        targets << QStringLiteral("/dev/shm");
    }
    for (const QString& root : targets) {
        QTemporaryDir src;
        QTemporaryDir dst(root + QStringLiteral("/lantern-localmodels-XXXXXX"));
        const QString from = src.filePath(QStringLiteral("models"));
        const QString to = dst.filePath(QStringLiteral("models"));
        fillModelsFolder(from);
        const QHash<QString, QByteArray> before = contents(from);
        std::atomic<bool> cancel = false;
        const QString error = moveModelsFolder(
            from, to, [&](qint64, qint64) { cancel = true; }, &cancel);
        QVERIFY2(error.contains(QStringLiteral("cancelled")), qPrintable(error));
        // Each file whole in exactly one of the two folders, no temporary anywhere.
        int moved = 0;
        for (auto it = before.begin(); it != before.end(); ++it) {
            const bool here = QFileInfo::exists(QDir(from).filePath(it.key()));
            const bool there = QFileInfo::exists(QDir(to).filePath(it.key()));
            QVERIFY2(here != there, qPrintable(it.key()));
            QCOMPARE(readAll(QDir(here ? from : to).filePath(it.key())), it.value());
            moved += there ? 1 : 0;
        }
        QVERIFY(moved < before.size());
        for (const QString& rel : everything(to) + everything(from)) {
            QVERIFY2(!rel.endsWith(QLatin1String(".moving.part")), qPrintable(rel));
        }
        // Moving again finishes the job.
        QCOMPARE(moveModelsFolder(from, to), QString());
        QCOMPARE(contents(to), before);
    }
}

QTEST_GUILESS_MAIN(LocalModelsTest)
#include "localmodelstest.moc"
