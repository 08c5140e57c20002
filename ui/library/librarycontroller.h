#pragma once
// The model library (Catalogue, Downloads, On this computer, Search the hub) as the views and the settings
// page see it. Owns the hub's settings, client and download queue (models go to AppSettings::modelFolder),
// and a worker thread for everything that blocks on disk or the device query: the catalogue's fit badges
// (planCatalogue with the device and context from the settings, as ModelManager plans its files), scanning
// the models folder, delete, import and moving the folder. Loading goes through ModelManager. While the
// network is not allowed nothing is requested and the views say offlineSentence(). GUI thread only.
#include <QtQml/qqmlregistration.h>
#include <QNetworkAccessManager>
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <QUrl>

#include <atomic>
#include <memory>
#include <optional>

#include "service/library/catalogue.h"
#include "service/library/downloads.h"
#include "service/library/hubclient.h"
#include "service/library/hubsettings.h"
#include "ui/library/cataloguemodel.h"
#include "ui/library/downloadsmodel.h"
#include "ui/library/hubsearchmodel.h"
#include "ui/library/localmodelsmodel.h"

class QQmlEngine;
class QJSEngine;

namespace lantern::ui {

class AppSettings;
class ModelManager;

// What a test (or the screenshot tool) replaces; the defaults are the application's.
struct LibrarySetup {
    std::optional<service::Catalogue> catalogue;  // nullopt = Catalogue::builtIn()
    QString hubSettingsFile;                      // "" = the application's QSettings and keychain
    QString keychainService;
    // Endpoint (when not empty) and timings for the network classes; networkAllowed and the token still come
    // from the hub settings.
    std::optional<service::HubConfig> hubConfig;
    // Plan the catalogue as if a graphics device had this much memory (LoadOptions::vramBudgetBytes; 0 = what it
    // reports): the screenshots show every badge on any machine.
    uint64_t planBudgetBytes = 0;
};

class LibraryController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(lantern::ui::CatalogueModel* catalogue READ catalogue CONSTANT)
    Q_PROPERTY(lantern::ui::DownloadsModel* downloads READ downloads CONSTANT)
    Q_PROPERTY(lantern::ui::LocalModelsModel* localModels READ localModels CONSTANT)
    Q_PROPERTY(lantern::ui::HubSearchModel* hubSearch READ hubSearch CONSTANT)
    Q_PROPERTY(QString catalogueError READ catalogueError CONSTANT)
    // The hub (Settings → Model library and the offline banner).
    Q_PROPERTY(bool networkAllowed READ networkAllowed WRITE setNetworkAllowed NOTIFY hubChanged)
    Q_PROPERTY(QString offlineText READ offlineText CONSTANT)
    // A Flatpak without the network permission: why no setting can help, and what can ("" elsewhere).
    Q_PROPERTY(QString sandboxText READ sandboxText CONSTANT)
    Q_PROPERTY(QString hubEndpoint READ hubEndpoint NOTIFY hubChanged)  // "" = the default
    Q_PROPERTY(QString defaultEndpoint READ defaultEndpoint CONSTANT)
    Q_PROPERTY(QString effectiveEndpoint READ effectiveEndpoint NOTIFY hubChanged)
    Q_PROPERTY(QString endpointHost READ endpointHost NOTIFY hubChanged)  // what "Allow network" will contact
    Q_PROPERTY(bool hasToken READ hasToken NOTIFY hubChanged)
    // The last keychain outcome as a sentence ("" = nothing to say); keychainFailed when it is a failure.
    Q_PROPERTY(QString keychainText READ keychainText NOTIFY keychainTextChanged)
    Q_PROPERTY(bool keychainFailed READ keychainFailed NOTIFY keychainTextChanged)
    // The catalogue's badges are being worked out; the device they are for.
    Q_PROPERTY(bool planning READ planning NOTIFY planningChanged)
    Q_PROPERTY(QString modelsDir READ modelsDir NOTIFY modelsDirChanged)
    // The last outcome worth a sentence (a refused download, a failed delete, an import); "" = none.
    Q_PROPERTY(QString statusText READ statusText NOTIFY statusChanged)
    Q_PROPERTY(bool statusIsError READ statusIsError NOTIFY statusChanged)
    // A download that finished since the user last looked: offer "Load now".
    Q_PROPERTY(QString finishedName READ finishedName NOTIFY finishedChanged)
    Q_PROPERTY(QString finishedPath READ finishedPath NOTIFY finishedChanged)
    // Import or folder move in progress (0..1, -1 unknown).
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(QString busyText READ busyText NOTIFY busyChanged)
    Q_PROPERTY(double busyProgress READ busyProgress NOTIFY busyChanged)
    Q_PROPERTY(bool searching READ searching NOTIFY searchChanged)
    Q_PROPERTY(QString searchError READ searchError NOTIFY searchChanged)
    Q_PROPERTY(QString searchedFor READ searchedFor NOTIFY searchChanged)
public:
    LibraryController(ModelManager* models, AppSettings* settings, LibrarySetup setup = {},
                      QObject* parent = nullptr);
    ~LibraryController() override;

