#pragma once
// The remote endpoints as Settings lists and edits them (issue 18): the chat's own EndpointStore (so a change
// is seen by the chat at once), the global "Local only" switch, keys written to and read from the system
// keychain only (EndpointStore), and "Test connection" through RemoteGate::listModels. Also the cost lens's
// price table, which the same page edits. One instance, on ChatController's routing. GUI thread only.
#include <QAbstractListModel>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

#include "service/remote/endpoints.h"

class QQmlEngine;
class QJSEngine;

namespace lantern::service {
class RemoteGate;
}

namespace lantern::ui {

class ChatController;
class CostLens;

class RemoteEndpointsModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(bool localOnly READ localOnly WRITE setLocalOnly NOTIFY localOnlyChanged)
    // "Test connection": running, and its outcome ("" before the first test).
    Q_PROPERTY(bool testing READ testing NOTIFY testChanged)
    Q_PROPERTY(bool testOk READ testOk NOTIFY testChanged)
    Q_PROPERTY(QString testText READ testText NOTIFY testChanged)
    // The last keychain outcome as a sentence ("" = nothing to say).
    Q_PROPERTY(QString keyText READ keyText NOTIFY keyTextChanged)
    Q_PROPERTY(lantern::ui::CostLens* cost READ cost CONSTANT)
public:
    enum Roles { EndpointIdRole = Qt::UserRole + 1, NameRole, BaseUrlRole, ModelRole, HostRole };

    RemoteEndpointsModel(service::EndpointStore* store, service::RemoteGate* gate, CostLens* cost,
                         QObject* parent = nullptr);
    static RemoteEndpointsModel* create(QQmlEngine*, QJSEngine*);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    bool localOnly() const { return m_store->localOnly(); }
    void setLocalOnly(bool on) { m_store->setLocalOnly(on); }
    bool testing() const { return m_testing; }
    bool testOk() const { return m_testOk; }
    QString testText() const { return m_testText; }
    QString keyText() const { return m_keyText; }
    CostLens* cost() const { return m_cost; }

    // "" when the URL can be used, else why not.
    Q_INVOKABLE QString checkUrl(const QString& baseUrl) const;
    // Adds (id "") or changes an endpoint. keyChanged: write `key` to the keychain ("" deletes it); otherwise
    // the stored key is left alone. Returns "" or the sentence saying what is wrong.
    Q_INVOKABLE QString save(const QString& id, const QString& name, const QString& baseUrl, const QString& model,
                             const QString& key, bool keyChanged);
    Q_INVOKABLE void remove(const QString& id);
    // Lists the endpoint's models with these fields; the stored key of `id` unless keyChanged.
    Q_INVOKABLE void test(const QString& id, const QString& baseUrl, const QString& key, bool keyChanged);

signals:
    void countChanged();
    void localOnlyChanged();
    void testChanged();
    void keyTextChanged();

private:
    void reload();
    void runTest(const QString& key);
    void setTest(bool testing, bool ok, const QString& text);
    void setKeyText(const QString& text);

    service::EndpointStore* m_store;
    service::RemoteGate* m_gate;
    CostLens* m_cost;
    std::vector<service::RemoteEndpoint> m_rows;
    bool m_testing = false;
    bool m_testOk = false;
    QString m_testText;
    QString m_testUrl;      // the endpoint being tested
    QString m_testKeyFor;   // waiting for this id's key before testing
    QString m_keyText;
};

}  // namespace lantern::ui
