#pragma once
// The models on disk (the models folder): what each is, and the operations the library's "On this computer" page
// offers. A split set (name-00001-of-0000N.gguf ...) is one model. Blocking functions (they read files): call
// them from a worker thread; progress callbacks are called on that thread.
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <vector>

class QSettings;

namespace lantern::service {

struct LocalModel {
    QString path;           // the file to load: the single file or a split set's first part
    QStringList files;      // all its files (absolute paths)
    QString name;           // general.name, else the file name
    QString quantization;   // from the file's metadata ("Q4_K_M")
    QString architecture;   // "qwen3", ...
    quint64 parameters = 0;
    quint32 contextLength = 0;  // trained context
    qint64 sizeBytes = 0;   // all files
    bool isLink = false;    // a symbolic link to a file elsewhere (imported by link)
    QDateTime lastUsed;     // invalid when never loaded
    QString error;          // "" when it reads as a model; else why not (it is listed anyway, so it can be deleted)
};

// *.gguf in dir (not in .downloads), split sets grouped (an incomplete set is listed with an error), sorted by
// name. settings: where last use is kept (markUsed), may be null.
std::vector<LocalModel> scanModels(const QString& dir, QSettings* settings);

// Remembers that the model at path was loaded now (QSettings key "library/lastUsed/<file name>").
void markUsed(QSettings& settings, const QString& path);
QDateTime lastUsed(QSettings& settings, const QString& path);

using ProgressFn = std::function<void(qint64 done, qint64 total)>;

// Deletes all the model's files. "" on success, else a sentence (nothing is deleted when the first file fails).
QString deleteModel(const LocalModel& model);

enum class ImportMode { Copy, Link };
// Brings a GGUF file (for a split set: any of its parts; all parts come) into dir, by copy or symbolic link.
// Refuses a file that is not a readable GGUF model (the engine's check), a name that exists, too little free
// space for a copy. On success "" and *importedPath is the file to load; else a sentence (a cancel too). A
// cancelled or failed copy leaves nothing.
QString importModel(const QString& source, const QString& dir, ImportMode mode, QString* importedPath,
                    const ProgressFn& progress = {}, const std::atomic<bool>* cancel = nullptr);

// Moves every model (and .downloads, so partial downloads keep resuming) from one folder to another: a rename on
// the same file system, else copy, check the size, then delete the original. Checks free space first. On failure
// or cancel, files already moved stay moved and nothing is lost (no file exists only half-copied); the sentence
// says what happened ("" when everything moved, or when both name the same folder). Other files in `from` stay.
QString moveModelsFolder(const QString& from, const QString& to, const ProgressFn& progress = {},
                         const std::atomic<bool>* cancel = nullptr);

}  // namespace lantern::service
