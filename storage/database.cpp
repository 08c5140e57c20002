#include "storage/database.h"

#include "storage/privatefiles.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlError>
#include <QThread>

namespace lantern::storage {

namespace {

// Primary SQLite result codes (sqlite3.h); the extended codes carry them in the low byte.
constexpr int kSqliteBusy = 5;
constexpr int kSqliteLocked = 6;
constexpr int kSqliteReadOnly = 8;
constexpr int kSqliteIoErr = 10;
constexpr int kSqliteCorrupt = 11;
constexpr int kSqliteFull = 13;
constexpr int kSqliteCantOpen = 14;
constexpr int kSqliteNotADb = 26;

QString uniqueConnectionName() {
    // Qt keys connections by name process-wide; one name per store keeps threads apart.
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("lantern-storage-%1-%2")
        .arg(reinterpret_cast<quintptr>(QThread::currentThreadId()))
        .arg(counter.fetchAndAddRelaxed(1));
}

// A null QString (e.g. a default-constructed field) is bound as '' : text columns are NOT NULL, and
// "no text" is the empty string. SQL NULLs are only ever passed as typed null numbers.
QVariant bindable(const QVariant& v) {
    if (v.typeId() == QMetaType::QString && v.toString().isNull()) {
        return QVariant(QStringLiteral(""));
    }
    return v;
}

}  // namespace

qint64 toStoredTime(const QDateTime& t) { return t.isValid() ? t.toMSecsSinceEpoch() : 0; }

QDateTime fromStoredTime(const QVariant& v) {
    if (v.isNull()) {
        return {};
    }
    return QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

Database::Database(QString path, QString connectionName, bool readOnly)
    : m_path(std::move(path)), m_connectionName(std::move(connectionName)), m_readOnly(readOnly) {}

Database::~Database() {
    if (m_db.isValid()) {
        m_db.close();
    }
    m_db = QSqlDatabase();  // the last handle must be gone before the name is released
    QSqlDatabase::removeDatabase(m_connectionName);
}

bool Database::isDamage(int sqliteCode) { return sqliteCode == kSqliteCorrupt || sqliteCode == kSqliteNotADb; }

Result<std::unique_ptr<Database>> Database::open(const QString& path, bool readOnly, int* sqliteCode) {
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE"))) {
        return fail(Errc::StorageError, "The Qt SQLite driver (QSQLITE) is not installed, so conversations "
                                        "cannot be stored. Install the Qt 6 SQLite plugin.");
    }
    if (!readOnly && !QFileInfo::exists(path)) {
        // Created by us, owner-only from the first byte (SQLite would make it 0644 minus the umask);
        // its -wal and -shm take the same mode. An empty file is a valid empty database.
        createPrivateFolder(QFileInfo(path).absolutePath());
        createPrivateFile(path);
    }
    std::unique_ptr<Database> d(new Database(path, uniqueConnectionName(), readOnly));
    d->m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), d->m_connectionName);
    d->m_db.setDatabaseName(path);
    QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000");
    if (readOnly) {
        options += QStringLiteral(";QSQLITE_OPEN_READONLY");
    }
    d->m_db.setConnectOptions(options);
    auto failed = [&](const Error& e) {
        if (sqliteCode) {
            *sqliteCode = d->m_lastCode;
        }
        return std::unexpected(e);
    };
    if (!d->m_db.open()) {
        return failed(d->error(d->m_db.lastError(), QStringLiteral("opening the database")));
    }
    // Reading the schema first turns a file that is not SQLite into a clear error before any pragma
    // could try to write to it.
    if (auto probe = d->run(QStringLiteral("SELECT count(*) FROM sqlite_schema")); !probe) {
        return failed(probe.error());
    }
    if (auto fk = d->run(QStringLiteral("PRAGMA foreign_keys=ON")); !fk) {
        return failed(fk.error());
    }
    return d;
}

Result<void> Database::useWal() {
    if (m_readOnly) {
        return {};
    }
    // WAL: readers on other threads do not block the writer, and a commit is one append to the log.
    // synchronous=NORMAL in WAL mode survives an application crash (the case we guard against every
    // 250 ms); only an OS crash or power cut may lose the last commits.
    auto wal = run(QStringLiteral("PRAGMA journal_mode=WAL"));
    if (!wal) {
        return std::unexpected(wal.error());
    }
    if (wal->next() && wal->value(0).toString().compare(QStringLiteral("wal"), Qt::CaseInsensitive) != 0) {
        return fail(Errc::StorageError, QStringLiteral("The database %1 could not switch to write-ahead "
                                                       "logging (journal mode is %2).")
                                            .arg(m_path, wal->value(0).toString())
                                            .toStdString());
    }
    if (auto s = run(QStringLiteral("PRAGMA synchronous=NORMAL")); !s) {
        return std::unexpected(s.error());
    }
    return {};
}

