#pragma once
// What the start found when the conversation database was damaged (storage::openRecovering), as QML sees
// it: the sentence for the user and the two ways on, opening the last good copy or starting empty.
//
// The damaged file is already aside and the app runs on an empty database; "open the last good copy"
// leaves a restore note for storage and restarts Lantern, so the copy is put in place before any
// connection is open (never under a live store).
#include "storage/recovery.h"

#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>
#include <functional>

class QQmlEngine;
class QJSEngine;

namespace lantern::ui {

class DatabaseRecovery : public QObject {
    Q_OBJECT
    QML_NAMED_ELEMENT(DatabaseRecoveryState)
    QML_SINGLETON
    Q_PROPERTY(bool pending READ pending NOTIFY changed)
    Q_PROPERTY(QString message READ message NOTIFY changed)
    Q_PROPERTY(bool canRestore READ canRestore NOTIFY changed)
    Q_PROPERTY(QString errorText READ errorText NOTIFY changed)

public:
    // No default constructor: QML would then make an instance of its own instead of calling create().
    explicit DatabaseRecovery(QObject* parent);

    // The application's one instance (what QML gets).
    static DatabaseRecovery* instance();
    static DatabaseRecovery* create(QQmlEngine*, QJSEngine*);

    // What openRecovering reported for the database at path; pending when it was damaged.
    void setReport(const QString& path, const storage::RecoveryReport& report);
    // How "open the last good copy" restarts Lantern (tests replace it). Default: start this program
    // again with its arguments, then quit.
    void setRestart(std::function<void()> restart) { m_restart = std::move(restart); }

    bool pending() const { return m_pending; }
    QString message() const;
    bool canRestore() const { return m_report.lastGood.has_value(); }
    QString errorText() const { return m_errorText; }

    // Restores the last good copy at the next start and restarts now. False (errorText says why) when
    // the request could not be written.
    Q_INVOKABLE bool openLastGood();
    // Keeps the empty database (the damaged one stays aside).
    Q_INVOKABLE void startEmpty();

signals:
    void changed();

private:
    QString m_path;
    storage::RecoveryReport m_report;
    bool m_pending = false;
    QString m_errorText;
    std::function<void()> m_restart;
};

}  // namespace lantern::ui
