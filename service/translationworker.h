#pragma once
// The translator on the inference thread (../shared/DESIGN.md "Engine service"). It lives beside the
// InferenceWorker in the same QThread and opens a session of its own on the worker's model, so chat and
// translation share one GPU without sharing a KV cache. Two kinds of work:
//   text   the translate view's source pane: planned into segments, streamed back segment by segment;
//          per-segment actions (again, alternatives, rewrites, checking a person's edit)
//   jobs   files and folders dropped on the view: kept in SQLite (storage/translationstore.h) with every
//          segment, run one model segment per event-loop turn (so chat requests are served in between),
//          written (validated, atomically) beside the source, resumed after the app was killed
// Everything in and out is values through queued signals and slots; cancelText()/cancelJob() are the
// direct, thread-safe calls (atomics the engine polls between tokens).
#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "inference/engine.h"
#include "translation/document.h"
#include "translation/job.h"

namespace lantern::storage {
class TranslationStore;
}

namespace lantern::service {

class InferenceWorker;

struct TranslateOptions {
    QString sourceLanguage;    // BCP 47; empty = detect
    QString targetLanguage;
    QString style;             // style / background text for the model
    int formality = 0;         // translation::Formality
    bool splitSentences = true;
    bool final = false;        // write localization files as finished
    bool writeFlagged = false;
    int memoryThreshold = 75;  // fuzzy translation-memory matches from this similarity on are context
    QString profile;           // a profile id; empty = chosen from the model
    QString project;           // glossary project ("" = global terms only)
};

// One row of the text view's aligned list, sent when the text is planned.
struct PlannedText {
    QStringList sources;
    QString sourceLanguage;
    int confidence = 0;        // of the detection; 100 when the user chose the language
    bool detected = false;
    bool reliable = false;
};

class TranslationWorker : public QObject {
    Q_OBJECT
public:
    TranslationWorker(InferenceWorker* engine, QString databasePath, QObject* parent = nullptr);
    ~TranslationWorker() override;

    void cancelText();            // thread-safe
    void cancelJob(qint64 jobId); // thread-safe; 0 = whichever runs

public slots:
    void start();  // opens the store and resumes unfinished jobs
    // `locked`: sentences the person locked, with their translations: kept, not sent to the model.
    void translateText(quint64 request, const QString& text, const lantern::service::TranslateOptions& options,
                       const QHash<QString, QString>& locked = {});
    void retranslateSegment(quint64 request, int index);
    void alternatives(quint64 request, int index, int count);
    void rewriteSegment(quint64 request, int index, int how, const QString& current);
    void checkEdit(quint64 request, int index, const QString& target);
    void addFiles(const QStringList& paths, const lantern::service::TranslateOptions& options);
    void retryJob(qint64 jobId);
    void removeJob(qint64 jobId);
    void runQueue();

signals:
    void textPlanned(quint64 request, const lantern::service::PlannedText& plan);
    void segmentPreview(quint64 request, int index, const QString& text);
    void segmentDone(quint64 request, int index, const QString& target, const QString& status,
                     const QStringList& problems);
    void textDone(quint64 request, const QString& output, const QString& summary);
    void alternativesReady(quint64 request, int index, const QStringList& targets);
    void editChecked(quint64 request, int index, const QStringList& problems);
    void jobsChanged();
    void jobProgress(qint64 jobId, int done, int total, int flagged);
    void failed(const QString& message);

private:
    struct Text;
    struct ActiveJob;
    Session* session();
    std::unique_ptr<translation::Translator> makeTranslator(const TranslateOptions& options,
                                                            const QString& sourceLanguage,
                                                            const std::atomic<bool>& cancel);
    QString currentOutput() const;
    bool segmentOf(quint64 request, int index) const;
    void settle(quint64 request, int index, const translation::SegmentResult& result);
    void stepJob();
    void finishJob(ActiveJob& job);
    bool beginJob(qint64 jobId);
    void saveMemory(const TranslateOptions& o, const QString& src, const QString& source, const QString& target,
                    const QString& origin);

    InferenceWorker* m_engine;
    QString m_databasePath;
    std::unique_ptr<storage::TranslationStore> m_store;
    std::unique_ptr<Session> m_session;
    std::unique_ptr<Text> m_text;
    std::unique_ptr<ActiveJob> m_job;
    std::atomic<bool> m_cancelText{false};
    std::atomic<bool> m_cancelJob{false};
    std::atomic<qint64> m_cancelJobId{0};
    std::atomic<bool> m_yield{false};
    bool m_stepQueued = false;
};

}  // namespace lantern::service

Q_DECLARE_METATYPE(lantern::service::TranslateOptions)
Q_DECLARE_METATYPE(lantern::service::PlannedText)
