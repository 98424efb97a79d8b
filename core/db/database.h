#pragma once

#include "core/common/result.h"
#include "core/db/dialect.h"
#include "core/db/schema.h"

#include <QDeadlineTimer>
#include <QSqlDatabase>
#include <QString>

#include <memory>
#include <optional>

namespace EasyCrm::Db {

struct Migration;

struct PostgresSettings
{
    QString host;
    int port = 5432;
    QString database;
    QString user;
    QString password;
    QString sslMode; // libpq sslmode: disable, prefer, require, verify-ca, verify-full
    int connectTimeoutSeconds = 10;
};

// One named QSqlDatabase connection, owned for the lifetime of this object. QtSql ties a
// connection to the thread that opened it: open one Database per thread.
//
// A lost connection (the server ended the session: a terminated backend, a restart, a dropped
// network) fails the call that meets it, and is reopened with the same settings by the next
// use outside a transaction. Inside a transaction it stays dead: every further statement of
// that transaction fails and its rollback ends it, so half a flow is never silently redone on
// a fresh session in autocommit mode.
class Database final
{
public:
    [[nodiscard]] static Result<std::unique_ptr<Database>> openSqlite(const QString &path);
    [[nodiscard]] static Result<std::unique_ptr<Database>>
    openPostgres(const PostgresSettings &settings);
    ~Database();
    Q_DISABLE_COPY_MOVE(Database)

    Driver driver() const { return m_dialect.driver(); }
    // The connection, reopened first when it was lost and no transaction is open. Logically
    // const: reopening changes the session, not the data this object stands for.
    QSqlDatabase handle() const;
    QString connectionName() const { return m_connectionName; }
    const Dialect &dialect() const { return m_dialect; }

    void setTimestampBasis(TimestampBasis basis) { m_dialect.setBasis(basis); }
    TimestampBasis timestampBasis() const { return m_dialect.basis(); }

    // Applies every pending migration, each in its own transaction; a no-op when current.
    // Embedded SQLite also gets ABP's tables; PostgreSQL only ever gets the module's tables.
    [[nodiscard]] Result<void> migrate();
    [[nodiscard]] Result<QList<int>> appliedVersions() const;

    // --- Schema introspection (through the driver's record, cached nowhere) ---------------
    [[nodiscard]] bool tableExists(const QString &table) const;
    [[nodiscard]] bool hasColumn(const QString &table, const QString &column) const;
    [[nodiscard]] QStringList columnNames(const QString &table) const;
    // "Table" for a missing table, "Table.Column" for a missing required column.
    [[nodiscard]] QStringList missingColumns(const QList<TableSpec> &tables) const;

    // --- Values for this driver and basis (see Dialect) ------------------------------------
    QVariant guid(const QUuid &id) const { return m_dialect.guid(id); }
    QVariant guidOrNull(const std::optional<QUuid> &id) const { return m_dialect.guidOrNull(id); }
    QVariant timestamp(const QDateTime &utc) const { return m_dialect.timestamp(utc); }
    QVariant boolean(bool value) const { return m_dialect.boolean(value); }
    QDateTime readTimestamp(const QVariant &v) const { return m_dialect.readTimestamp(v); }
    QUuid readGuid(const QVariant &v) const { return m_dialect.readGuid(v); }
    std::optional<QUuid> readGuidOrNull(const QVariant &v) const
    {
        return m_dialect.readGuidOrNull(v);
    }

    bool inTransaction() const { return m_transactionDepth > 0; }

    // --- A lost connection -------------------------------------------------------------------
    // True once an opened connection no longer is: QPSQL notices on the first call that meets
    // the closed session. Ask right after a failure; the next use may reopen it.
    [[nodiscard]] bool connectionLost() const;
    // `error` as the person should read it: a database failure caused by a lost connection
    // says so, because trying again is then the remedy. Other errors pass unchanged.
    [[nodiscard]] Error explainFailure(Error error) const;
    // How often a lost connection was reopened (diagnostics and tests).
    int reopenCount() const { return m_reopenCount; }

private:
    friend class Transaction;
    Database(QSqlDatabase handle, QString connectionName, Driver driver);
    [[nodiscard]] Result<void> configureSqlite() const;
    void reopenIfLost() const;
    [[nodiscard]] Result<void> ensureVersionTable();
    [[nodiscard]] Result<void> apply(const Migration &migration);
    [[nodiscard]] Result<void> lockMigrations();

    QSqlDatabase m_handle;
    QString m_connectionName;
    Dialect m_dialect;
    int m_transactionDepth = 0;
    // Reopen bookkeeping: handle() is const for its many readers.
    mutable int m_reopenCount = 0;
    mutable QDeadlineTimer m_nextReopen{0};
};

// RAII transaction: rolls back unless commit() succeeded. Nested inside another one it
// becomes a SAVEPOINT, so a failed inner step (a uniqueness violation, say) can be undone
// without aborting the outer flow — PostgreSQL would otherwise poison the whole transaction.
class Transaction final
{
public:
    explicit Transaction(Database &db);
    ~Transaction();
    Q_DISABLE_COPY_MOVE(Transaction)

    [[nodiscard]] Result<void> begin();
    [[nodiscard]] Result<void> commit();
    void rollback();
    bool isActive() const { return m_level > 0; }

private:
    [[nodiscard]] QString savepointName() const;

    Database &m_db;
    int m_level = 0; // nesting level while active, 0 otherwise
};

} // namespace EasyCrm::Db
