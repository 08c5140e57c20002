#include "ui/chat/databaserecovery.h"

#include <QCoreApplication>
#include <QDir>
#include <QLocale>
#include <QProcess>
#include <QQmlEngine>

namespace lantern::ui {

DatabaseRecovery::DatabaseRecovery(QObject* parent) : QObject(parent) {
    m_restart = [] {
        QStringList args = QCoreApplication::arguments();
        args.removeFirst();
        QProcess::startDetached(QCoreApplication::applicationFilePath(), args);
        QCoreApplication::quit();
    };
}

DatabaseRecovery* DatabaseRecovery::instance() {
    static DatabaseRecovery* one = new DatabaseRecovery(qApp);
    return one;
}

DatabaseRecovery* DatabaseRecovery::create(QQmlEngine*, QJSEngine*) {
    DatabaseRecovery* one = instance();
    QQmlEngine::setObjectOwnership(one, QQmlEngine::CppOwnership);
    return one;
}

void DatabaseRecovery::setReport(const QString& path, const storage::RecoveryReport& report) {
    m_path = path;
    m_report = report;
    m_pending = report.damaged;
    m_errorText.clear();
    emit changed();
}

QString DatabaseRecovery::message() const {
    if (!m_report.damaged) {
        return {};
    }
    const QString aside = QDir::toNativeSeparators(m_report.damagedPath);
    if (!m_report.lastGood) {
        return tr("Lantern's conversation database was damaged. It was kept aside as %1. No good copy of it was "
                  "found, so Lantern starts with an empty one.")
            .arg(aside);
    }
    const QString date = QLocale().toString(m_report.lastGood->taken, QLocale::LongFormat);
    const QString count = m_report.lastGood->conversations == 1
                              ? tr("1 conversation")
                              : tr("%1 conversations").arg(m_report.lastGood->conversations);
    return tr("Lantern's conversation database was damaged. It was kept aside as %1. You can open the last good "
              "copy from %2 (%3) or start with an empty one.")
        .arg(aside, date, count);
}

bool DatabaseRecovery::openLastGood() {
    if (!m_report.lastGood) {
        return false;
    }
    if (auto r = storage::requestRestore(m_path, m_report.lastGood->path); !r) {
        m_errorText = QString::fromStdString(r.error().detail);
        emit changed();
        return false;
    }
    m_pending = false;
    emit changed();
    m_restart();
    return true;
}

void DatabaseRecovery::startEmpty() {
    m_pending = false;
    emit changed();
}

}  // namespace lantern::ui
