#pragma once
// The translate view's single point of control for QML (issue 16): languages (detected source with its
// confidence, target, swap, recent pairs), style and formality, the aligned segments as they stream in,
// per-segment actions (again, alternatives, more/less formal, shorter, edit, lock), the glossary of the
// pair, and the queue of file jobs. The work happens in service::TranslationWorker on the engine thread;
// this object only sends it values and turns what comes back into the models, on the GUI thread.
#include <QHash>
#include <QObject>
#include <QStringList>
#include <QUrl>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>
#include <functional>
#include <memory>

#include "service/translationworker.h"
#include "ui/translate/jobmodel.h"
#include "ui/translate/segmentmodel.h"

class QQmlEngine;
class QJSEngine;

namespace lantern::storage {
class TranslationStore;
}

namespace lantern::ui {

class ModelManager;

class TranslateController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(QVariantList languages READ languages CONSTANT)
    Q_PROPERTY(QString sourceLanguage READ sourceLanguage WRITE setSourceLanguage NOTIFY languagesChanged)
    Q_PROPERTY(QString targetLanguage READ targetLanguage WRITE setTargetLanguage NOTIFY languagesChanged)
    Q_PROPERTY(QString detectedLanguage READ detectedLanguage NOTIFY detectionChanged)
    Q_PROPERTY(QString detectedName READ detectedName NOTIFY detectionChanged)
    Q_PROPERTY(int detectedConfidence READ detectedConfidence NOTIFY detectionChanged)
    Q_PROPERTY(bool detectionReliable READ detectionReliable NOTIFY detectionChanged)
    Q_PROPERTY(QVariantList recentPairs READ recentPairs NOTIFY recentPairsChanged)
    Q_PROPERTY(QString style READ style WRITE setStyle NOTIFY styleChanged)
    Q_PROPERTY(int formality READ formality WRITE setFormality NOTIFY styleChanged)
    Q_PROPERTY(QVariantList formalityOptions READ formalityOptions NOTIFY languagesChanged)
    Q_PROPERTY(bool sourceRtl READ sourceRtl NOTIFY languagesChanged)
    Q_PROPERTY(bool targetRtl READ targetRtl NOTIFY languagesChanged)
    Q_PROPERTY(lantern::ui::SegmentModel* segments READ segments CONSTANT)
    Q_PROPERTY(lantern::ui::JobModel* jobs READ jobs CONSTANT)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(QString statusText READ statusText NOTIFY statusChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY errorTextChanged)
    Q_PROPERTY(QString output READ output NOTIFY outputChanged)
    Q_PROPERTY(QVariantList glossary READ glossary NOTIFY glossaryChanged)
    Q_PROPERTY(QString glossaryMessage READ glossaryMessage NOTIFY glossaryChanged)
    // Translation memory: matches at least this similar (percent) are given to the model as examples;
    // exact ones (100) are reused without asking the model.
    // The model routing table (translation/routing.h): "FROM TO MODEL" lines; the first rule that matches the
    // pair names the model a translation loads first ("default": whatever is loaded).
    Q_PROPERTY(QString routes READ routes WRITE setRoutes NOTIFY routesChanged)
    Q_PROPERTY(QString routesError READ routesError NOTIFY routesChanged)
    Q_PROPERTY(int memoryThreshold READ memoryThreshold WRITE setMemoryThreshold NOTIFY styleChanged)
public:
    TranslateController(ModelManager* models, const QString& databasePath, QObject* parent = nullptr);
    ~TranslateController() override;

    static void setInstance(TranslateController* controller);
    static TranslateController* create(QQmlEngine*, QJSEngine*);