    static void setInstance(LibraryController* controller);
    static LibraryController* instance();
    // Without setInstance: one on ChatController's models, destroyed when that controller goes.
    static LibraryController* create(QQmlEngine*, QJSEngine*);

    CatalogueModel* catalogue() { return &m_catalogue; }
    DownloadsModel* downloads() { return &m_downloadsModel; }
    LocalModelsModel* localModels() { return &m_local; }
    HubSearchModel* hubSearch() { return &m_search; }
    QString catalogueError() const { return m_catalogue.catalogue().error; }
    service::HubSettings* hubSettings() { return m_hub.get(); }
    service::DownloadManager* downloadManager() { return m_downloadManager.get(); }

    bool networkAllowed() const;
    void setNetworkAllowed(bool allowed);
    QString offlineText() const;
    QString sandboxText() const;
    QString hubEndpoint() const;
    QString defaultEndpoint() const;
    QString effectiveEndpoint() const;
    QString endpointHost() const;
    bool hasToken() const;
    QString keychainText() const { return m_keychainText; }
    bool keychainFailed() const { return m_keychainFailed; }
    bool planning() const { return m_planning; }
    QString modelsDir() const;
    QString statusText() const { return m_statusText; }
    bool statusIsError() const { return m_statusIsError; }
    QString finishedName() const { return m_finishedName; }
    QString finishedPath() const { return m_finishedPath; }
    bool busy() const { return !m_busyText.isEmpty(); }
    QString busyText() const { return m_busyText; }
    double busyProgress() const { return m_busyProgress; }
    bool searching() const { return m_searching; }
    QString searchError() const { return m_searchError; }
    QString searchedFor() const { return m_searchedFor; }

    // Hub settings. setHubEndpoint returns "" or why the URL was refused.
    Q_INVOKABLE QString setHubEndpoint(const QString& url);
    Q_INVOKABLE void setHubToken(const QString& token);

    // Catalogue: queues the entry's quantization. false with statusText saying why.
    Q_INVOKABLE bool download(const QString& entryId, const QString& quant);
    // Downloads.
    Q_INVOKABLE void pause(const QString& jobId);
    Q_INVOKABLE bool resume(const QString& jobId);
    Q_INVOKABLE void cancel(const QString& jobId);
    Q_INVOKABLE void remove(const QString& jobId);
    // On this computer.
    Q_INVOKABLE void refreshLocal();
    Q_INVOKABLE void load(const QString& path);
    Q_INVOKABLE void loadFinished();  // "Load now"
    Q_INVOKABLE void dismissFinished();
    Q_INVOKABLE void deleteModel(const QString& path);
    Q_INVOKABLE void reveal(const QString& path);  // the folder, in the file manager
    Q_INVOKABLE void importModel(const QUrl& file, bool link);
    Q_INVOKABLE void moveModelsFolder(const QUrl& folder);
    Q_INVOKABLE void cancelBusy();
    Q_INVOKABLE void dismissStatus();
    // Search the hub.
    Q_INVOKABLE void search(const QString& query);
    Q_INVOKABLE void listFiles(const QString& repo);
    Q_INVOKABLE bool downloadHubFiles(const QString& repo, int filesIndex);

signals:
    void hubChanged();
    void keychainTextChanged();
    void planningChanged();
    void modelsDirChanged();
    void statusChanged();
    void finishedChanged();
    void busyChanged();
    void searchChanged();
    void localModelsScanned();  // after every scan (tests wait for it)
    void fitsPlanned();

private:
    void applyHubConfig();
    service::HubConfig hubConfig() const;
    void makeDownloadManager();
    void planFits();
    void setStatus(const QString& text, bool error);
    void setBusy(const QString& text, double progress);
    service::ProgressFn busyProgressReporter();
    bool enqueue(const service::DownloadRequest& request);
    void onModelsFolderChanged();
    // Runs work() on the worker thread, then done(result) here (dropped when this object is gone).
    template <class Work, class Done>
    void inBackground(Work work, Done done);

    ModelManager* m_models;
    AppSettings* m_settings;
    std::optional<service::HubConfig> m_configOverride;
    uint64_t m_planBudgetBytes = 0;
    std::unique_ptr<service::HubSettings> m_hub;
    QNetworkAccessManager m_nam;
    service::HubClient m_client;
    std::unique_ptr<service::DownloadManager> m_downloadManager;
    CatalogueModel m_catalogue;
    DownloadsModel m_downloadsModel;
    LocalModelsModel m_local;
    HubSearchModel m_search;
    QThreadPool m_pool;  // one thread
    std::atomic<bool> m_cancelBusy{false};
    quint64 m_planGeneration = 0;
    quint64 m_scanGeneration = 0;
    quint64 m_searchGeneration = 0;
    bool m_planning = false;
    QString m_keychainText;
    bool m_keychainFailed = false;
    QString m_statusText;
    bool m_statusIsError = false;
    QString m_finishedName;
    QString m_finishedPath;
    QString m_busyText;
    double m_busyProgress = -1;
    bool m_searching = false;
    QString m_searchError;
    QString m_searchedFor;
};

}  // namespace lantern::ui
