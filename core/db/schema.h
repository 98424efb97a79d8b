#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace EasyCrm::Db {

// The column types EF Core maps .NET properties to; the dialect renders them per driver.
enum class ColumnType {
    Guid,        // uuid / TEXT
    String,      // character varying(n) / TEXT
    Text,        // text / TEXT
    Int,         // integer / INTEGER
    SmallInt,    // smallint / INTEGER (.NET short and byte)
    Bool,        // boolean / INTEGER 0-1
    Timestamp,   // timestamp without time zone / TEXT
    TimestampTz, // timestamp with time zone / TEXT (.NET DateTimeOffset)
    Bytes,       // bytea / BLOB
    Identity,    // integer identity / INTEGER PRIMARY KEY AUTOINCREMENT
};

enum class Nullability { NotNull, Null };

struct ColumnSpec
{
    QString name;
    ColumnType type = ColumnType::Text;
    Nullability nullability = Nullability::Null;
    int maxLength = 0;
    QVariant defaultValue; // bool or int, rendered per dialect
    // Present only in newer ABP versions: a schema check does not require it.
    bool optional = false;
};

struct ForeignKeySpec
{
    QString column;
    QString referencedTable;
    QString onDelete; // "CASCADE", "SET NULL" or empty (restrict)
};

// `parts` are SQL: quoted column names or expressions such as COALESCE(...).
struct IndexSpec
{
    QString name;
    QStringList parts;
    bool unique = false;
};

struct TableSpec
{
    QString name;
    QList<ColumnSpec> columns;
    QStringList primaryKey;
    QList<ForeignKeySpec> foreignKeys;
    QList<IndexSpec> indexes;
    QStringList checks; // SQL boolean expressions

    [[nodiscard]] QStringList columnNames() const;
    [[nodiscard]] const ColumnSpec *column(const QString &name) const;
};

// "Name" with its double quotes: every identifier of this product is quoted PascalCase.
[[nodiscard]] QString quoted(const QString &identifier);

// An identifier PostgreSQL keeps whole: past 63 bytes it is cut, as EF Core cuts it, with "~".
[[nodiscard]] QString identifierName(const QString &name);

// Index over plain columns, named the way EF Core names it: IX_<table>_<col>_<col>.
[[nodiscard]] IndexSpec indexOn(const QString &table, const QStringList &columns,
                                bool unique = false);

// The Guid NULL stands for in uniqueness rules: SQL treats NULLs as distinct, so a host
// row (TenantId NULL) would otherwise never collide with another host row.
[[nodiscard]] QString coalescedTenant(const QString &column = QStringLiteral("TenantId"));

// Small builders keeping the table lists readable.
namespace Col {
[[nodiscard]] ColumnSpec guid(const QString &name, Nullability n = Nullability::NotNull);
[[nodiscard]] ColumnSpec string(const QString &name, int maxLength,
                                Nullability n = Nullability::Null);
[[nodiscard]] ColumnSpec text(const QString &name, Nullability n = Nullability::Null);
[[nodiscard]] ColumnSpec integer(const QString &name, Nullability n = Nullability::NotNull,
                                 QVariant defaultValue = {});
[[nodiscard]] ColumnSpec smallInt(const QString &name, QVariant defaultValue = {});
[[nodiscard]] ColumnSpec boolean(const QString &name, QVariant defaultValue = {});
[[nodiscard]] ColumnSpec timestamp(const QString &name, Nullability n = Nullability::NotNull);
[[nodiscard]] ColumnSpec timestampTz(const QString &name, Nullability n = Nullability::Null);
[[nodiscard]] ColumnSpec bytes(const QString &name, Nullability n = Nullability::NotNull);
[[nodiscard]] ColumnSpec identity(const QString &name);
// ABP's ExtraProperties (text JSON) and ConcurrencyStamp (varchar(40)).
[[nodiscard]] QList<ColumnSpec> extraPropertiesAndStamp();
// ABP's CreationTime, CreatorId, LastModificationTime, LastModifierId.
[[nodiscard]] QList<ColumnSpec> auditedColumns();
} // namespace Col

} // namespace EasyCrm::Db
