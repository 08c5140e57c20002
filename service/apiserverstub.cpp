// ApiServer in a build without the API server (LANTERN_BUILD_SERVER=OFF, or no cpp-httplib): it never runs,
// and says why when asked to start.
#include "service/apiserver.h"

#include "service/inferenceworker.h"

namespace lantern::server {
class HttpServer {};  // never created; completes the type for the unique_ptr member
}  // namespace lantern::server

namespace lantern::service {

struct ApiServer::Core {};

ApiServer::ApiServer(InferenceWorker* worker, QObject* parent) : QObject(parent), m_worker(worker) {}

ApiServer::~ApiServer() = default;

QString ApiServer::url() const { return {}; }

void ApiServer::setLastError(const QString& error) {
    if (error == m_lastError)
        return;
    m_lastError = error;
    emit lastErrorChanged();
}

bool ApiServer::start(const QString&, int, const QString&) {
    setLastError(tr("This build of Lantern has no API server."));
    return false;
}

void ApiServer::stop() {}

}  // namespace lantern::service