    QVariantList languages() const;
    QString sourceLanguage() const { return m_source; }
    void setSourceLanguage(const QString& code);
    QString targetLanguage() const { return m_target; }
    void setTargetLanguage(const QString& code);
    QString detectedLanguage() const { return m_detected; }
    QString detectedName() const;
    int detectedConfidence() const { return m_confidence; }
    bool detectionReliable() const { return m_reliable; }
    QVariantList recentPairs() const;
    QString style() const { return m_style; }
    void setStyle(const QString& style);
    int formality() const { return m_formality; }
    void setFormality(int formality);
    QVariantList formalityOptions() const;
    bool sourceRtl() const;
    bool targetRtl() const;
    SegmentModel* segments() { return &m_segments; }
    JobModel* jobs() { return &m_jobs; }
    bool busy() const { return m_busy; }
    QString statusText() const { return m_status; }
    QString errorText() const { return m_error; }
    QString output() const { return m_output; }
    QVariantList glossary() const { return m_glossary; }
    QString glossaryMessage() const { return m_glossaryMessage; }
    int memoryThreshold() const { return m_memoryThreshold; }
    QString routes() const { return m_routes; }
    void setRoutes(const QString& text);
    QString routesError() const { return m_routesError; }
    void setMemoryThreshold(int percent);

    Q_INVOKABLE void translate(const QString& text);
    Q_INVOKABLE void stop();
    Q_INVOKABLE void swap();
    Q_INVOKABLE void usePair(const QString& source, const QString& target);
    Q_INVOKABLE void retranslate(int row);
    Q_INVOKABLE void requestAlternatives(int row);
    Q_INVOKABLE void chooseAlternative(int row, const QString& text);
    Q_INVOKABLE void rewrite(int row, const QString& how);  // "formal", "informal", "shorter"
    Q_INVOKABLE void setTarget(int row, const QString& text);
    Q_INVOKABLE void setLocked(int row, bool locked);
    Q_INVOKABLE void copyTranslation();
    Q_INVOKABLE void addFiles(const QList<QUrl>& urls);
    Q_INVOKABLE void cancelJob(qint64 jobId);
    Q_INVOKABLE void retryJob(qint64 jobId);
    Q_INVOKABLE void removeJob(qint64 jobId);
    Q_INVOKABLE bool openOutput(qint64 jobId);
    Q_INVOKABLE void addTerm(const QString& source, const QString& target, bool doNotTranslate);
    Q_INVOKABLE void removeTerm(qint64 termId);
    // A .tmx file is the translation memory of the current pair; .csv and .tbx are its glossary.
    Q_INVOKABLE void importGlossary(const QUrl& file);
    Q_INVOKABLE void exportGlossary(const QUrl& file);
    Q_INVOKABLE void dismissError();

    service::TranslationWorker* worker() const { return m_worker; }

signals:
    void languagesChanged();
    void detectionChanged();
    void recentPairsChanged();
    void styleChanged();
    void busyChanged();
    void statusChanged();
    void errorTextChanged();
    void outputChanged();
    void glossaryChanged();
    void routesChanged();
    // The source pane's text was replaced (swap puts the translation there).
    void sourceReplaced(const QString& text);

private:
    service::TranslateOptions options() const;
    QString effectiveSource() const { return m_source.isEmpty() ? m_detected : m_source; }
    void setBusy(bool busy);
    void setStatus(const QString& text);
    void setError(const QString& text);
    void rememberPair();
    void retranslateAll();
    void reloadJobs();
    void reloadGlossary();
    template <class F>
    void post(F&& f);
    // Runs `work` once the model the routing table names for the current pair is loaded (at once when no
    // rule names another model than the loaded one).
    void withRoutedModel(std::function<void()> work);

    ModelManager* m_models;
    std::unique_ptr<storage::TranslationStore> m_store;
    service::TranslationWorker* m_worker = nullptr;
    SegmentModel m_segments;
    JobModel m_jobs;
    QString m_source, m_target, m_detected, m_style, m_status, m_error, m_output, m_glossaryMessage;
    int m_confidence = 0, m_formality = 0, m_memoryThreshold = 75;
    bool m_reliable = false, m_busy = false;
    quint64 m_request = 0;
    QVariantList m_glossary;
    QStringList m_recent;  // "src>tgt"
    QString m_routes, m_routesError;
    QMetaObject::Connection m_waitForModel;
    QString m_lastText;        // what was last translated
    QString m_segmentsTarget;  // the language the shown segments are in
};

}  // namespace lantern::ui