Result<QSqlQuery> Database::run(const QString& sql, std::initializer_list<QVariant> values) {
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.prepare(sql)) {
        return std::unexpected(error(q.lastError(), QStringLiteral("preparing a statement")));
    }
    for (const QVariant& v : values) {
        q.addBindValue(bindable(v));
    }
    if (!q.exec()) {
        return std::unexpected(error(q.lastError(), QStringLiteral("running a statement")));
    }
    return q;
}

Result<QSqlQuery> Database::run(const QString& sql, const QVariantList& values) {
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.prepare(sql)) {
        return std::unexpected(error(q.lastError(), QStringLiteral("preparing a statement")));
    }
    for (const QVariant& v : values) {
        q.addBindValue(bindable(v));
    }
    if (!q.exec()) {
        return std::unexpected(error(q.lastError(), QStringLiteral("running a statement")));
    }
    return q;
}

Result<Database::Outcome> Database::runPrepared(QSqlQuery& query, std::initializer_list<QVariant> values) {
    int i = 0;
    for (const QVariant& v : values) {
        query.bindValue(i++, bindable(v));
    }
    if (!query.exec()) {
        return std::unexpected(error(query.lastError(), QStringLiteral("saving a message")));
    }
    const Outcome outcome{query.numRowsAffected(), query.lastInsertId().toLongLong()};
    query.finish();  // release the statement's read snapshot at once (WAL checkpoints wait on it)
    return outcome;
}

Result<void> Database::begin(bool write) {
    if (auto r = run(write ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN DEFERRED")); !r) {
        return std::unexpected(r.error());
    }
    return {};
}

Result<void> Database::commit() {
    if (auto r = run(QStringLiteral("COMMIT")); !r) {
        return std::unexpected(r.error());
    }
    return {};
}

void Database::rollback() {
    // Failing here means no transaction is open (SQLite may already have rolled back, e.g. after
    // SQLITE_FULL); there is nothing more to undo.
    QSqlQuery q(m_db);
    q.exec(QStringLiteral("ROLLBACK"));
}

Error Database::error(const QSqlError& e, const QString& what) const {
    bool ok = false;
    const int code = e.nativeErrorCode().toInt(&ok) & 0xff;
    const QString why = e.driverText().isEmpty() ? e.databaseText() : e.databaseText() + QStringLiteral(" (") +
                                                                          e.driverText() + QStringLiteral(")");
    QString sentence;
    Errc errc = Errc::StorageError;
    m_lastCode = ok ? code : -1;
    switch (ok ? code : -1) {
    case kSqliteFull:
        errc = Errc::DiskFull;
        sentence = QStringLiteral("The disk holding %1 is full, so %2 failed and was not saved; everything "
                                  "saved before is intact. Free some disk space and try again.");
        break;
    case kSqliteReadOnly:
        sentence = QStringLiteral("The database %1 is read-only, so %2 failed. Make the file and its folder "
                                  "writable, or move it to a writable location.");
        break;
    case kSqliteCorrupt:
    case kSqliteNotADb:
        sentence = QStringLiteral("The file %1 is damaged or is not a Lantern database (%2 failed). It was "
                                  "left untouched; restore it from a backup (*.bak next to it).");
        break;
    case kSqliteCantOpen:
        sentence = QStringLiteral("The database %1 cannot be opened (%2 failed). Check that its folder "
                                  "exists and is writable.");
        break;
    case kSqliteBusy:
    case kSqliteLocked:
        sentence = QStringLiteral("The database %1 is locked by another program, so %2 failed. Close "
                                  "other copies of Lantern and try again.");
        break;
    case kSqliteIoErr:
        sentence = QStringLiteral("Reading or writing %1 failed at the disk level while %2. Check the disk.");
        break;
    default:
        sentence = QStringLiteral("The database %1 reported an error while %2.");
        break;
    }
    sentence = sentence.arg(m_path, what);
    if (!why.trimmed().isEmpty()) {
        sentence += QStringLiteral(" SQLite: ") + why.trimmed();
    }
    return Error{errc, sentence.toStdString()};
}

}  // namespace lantern::storage
