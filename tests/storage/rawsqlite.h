#pragma once
// Storage tests look at the SQLite file directly, through a connection of their own, so they check
// what is really on disk rather than what the store reports.
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QVariant>
#include <QtTest>

namespace lantern::test {

class RawSqlite {
public:
    explicit RawSqlite(const QString& path) : m_name(QStringLiteral("raw-%1").arg(++counter())) {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        m_db.setDatabaseName(path);
        if (!m_db.open()) {
            qFatal("cannot open %s", qPrintable(path));
        }
    }
    ~RawSqlite() {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }
    RawSqlite(const RawSqlite&) = delete;
    RawSqlite& operator=(const RawSqlite&) = delete;

    const QString& connectionName() const { return m_name; }

    // Runs one statement; returns the first column of the first row (invalid when none).
    QVariant scalar(const QString& sql, const QVariantList& binds = {}) {
        QSqlQuery q(m_db);
        if (!q.prepare(sql)) {
            qWarning("prepare failed: %s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
            return {};
        }
        for (const QVariant& v : binds) {
            q.addBindValue(v);
        }
        if (!q.exec()) {
            qWarning("exec failed: %s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
            return {};
        }
        return q.next() ? q.value(0) : QVariant();
    }
    bool exec(const QString& sql) {
        QSqlQuery q(m_db);
        if (!q.exec(sql)) {
            qWarning("exec failed: %s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
            return false;
        }
        return true;
    }
    // Runs a script whose statements end with ";" at the end of a line; "--" lines are comments.
    bool runScript(const QString& fileName) {
        QFile f(fileName);
        if (!f.open(QIODevice::ReadOnly)) {
            return false;
        }
        QString statement;
        for (const QString& line : QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'))) {
            if (line.trimmed().startsWith(QStringLiteral("--"))) {
                continue;
            }
            statement += line + QLatin1Char('\n');
            if (line.trimmed().endsWith(QLatin1Char(';'))) {
                if (!exec(statement)) {
                    return false;
                }
                statement.clear();
            }
        }
        return statement.trimmed().isEmpty();
    }

private:
    static int& counter() {
        static int n = 0;
        return n;
    }
    QString m_name;
    QSqlDatabase m_db;
};

}  // namespace lantern::test
