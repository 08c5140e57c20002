#include "ui/settings/remoteendpointsmodel.h"

#include <QJSEngine>
#include <QQmlEngine>

#include "service/remote/router.h"
#include "ui/chat/chatcontroller.h"

namespace lantern::ui {

RemoteEndpointsModel::RemoteEndpointsModel(service::EndpointStore* store, service::RemoteGate* gate, CostLens* cost,
                                           QObject* parent)
    : QAbstractListModel(parent), m_store(store), m_gate(gate), m_cost(cost) {
    connect(m_store, &service::EndpointStore::endpointsChanged, this, &RemoteEndpointsModel::reload);
    connect(m_store, &service::EndpointStore::localOnlyChanged, this, &RemoteEndpointsModel::localOnlyChanged);
    connect(m_store, &service::EndpointStore::keyWritten, this,
            [this] { setKeyText(tr("The key is stored in the system keychain.")); });
    connect(m_store, &service::EndpointStore::keyFailed, this, [this](const QString& id, const QString& sentence) {
        setKeyText(sentence);
        if (id == m_testKeyFor) {  // test without a key: a server on your own network may need none
            m_testKeyFor.clear();
            runTest({});
        }
    });
    connect(m_store, &service::EndpointStore::keyRead, this, [this](const QString& id, const QString& key) {
        if (id != m_testKeyFor)
            return;
        m_testKeyFor.clear();
        runTest(key);
    });
    connect(m_gate, &service::RemoteGate::modelsListed, this, [this](const QStringList& models) {
        if (!m_testing)
            return;
        setTest(false, true,
                models.isEmpty() ? tr("Connected. The server lists no models.")
                                 : tr("Connected. Models: %1").arg(models.join(QStringLiteral(", "))));
    });
    connect(m_gate, &service::RemoteGate::listFailed, this, [this](const QString& sentence) {
        if (m_testing)
            setTest(false, false, sentence);
    });
    connect(m_gate, &service::RemoteGate::refused, this, [this](const QString& reason) {
        if (m_testing)
            setTest(false, false, reason);
    });
    reload();
}

RemoteEndpointsModel* RemoteEndpointsModel::create(QQmlEngine* qml, QJSEngine* js) {
    // One per controller: the chat's routing owns the store and the gate.
    static QPointer<RemoteEndpointsModel> instance;
    if (!instance) {
        ChatController* chat = ChatController::create(qml, js);
        instance = new RemoteEndpointsModel(chat->routing()->endpointStore(), chat->routing()->gate(), chat->cost(),
                                            chat);
        QJSEngine::setObjectOwnership(instance, QJSEngine::CppOwnership);
    }
    return instance;
}

int RemoteEndpointsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

QHash<int, QByteArray> RemoteEndpointsModel::roleNames() const {
    return {{EndpointIdRole, "endpointId"}, {NameRole, "name"}, {BaseUrlRole, "endpointUrl"},
            {ModelRole, "endpointModel"},           {HostRole, "host"}};
}

QVariant RemoteEndpointsModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const service::RemoteEndpoint& e = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case NameRole: return e.name;
    case EndpointIdRole: return e.id;
    case BaseUrlRole: return e.baseUrl;
    case ModelRole: return e.model;
    case HostRole: return service::endpointHost(e.baseUrl);
    default: return {};
    }
}

void RemoteEndpointsModel::reload() {
    beginResetModel();
    m_rows = m_store->configuredEndpoints();  // listed (greyed out) under "Local only" too
    endResetModel();
    emit countChanged();
}

QString RemoteEndpointsModel::checkUrl(const QString& baseUrl) const { return service::validateBaseUrl(baseUrl.trimmed()); }

QString RemoteEndpointsModel::save(const QString& id, const QString& name, const QString& baseUrl,
                                   const QString& model, const QString& key, bool keyChanged) {
    const QString url = baseUrl.trimmed();
    if (const QString bad = service::validateBaseUrl(url); !bad.isEmpty())
        return bad;
    service::RemoteEndpoint e{id, name.trimmed().isEmpty() ? service::endpointHost(url) : name.trimmed(), url,
                              model.trimmed()};
    QString savedId = id;
    if (id.isEmpty()) {
        savedId = m_store->addEndpoint(e);
        if (savedId.isEmpty())
            return tr("The endpoint could not be added.");
    } else if (!m_store->updateEndpoint(e)) {
        return tr("The endpoint could not be changed.");
    }
    if (keyChanged) {
        if (key.isEmpty())
            m_store->deleteKey(savedId);
        else
            m_store->writeKey(savedId, key);
    }
    return {};
}

void RemoteEndpointsModel::remove(const QString& id) { m_store->removeEndpoint(id); }

void RemoteEndpointsModel::test(const QString& id, const QString& baseUrl, const QString& key, bool keyChanged) {
    m_testUrl = baseUrl.trimmed();
    setTest(true, false, tr("Connecting…"));
    if (keyChanged || id.isEmpty())
        return runTest(key);
    m_testKeyFor = id;
    m_store->readKey(id);
}

void RemoteEndpointsModel::runTest(const QString& key) {
    service::RemoteEndpoint e;
    e.baseUrl = m_testUrl;
    if (!m_gate->listModels(e, key) && m_testing)
        setTest(false, false, tr("The connection was not tried."));
}

void RemoteEndpointsModel::setTest(bool testing, bool ok, const QString& text) {
    if (testing == m_testing && ok == m_testOk && text == m_testText)
        return;
    m_testing = testing;
    m_testOk = ok;
    m_testText = text;
    emit testChanged();
}

void RemoteEndpointsModel::setKeyText(const QString& text) {
    if (text == m_keyText)
        return;
    m_keyText = text;
    emit keyTextChanged();
}

}  // namespace lantern::ui
