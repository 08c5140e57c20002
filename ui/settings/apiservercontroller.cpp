#include "ui/settings/apiservercontroller.h"

#include <QJSEngine>

#include "ui/chat/chatcontroller.h"
#include "ui/library/modelmanager.h"
#include "ui/settings/appsettings.h"

namespace lantern::ui {

namespace {
ApiServerController* g_instance = nullptr;
}

ApiServerController::ApiServerController(ModelManager* models, AppSettings* settings, QObject* parent)
    : QObject(parent), m_settings(settings), m_server(models->worker()) {
    connect(&m_server, &service::ApiServer::runningChanged, this, &ApiServerController::runningChanged);
    connect(&m_server, &service::ApiServer::lastErrorChanged, this, &ApiServerController::lastErrorChanged);
    connect(m_settings, &AppSettings::serverChanged, this, &ApiServerController::apply);
    apply();
}

ApiServerController::~ApiServerController() {
    if (g_instance == this)
        g_instance = nullptr;
}

void ApiServerController::setInstance(ApiServerController* controller) {
    g_instance = controller;
    if (controller)
        QJSEngine::setObjectOwnership(controller, QJSEngine::CppOwnership);
}

ApiServerController* ApiServerController::create(QQmlEngine* qml, QJSEngine* js) {
    if (!g_instance) {
        ChatController* chat = ChatController::create(qml, js);
        auto* created = new ApiServerController(chat->models(), AppSettings::instance());
        // ChatController's destroyed() comes before its children (the ModelManager and its thread) go.
        connect(chat, &QObject::destroyed, created, [created] { delete created; });
        setInstance(created);
    }
    return g_instance;
}

void ApiServerController::apply() {
    if (!m_settings->serverEnabled()) {
        m_server.stop();
        return;
    }
    // Another device reaches the server on any of this computer's addresses; otherwise loopback only.
    const QString host = m_settings->serverAllowNetwork() ? QStringLiteral("0.0.0.0") : QStringLiteral("127.0.0.1");
    const int port = m_settings->serverPort();
    const QString key = m_settings->serverApiKey();
    if (m_server.running() && host == m_appliedHost && port == m_appliedPort && key == m_appliedKey)
        return;
    m_appliedHost = host;
    m_appliedPort = port;
    m_appliedKey = key;
    m_server.start(host, port, key);
}

}  // namespace lantern::ui
