#pragma once

#include "core/db/schema.h"

#include <QDateTime>
#include <QStringList>
#include <QUuid>
#include <QVariant>

#include <optional>

namespace EasyCrm::Db {

enum class Driver { Sqlite, Postgres };

// The clock basis timestamps are written in. ABP servers default to local time
// (AbpClockOptions.Kind = Unspecified); UTC is the product's default.
enum class TimestampBasis { Utc, Local };

// Where SQLite and PostgreSQL differ: value representation and DDL types. Values follow
// what EF Core writes for each provider, so the ABP server reads our rows as its own.
class Dialect
{
public:
    explicit Dialect(Driver driver, TimestampBasis basis = TimestampBasis::Utc);

    Driver driver() const { return m_driver; }
    TimestampBasis basis() const { return m_basis; }
    void setBasis(TimestampBasis basis) { m_basis = basis; }

    // --- Values to bind -------------------------------------------------------------------
    // SQLite: TEXT, uppercase with dashes (EF Core); PostgreSQL: uuid literal.
    [[nodiscard]] QVariant guid(const QUuid &id) const;
    [[nodiscard]] QVariant guidOrNull(const std::optional<QUuid> &id) const;
    // SQLite: "yyyy-MM-dd HH:mm:ss.FFFFFFF" (EF Core, fraction zeros trimmed); PostgreSQL:
    // "yyyy-MM-dd HH:mm:ss.zzz" for `timestamp without time zone`. Bound as text on purpose:
    // QPSQL turns a QDateTime into a `timestamptz` literal that the server would shift by the
    // session time zone. An invalid QDateTime binds NULL.
    [[nodiscard]] QVariant timestamp(const QDateTime &utc) const;
    [[nodiscard]] QVariant boolean(bool value) const;
    [[nodiscard]] QVariant bytes(const QByteArray &value) const;
    // Empty text binds NULL, as an unset .NET string property would.
    [[nodiscard]] QVariant textOrNull(const QString &value) const;
    [[nodiscard]] QVariant intOrNull(const std::optional<int> &value) const;

    // --- Values read back -----------------------------------------------------------------
    // The stored wall-clock time read in this basis, returned in UTC; NULL gives invalid.
    [[nodiscard]] QDateTime readTimestamp(const QVariant &value) const;
    [[nodiscard]] QUuid readGuid(const QVariant &value) const;
    [[nodiscard]] std::optional<QUuid> readGuidOrNull(const QVariant &value) const;

    // The wall-clock text written for `utc` (what timestamp() binds), for tests and logs.
    [[nodiscard]] QString formatTimestamp(const QDateTime &utc) const;

    // --- Schema ---------------------------------------------------------------------------
    enum class Existing { Fail, Keep };
    [[nodiscard]] QString columnType(const ColumnSpec &column) const;
    // CREATE TABLE followed by its CREATE INDEX statements.
    [[nodiscard]] QStringList createTable(const TableSpec &table,
                                          Existing existing = Existing::Fail) const;

private:
    [[nodiscard]] QString columnDefinition(const ColumnSpec &column,
                                           const QString &tableName) const;
    [[nodiscard]] QString defaultLiteral(const ColumnSpec &column) const;
    [[nodiscard]] QDateTime wallClock(const QDateTime &utc) const;

    Driver m_driver;
    TimestampBasis m_basis;
};

} // namespace EasyCrm::Db
