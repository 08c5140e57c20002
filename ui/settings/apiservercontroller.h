#pragma once
// The API server as the settings and the main window see it (issue 18): it runs while AppSettings says so,
// with the port, network access and key from there, restarted when one of them changes. The server itself
// (service::ApiServer) shares the chat's engine thread and its loaded model.
#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

#include "service/apiserver.h"

class QQmlEngine;
class QJSEngine;

namespace lantern::ui {

class AppSettings;
class ModelManager;

class ApiServerController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(bool running READ running NOTIFY runningChanged)
    Q_PROPERTY(int port READ port NOTIFY runningChanged)
    // "http://127.0.0.1:8080/v1" while running; what a client on this computer sets as its base URL.
    Q_PROPERTY(QString url READ url NOTIFY runningChanged)
    // Why the server is not running although it is switched on; "" = no problem.
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
public:
    // The server uses models' engine thread and must go before it: destroy this before the ModelManager.
    ApiServerController(ModelManager* models, AppSettings* settings, QObject* parent = nullptr);
    ~ApiServerController() override;

    static void setInstance(ApiServerController* controller);
    // Without setInstance (QML tests): one on ChatController's models, destroyed when that controller goes.
    static ApiServerController* create(QQmlEngine*, QJSEngine*);

    bool running() const { return m_server.running(); }
    int port() const { return m_server.port(); }
    QString url() const { return m_server.url(); }
    QString lastError() const { return m_server.lastError(); }
    service::ApiServer* server() { return &m_server; }

signals:
    void runningChanged();
    void lastErrorChanged();

private:
    // Starts, restarts or stops the server to match the settings.
    void apply();

    AppSettings* m_settings;
    service::ApiServer m_server;
    QString m_appliedHost;
    int m_appliedPort = 0;
    QString m_appliedKey;
};

}  // namespace lantern::ui
