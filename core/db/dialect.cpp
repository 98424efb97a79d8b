#include "core/db/dialect.h"

#include <QLocale>
#include <QMetaType>

namespace EasyCrm::Db {

namespace {

QVariant nullOf(QMetaType type)
{
    return QVariant(type);
}

// "2024-05-06 07:08:09.1234567", "…09.5" or "…09": date, time, optional fraction; a "T"
// separator and a trailing "Z" are tolerated. Digits past milliseconds are dropped.
bool parseWallClock(QStringView text, QDate &date, QTime &time)
{
    if (text.size() < 19)
        return false;
    date = QDate::fromString(text.first(10).toString(), QStringLiteral("yyyy-MM-dd"));
    time = QTime::fromString(text.sliced(11, 8).toString(), QStringLiteral("HH:mm:ss"));
    if (!date.isValid() || !time.isValid())
        return false;
    QStringView rest = text.sliced(19);
    if (rest.endsWith(u'Z'))
        rest.chop(1);
    if (rest.isEmpty())
        return true;
    if (rest.front() != u'.' || rest.size() < 2)
        return false;
    QString millis = rest.sliced(1).left(3).toString();
    while (millis.size() < 3)
        millis.append(u'0');
    bool ok = false;
    const int ms = millis.toInt(&ok);
    if (!ok)
        return false;
    time = time.addMSecs(ms);
    return true;
}

} // namespace

Dialect::Dialect(Driver driver, TimestampBasis basis)
    : m_driver(driver)
    , m_basis(basis)
{}

QVariant Dialect::guid(const QUuid &id) const
{
    const QString text = id.toString(QUuid::WithoutBraces);
    // EF Core's SQLite provider stores Guid as uppercase TEXT; equality is textual there.
    return m_driver == Driver::Sqlite ? text.toUpper() : text;
}

QVariant Dialect::guidOrNull(const std::optional<QUuid> &id) const
{
    if (!id)
        return nullOf(QMetaType::fromType<QString>());
    return guid(*id);
}

QDateTime Dialect::wallClock(const QDateTime &utc) const
{
    return m_basis == TimestampBasis::Utc ? utc.toUTC() : utc.toLocalTime();
}

QString Dialect::formatTimestamp(const QDateTime &utc) const
{
    if (!utc.isValid())
        return {};
    const QDateTime wall = wallClock(utc);
    const QLocale c = QLocale::c();
    if (m_driver == Driver::Postgres)
        return c.toString(wall, QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
    // .NET "FFFFFFF": significant fraction digits only, no dot when the fraction is zero.
    QString text = c.toString(wall, QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    QString fraction = c.toString(wall, QStringLiteral("zzz"));
    while (fraction.endsWith(u'0'))
        fraction.chop(1);
    if (!fraction.isEmpty())
        text += u'.' + fraction;
    return text;
}

QVariant Dialect::timestamp(const QDateTime &utc) const
{
    if (!utc.isValid())
        return nullOf(QMetaType::fromType<QString>());
    return formatTimestamp(utc);
}

QVariant Dialect::boolean(bool value) const
{
    if (m_driver == Driver::Sqlite)
        return QVariant(value ? 1 : 0);
    return QVariant(value);
}

QVariant Dialect::bytes(const QByteArray &value) const
{
    return QVariant(value);
}

QVariant Dialect::textOrNull(const QString &value) const
{
    if (value.isEmpty())
        return nullOf(QMetaType::fromType<QString>());
    return value;
}

QVariant Dialect::intOrNull(const std::optional<int> &value) const
{
    if (!value)
        return nullOf(QMetaType::fromType<int>());
    return *value;
}

QDateTime Dialect::readTimestamp(const QVariant &value) const
{
    if (!value.isValid() || value.isNull())
        return {};
    QDate date;
    QTime time;
    if (value.typeId() == QMetaType::QDateTime) {
        // QPSQL hands `timestamp without time zone` over as a QDateTime; only its wall
        // clock is meaningful, whatever time spec the driver attached.
        const QDateTime raw = value.toDateTime();
        date = raw.date();
        time = raw.time();
    } else if (!parseWallClock(value.toString(), date, time)) {
        return {};
    }
    if (m_basis == TimestampBasis::Utc)
        return QDateTime(date, time, Qt::UTC);
    return QDateTime(date, time, Qt::LocalTime).toUTC();
}

QUuid Dialect::readGuid(const QVariant &value) const
{
    if (!value.isValid() || value.isNull())
        return {};
    if (value.typeId() == QMetaType::QUuid)
        return value.toUuid();
    if (value.typeId() == QMetaType::QByteArray && value.toByteArray().size() == 16)
        return QUuid::fromRfc4122(value.toByteArray());
    return QUuid::fromString(value.toString());
}

std::optional<QUuid> Dialect::readGuidOrNull(const QVariant &value) const
{
    const QUuid id = readGuid(value);
    if (id.isNull())
        return std::nullopt;
    return id;
}

QString Dialect::columnType(const ColumnSpec &column) const
{
    const bool pg = m_driver == Driver::Postgres;
    switch (column.type) {
    case ColumnType::Guid:
        return pg ? QStringLiteral("uuid") : QStringLiteral("TEXT");
    case ColumnType::String:
        return pg ? QStringLiteral("character varying(%1)").arg(column.maxLength)
                  : QStringLiteral("TEXT");
    case ColumnType::Text:
        return pg ? QStringLiteral("text") : QStringLiteral("TEXT");
    case ColumnType::Int:
    case ColumnType::Identity:
        return pg ? QStringLiteral("integer") : QStringLiteral("INTEGER");
    case ColumnType::SmallInt:
        return pg ? QStringLiteral("smallint") : QStringLiteral("INTEGER");
    case ColumnType::Bool:
        return pg ? QStringLiteral("boolean") : QStringLiteral("INTEGER");
    case ColumnType::Timestamp:
        return pg ? QStringLiteral("timestamp without time zone") : QStringLiteral("TEXT");
    case ColumnType::TimestampTz:
        return pg ? QStringLiteral("timestamp with time zone") : QStringLiteral("TEXT");
    case ColumnType::Bytes:
        return pg ? QStringLiteral("bytea") : QStringLiteral("BLOB");
    }
    return {};
}

QString Dialect::defaultLiteral(const ColumnSpec &column) const
{
    if (!column.defaultValue.isValid())
        return {};
    if (column.defaultValue.typeId() == QMetaType::Bool) {
        const bool on = column.defaultValue.toBool();
        if (m_driver == Driver::Postgres)
            return on ? QStringLiteral("TRUE") : QStringLiteral("FALSE");
        return on ? QStringLiteral("1") : QStringLiteral("0");
    }
    return QString::number(column.defaultValue.toLongLong());
}

QString Dialect::columnDefinition(const ColumnSpec &column, const QString &tableName) const
{
    QString sql = quoted(column.name) + u' ' + columnType(column);
    if (column.type == ColumnType::Identity) {
        // EF Core: SQLite AUTOINCREMENT primary key; Npgsql identity by default.
        if (m_driver == Driver::Sqlite)
            return sql + QStringLiteral(" NOT NULL CONSTRAINT ") + quoted(u"PK_" + tableName) +
                   QStringLiteral(" PRIMARY KEY AUTOINCREMENT");
        return sql + QStringLiteral(" GENERATED BY DEFAULT AS IDENTITY NOT NULL");
    }
    sql += column.nullability == Nullability::NotNull ? QStringLiteral(" NOT NULL")
                                                      : QStringLiteral(" NULL");
    const QString def = defaultLiteral(column);
    if (!def.isEmpty())
        sql += QStringLiteral(" DEFAULT ") + def;
    return sql;
}

QStringList Dialect::createTable(const TableSpec &table, Existing existing) const
{
    const QString ifNotExists =
        existing == Existing::Keep ? QStringLiteral("IF NOT EXISTS ") : QString();
    QStringList parts;
    bool inlinePrimaryKey = false;
    for (const ColumnSpec &column : table.columns) {
        parts << columnDefinition(column, table.name);
        inlinePrimaryKey |= column.type == ColumnType::Identity && m_driver == Driver::Sqlite;
    }
    if (!inlinePrimaryKey && !table.primaryKey.isEmpty()) {
        QStringList keys;
        for (const QString &k : table.primaryKey)
            keys << quoted(k);
        parts << QStringLiteral("CONSTRAINT ") + quoted(u"PK_" + table.name) +
                     QStringLiteral(" PRIMARY KEY (") + keys.join(u", ") + u')';
    }
    for (const ForeignKeySpec &fk : table.foreignKeys) {
        const QString name =
            identifierName(u"FK_" + table.name + u'_' + fk.referencedTable + u'_' + fk.column);
        QString sql = QStringLiteral("CONSTRAINT ") + quoted(name) +
                      QStringLiteral(" FOREIGN KEY (") + quoted(fk.column) +
                      QStringLiteral(") REFERENCES ") + quoted(fk.referencedTable) +
                      QStringLiteral(" (\"Id\")");
        if (!fk.onDelete.isEmpty())
            sql += QStringLiteral(" ON DELETE ") + fk.onDelete;
        parts << sql;
    }
    for (qsizetype i = 0; i < table.checks.size(); ++i) {
        parts << QStringLiteral("CONSTRAINT ") +
                     quoted(u"CK_" + table.name + u'_' + QString::number(i + 1)) +
                     QStringLiteral(" CHECK (") + table.checks.at(i) + u')';
    }
    QStringList statements;
    statements << QStringLiteral("CREATE TABLE ") + ifNotExists + quoted(table.name) +
                      QStringLiteral(" (\n    ") + parts.join(QStringLiteral(",\n    ")) +
                      QStringLiteral("\n)");
    for (const IndexSpec &index : table.indexes) {
        statements << QStringLiteral("CREATE ") + (index.unique ? u"UNIQUE " : u"") +
                          QStringLiteral("INDEX ") + ifNotExists + quoted(index.name) +
                          QStringLiteral(" ON ") + quoted(table.name) + QStringLiteral(" (") +
                          index.parts.join(u", ") + u')';
    }
    return statements;
}

} // namespace EasyCrm::Db
