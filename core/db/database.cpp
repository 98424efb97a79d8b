#include "core/db/database.h"

#include "core/db/dblogging.h"
#include "core/db/migrations.h"
#include "core/db/sqlstatement.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlRecord>

#include <chrono>

namespace EasyCrm::Db {

namespace {

const QString kVersionTable = QStringLiteral("SocialCrmSchemaVersions");
constexpr std::chrono::seconds kReopenBackoff{3};

QString newConnectionName()
{
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("easycrm-db-%1").arg(counter.fetchAndAddRelaxed(1) + 1);
}

Error openError(const QString &connectionName, const QString &detail)
{
    qCWarning(lcDb).noquote() << "open failed:" << detail;
    // The half-made connection must not outlive this call.
    QSqlDatabase::removeDatabase(connectionName);
    return makeError(ErrorCode::DatabaseOpenFailed, trDb("The CRM database could not be opened."),
                     detail);
}

QString pgConnectOptions(const PostgresSettings &settings)
{
    QStringList options;
    if (!settings.sslMode.isEmpty())
        options << QStringLiteral("sslmode=") + settings.sslMode;
    if (settings.connectTimeoutSeconds > 0)
        options << QStringLiteral("connect_timeout=%1").arg(settings.connectTimeoutSeconds);
    options << QStringLiteral("application_name=EasyCRM-Social-Connect"); // libpq: no spaces
    return options.join(u';');
}

} // namespace

Database::Database(QSqlDatabase handle, QString connectionName, Driver driver)
    : m_handle(std::move(handle))
    , m_connectionName(std::move(connectionName))
    , m_dialect(driver)
{}

Database::~Database()
{
    if (m_transactionDepth > 0)
        qCWarning(lcDb) << "closing with an open transaction; it is rolled back";
    m_handle.close();
    m_handle = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

Result<std::unique_ptr<Database>> Database::openSqlite(const QString &path)
{
    const QString name = newConnectionName();
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")))
        return openError(name, QStringLiteral("QSQLITE driver not available"));
    if (path != QLatin1String(":memory:"))
        QDir().mkpath(QFileInfo(path).absolutePath());
    QSqlDatabase handle = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    handle.setDatabaseName(path);
    // Another connection (the refresh scheduler's thread) may hold the write lock briefly.
    handle.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!handle.open()) {
        const QString detail = handle.lastError().databaseText();
        handle = QSqlDatabase();
        return openError(name, detail);
    }
    std::unique_ptr<Database> db(new Database(handle, name, Driver::Sqlite));
    if (Result<void> configured = db->configureSqlite(); !configured)
        return configured.error();
    qCInfo(lcDb) << "opened embedded database";
    return db;
}

Result<void> Database::configureSqlite() const
{
    // Foreign keys are off per connection by default; WAL lets readers run during a write.
    if (Result<void> r = execRaw(*this, QStringLiteral("PRAGMA foreign_keys = ON"),
                                 QStringLiteral("sqlite.foreign-keys"));
        !r)
        return r;
    QSqlQuery wal(m_handle);
    if (!wal.exec(QStringLiteral("PRAGMA journal_mode = WAL")))
        qCInfo(lcDb) << "WAL journal unavailable; keeping the default journal";
    return {};
}

Result<std::unique_ptr<Database>> Database::openPostgres(const PostgresSettings &settings)
{
    const QString name = newConnectionName();
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        return openError(name, QStringLiteral("QPSQL driver not available"));
    QSqlDatabase handle = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
    handle.setHostName(settings.host);
    handle.setPort(settings.port);
    handle.setDatabaseName(settings.database);
    handle.setUserName(settings.user);
    handle.setPassword(settings.password);
    handle.setConnectOptions(pgConnectOptions(settings));
    if (!handle.open()) {
        // libpq's message names host and user at most, never the password.
        const QString detail = handle.lastError().databaseText().simplified();
        handle = QSqlDatabase();
        return openError(name, detail);
    }
    qCInfo(lcDb) << "opened PostgreSQL database";
    return std::unique_ptr<Database>(new Database(handle, name, Driver::Postgres));
}

QSqlDatabase Database::handle() const
{
    if (m_transactionDepth == 0)
        reopenIfLost();
    return m_handle;
}

bool Database::connectionLost() const
{
    return !m_handle.isOpen();
}

Error Database::explainFailure(Error error) const
{
    if (error.code != ErrorCode::DatabaseError || !connectionLost())
        return error;
    error.message = trDb("The connection to the CRM database was lost. Try again.");
    return error;
}

// The same named connection is closed and opened again: QSqlDatabase keeps every setting
// (host, user, password, connect options), and statements made from now on use the new
// session. A server that stays away is asked again at most every few seconds, so a dead
// network does not cost one connect timeout per statement.
void Database::reopenIfLost() const
{
    if (!connectionLost() || !m_nextReopen.hasExpired())
        return;
    QSqlDatabase session = m_handle; // shares the connection; open() is not const
    session.close();
    if (!session.open()) {
        qCWarning(lcDb).noquote() << "reopening the lost connection failed:"
                                  << session.lastError().databaseText().simplified();
        m_nextReopen.setRemainingTime(kReopenBackoff);
        return;
    }
    ++m_reopenCount;
    qCInfo(lcDb) << "reopened the lost database connection";
    if (driver() == Driver::Sqlite && !configureSqlite())
        qCWarning(lcDb) << "the reopened embedded database could not be configured";
}

QStringList Database::columnNames(const QString &table) const
{
    const QSqlDatabase session = handle();
    // Quoted, so QPSQL does not fold the PascalCase name to lower case.
    const QString escaped = session.driver()->escapeIdentifier(table, QSqlDriver::TableName);
    const QSqlRecord record = session.record(escaped);
    QStringList names;
    for (int i = 0; i < record.count(); ++i)
        names << record.fieldName(i);
    return names;
}

bool Database::tableExists(const QString &table) const
{
    return !columnNames(table).isEmpty();
}

bool Database::hasColumn(const QString &table, const QString &column) const
{
    return columnNames(table).contains(column);
}

QStringList Database::missingColumns(const QList<TableSpec> &tables) const
{
    QStringList missing;
    for (const TableSpec &table : tables) {
        const QStringList present = columnNames(table.name);
        if (present.isEmpty()) {
            missing << table.name;
            continue;
        }
        for (const ColumnSpec &column : table.columns) {
            if (!column.optional && !present.contains(column.name))
                missing << table.name + u'.' + column.name;
        }
    }
    return missing;
}

Result<QList<int>> Database::appliedVersions() const
{
    QList<int> versions;
    if (!tableExists(kVersionTable))
        return versions;
    SqlStatement st(*this, QStringLiteral("migrate.read-versions"));
    st.prepare(QStringLiteral("SELECT \"Version\" FROM \"SocialCrmSchemaVersions\" "
                              "ORDER BY \"Version\""));
    if (Result<void> r = st.exec(); !r)
        return r.error();
    while (st.next())
        versions << st.value(QStringLiteral("Version")).toInt();
    return versions;
}

Result<void> Database::lockMigrations()
{
    if (driver() != Driver::Postgres)
        return {}; // SQLite: BEGIN IMMEDIATE already holds the database's write lock.
    // Two clients starting at once must not both apply the same migration.
    return execRaw(*this, QStringLiteral("SELECT pg_advisory_xact_lock(7310265889523613779)"),
                   QStringLiteral("migrate.lock"));
}

Result<void> Database::ensureVersionTable()
{
    Transaction tx(*this);
    if (Result<void> r = tx.begin(); !r)
        return r;
    if (Result<void> r = lockMigrations(); !r)
        return r;
    const QString sql = QStringLiteral("CREATE TABLE IF NOT EXISTS \"SocialCrmSchemaVersions\" "
                                       "(\"Version\" %1 NOT NULL CONSTRAINT "
                                       "\"PK_SocialCrmSchemaVersions\" PRIMARY KEY, "
                                       "\"AppliedTime\" %2 NOT NULL)")
                            .arg(m_dialect.columnType(Col::integer(QString())),
                                 m_dialect.columnType(Col::timestamp(QString())));
    if (Result<void> r = execRaw(*this, sql, QStringLiteral("migrate.version-table")); !r)
        return r;
    return tx.commit();
}

Result<void> Database::apply(const Migration &migration)
{
    Transaction tx(*this);
    if (Result<void> r = tx.begin(); !r)
        return r;
    if (Result<void> r = lockMigrations(); !r)
        return r;
    // Re-read under the lock: another client may have applied it meanwhile.
    const Result<QList<int>> applied = appliedVersions();
    if (!applied)
        return applied.error();
    if (applied.value().contains(migration.version))
        return {};
    const QString stage = QStringLiteral("migrate.v%1").arg(migration.version);
    for (const QString &statement : migration.statements(m_dialect)) {
        if (Result<void> r = execRaw(*this, statement, stage); !r)
            return makeError(ErrorCode::MigrationFailed,
                             trDb("The CRM database schema could not be updated."),
                             r.error().detail);
    }
    SqlStatement record(*this, stage + QStringLiteral(".record"));
    record.prepare(QStringLiteral("INSERT INTO \"SocialCrmSchemaVersions\" "
                                  "(\"Version\", \"AppliedTime\") VALUES (:Version, :Time)"));
    record.bind(QStringLiteral(":Version"), migration.version);
    record.bind(QStringLiteral(":Time"), timestamp(QDateTime::currentDateTimeUtc()));
    if (Result<void> r = record.exec(); !r)
        return r;
    if (Result<void> r = tx.commit(); !r)
        return r;
    qCInfo(lcDb) << "applied migration" << migration.version;
    return {};
}

Result<void> Database::migrate()
{
    if (Result<void> r = ensureVersionTable(); !r)
        return makeError(ErrorCode::MigrationFailed,
                         trDb("The CRM database schema could not be updated."), r.error().detail);
    const Result<QList<int>> applied = appliedVersions();
    if (!applied)
        return applied.error();
    for (const Migration &migration : allMigrations()) {
        if (migration.scope == Migration::Scope::EmbeddedOnly && driver() == Driver::Postgres)
            continue; // a production database's ABP tables belong to the ABP server
        if (applied.value().contains(migration.version))
            continue;
        if (Result<void> r = apply(migration); !r)
            return r;
    }
    return {};
}

// --- Transaction ---------------------------------------------------------------------------

Transaction::Transaction(Database &db)
    : m_db(db)
{}

Transaction::~Transaction()
{
    if (isActive())
        rollback();
}

QString Transaction::savepointName() const
{
    return QStringLiteral("easycrm_sp_%1").arg(m_level);
}

Result<void> Transaction::begin()
{
    Q_ASSERT(!isActive());
    const int level = m_db.m_transactionDepth + 1;
    Result<void> started;
    if (level > 1) {
        m_level = level;
        started = execRaw(m_db, QStringLiteral("SAVEPOINT ") + savepointName(),
                          QStringLiteral("transaction.savepoint"));
    } else if (m_db.driver() == Driver::Sqlite) {
        // IMMEDIATE takes the write lock now (waiting up to the busy timeout) instead of
        // failing later when a read transaction tries to become a write transaction.
        started =
            execRaw(m_db, QStringLiteral("BEGIN IMMEDIATE"), QStringLiteral("transaction.begin"));
    } else if (QSqlDatabase session = m_db.handle(); !session.transaction()) {
        started = databaseError(session.lastError(), QStringLiteral("transaction.begin"));
    }
    if (!started) {
        m_level = 0;
        return started;
    }
    m_level = level;
    m_db.m_transactionDepth = level;
    return {};
}

Result<void> Transaction::commit()
{
    Q_ASSERT(isActive());
    // Transactions end in the reverse order they began.
    Q_ASSERT(m_level == m_db.m_transactionDepth);
    Result<void> done;
    if (m_db.connectionLost()) {
        // Nothing to send: the server already ended the session and the transaction with it.
        done = makeError(ErrorCode::DatabaseError,
                         trDb("The CRM database could not complete the operation."),
                         QStringLiteral("transaction.commit: the connection was lost"));
    } else if (m_level > 1) {
        done = execRaw(m_db, QStringLiteral("RELEASE SAVEPOINT ") + savepointName(),
                       QStringLiteral("transaction.release"));
    } else if (!m_db.m_handle.commit()) {
        done = databaseError(m_db.m_handle.lastError(), QStringLiteral("transaction.commit"));
    }
    if (!done) {
        rollback();
        return done;
    }
    m_db.m_transactionDepth = m_level - 1;
    m_level = 0;
    return {};
}

void Transaction::rollback()
{
    if (!isActive())
        return;
    Q_ASSERT(m_level == m_db.m_transactionDepth);
    if (m_db.connectionLost()) {
        // The server ended the session, and with it the transaction: nothing was committed.
        qCInfo(lcDb) << "transaction ended by the lost connection at level" << m_level;
    } else if (m_level > 1) {
        const QString name = savepointName();
        QSqlQuery query(m_db.m_handle);
        if (!query.exec(QStringLiteral("ROLLBACK TO SAVEPOINT ") + name) ||
            !query.exec(QStringLiteral("RELEASE SAVEPOINT ") + name))
            qCWarning(lcDb) << "savepoint rollback failed";
    } else if (!m_db.m_handle.rollback()) {
        qCWarning(lcDb) << "rollback failed";
    }
    qCDebug(lcDb) << "rolled back at level" << m_level;
    m_db.m_transactionDepth = m_level - 1;
    m_level = 0;
}

} // namespace EasyCrm::Db
