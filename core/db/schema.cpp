#include "core/db/schema.h"

namespace EasyCrm::Db {

QStringList TableSpec::columnNames() const
{
    QStringList names;
    names.reserve(columns.size());
    for (const ColumnSpec &c : columns)
        names << c.name;
    return names;
}

const ColumnSpec *TableSpec::column(const QString &columnName) const
{
    for (const ColumnSpec &c : columns) {
        if (c.name == columnName)
            return &c;
    }
    return nullptr;
}

QString quoted(const QString &identifier)
{
    Q_ASSERT(!identifier.contains(u'"'));
    return u'"' + identifier + u'"';
}

QString identifierName(const QString &name)
{
    // PostgreSQL would cut silently and could make two long names collide.
    return name.size() > 63 ? name.left(62) + u'~' : name;
}

IndexSpec indexOn(const QString &table, const QStringList &columns, bool unique)
{
    IndexSpec index;
    index.name = identifierName(QStringLiteral("IX_") + table + u'_' + columns.join(u'_'));
    for (const QString &c : columns)
        index.parts << quoted(c);
    index.unique = unique;
    return index;
}

QString coalescedTenant(const QString &column)
{
    // Both SQLite and PostgreSQL index expressions; PostgreSQL resolves the literal to uuid.
    return QStringLiteral("COALESCE(") + quoted(column) +
           QStringLiteral(", '00000000-0000-0000-0000-000000000000')");
}

namespace Col {

ColumnSpec guid(const QString &name, Nullability n)
{
    return ColumnSpec{name, ColumnType::Guid, n, 0, {}, false};
}

ColumnSpec string(const QString &name, int maxLength, Nullability n)
{
    return ColumnSpec{name, ColumnType::String, n, maxLength, {}, false};
}

ColumnSpec text(const QString &name, Nullability n)
{
    return ColumnSpec{name, ColumnType::Text, n, 0, {}, false};
}

ColumnSpec integer(const QString &name, Nullability n, QVariant defaultValue)
{
    return ColumnSpec{name, ColumnType::Int, n, 0, std::move(defaultValue), false};
}

ColumnSpec smallInt(const QString &name, QVariant defaultValue)
{
    return ColumnSpec{name, ColumnType::SmallInt,    Nullability::NotNull,
                      0,    std::move(defaultValue), false};
}

ColumnSpec boolean(const QString &name, QVariant defaultValue)
{
    return ColumnSpec{name, ColumnType::Bool,        Nullability::NotNull,
                      0,    std::move(defaultValue), false};
}

ColumnSpec timestamp(const QString &name, Nullability n)
{
    return ColumnSpec{name, ColumnType::Timestamp, n, 0, {}, false};
}

ColumnSpec timestampTz(const QString &name, Nullability n)
{
    return ColumnSpec{name, ColumnType::TimestampTz, n, 0, {}, false};
}

ColumnSpec bytes(const QString &name, Nullability n)
{
    return ColumnSpec{name, ColumnType::Bytes, n, 0, {}, false};
}

ColumnSpec identity(const QString &name)
{
    return ColumnSpec{name, ColumnType::Identity, Nullability::NotNull, 0, {}, false};
}

QList<ColumnSpec> extraPropertiesAndStamp()
{
    return {text(QStringLiteral("ExtraProperties"), Nullability::NotNull),
            string(QStringLiteral("ConcurrencyStamp"), 40, Nullability::NotNull)};
}

QList<ColumnSpec> auditedColumns()
{
    return {timestamp(QStringLiteral("CreationTime")),
            guid(QStringLiteral("CreatorId"), Nullability::Null),
            timestamp(QStringLiteral("LastModificationTime"), Nullability::Null),
            guid(QStringLiteral("LastModifierId"), Nullability::Null)};
}

} // namespace Col

} // namespace EasyCrm::Db
