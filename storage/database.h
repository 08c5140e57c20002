#pragma once
// One SQLite connection (Qt SQL, QSQLITE) owned by one thread: pragmas, bound-parameter queries,
// transactions, and SQLite error codes turned into lantern::Error sentences. Internal to storage/.
#include "base/error.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>
#include <initializer_list>
#include <memory>


namespace lantern::storage {

class Database {
public:
    // Opens path with foreign keys on and a busy timeout, and checks that it is an SQLite file.
    // Writes nothing, so a file that is then refused (too new) stays byte-for-byte untouched.
    // sqliteCode, when given, receives the primary SQLite result code of a failure (0: none).
    static Result<std::unique_ptr<Database>> open(const QString& path, bool readOnly, int* sqliteCode = nullptr);
    // Switches to write-ahead logging with synchronous=NORMAL (a write; skipped when read-only).
    Result<void> useWal();
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    const QString& path() const { return m_path; }
    bool readOnly() const { return m_readOnly; }
    QSqlDatabase& connection() { return m_db; }

    // Prepares sql, binds values positionally (never spliced into the text) and runs it.
    Result<QSqlQuery> run(const QString& sql, std::initializer_list<QVariant> values = {});
    Result<QSqlQuery> run(const QString& sql, const QVariantList& values);
    // What a prepared write did; read before the statement is reset (Qt forgets it then).
    struct Outcome {
        int rowsChanged = 0;
        qint64 lastInsertId = 0;
    };
    // Runs a query prepared once and reused (hot paths such as streaming appends).
    Result<Outcome> runPrepared(QSqlQuery& query, std::initializer_list<QVariant> values);

    // BEGIN IMMEDIATE takes the write lock up front, so two connections never deadlock upgrading;
    // a read transaction (BEGIN DEFERRED) only pins one consistent snapshot.
    Result<void> begin(bool write = true);
    Result<void> commit();
    void rollback();

    // Runs body inside one transaction; commits if it succeeds, rolls back otherwise.
    template <class F>
    auto transaction(F&& body, bool write = true) -> decltype(body()) {
        if (auto b = begin(write); !b) {
            return std::unexpected(b.error());
        }
        auto r = body();
        if (!r) {
            rollback();
            return r;
        }
        if (auto c = commit(); !c) {
            rollback();
            return std::unexpected(c.error());
        }
        return r;
    }

    // A complete sentence for a failed statement: what was being done, on which file, and why,
    // with the code a caller can act on (DiskFull, StorageError).
    Error error(const class QSqlError& e, const QString& what) const;
    // The primary SQLite result code of the last error() (0: none yet).
    int lastSqliteCode() const { return m_lastCode; }
    // SQLITE_CORRUPT or SQLITE_NOTADB: the file is damaged or not a database.
    static bool isDamage(int sqliteCode);

private:
    Database(QString path, QString connectionName, bool readOnly);

    QString m_path;
    QString m_connectionName;
    bool m_readOnly = false;
    mutable int m_lastCode = 0;
    QSqlDatabase m_db;
};

// Milliseconds since the epoch (UTC) <-> QDateTime, the form timestamps are stored in.
qint64 toStoredTime(const QDateTime& t);
QDateTime fromStoredTime(const QVariant& v);

}  // namespace lantern::storage
