#include "dbtestsupport.h"

#include "core/db/abpschema.h"

#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QtTest>

namespace EasyCrm::Db::Test {

namespace {

QString env(const char *name, const char *fallback = "")
{
    const QString value = qEnvironmentVariable(name);
    return value.isEmpty() ? QString::fromLatin1(fallback) : value;
}

} // namespace

bool TestDatabase::wantsPostgres()
{
    return env("EASYCRM_TEST_DRIVER").compare(u"postgres", Qt::CaseInsensitive) == 0;
}

TestDatabase::TestDatabase()
{
    if (wantsPostgres())
        m_schema = QStringLiteral("easycrm_test_%1")
                       .arg(QRandomGenerator::global()->generate64(), 16, 16, QLatin1Char('0'));
    Result<std::unique_ptr<Database>> opened = open();
    if (!opened) {
        m_error = opened.error().detail;
        return;
    }
    m_db = std::move(opened).value();
}

TestDatabase::~TestDatabase()
{
    if (m_db && !m_schema.isEmpty())
        exec(QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE").arg(m_schema));
}

Result<std::unique_ptr<Database>> TestDatabase::open() const
{
    if (!wantsPostgres())
        return Database::openSqlite(m_dir.filePath(QStringLiteral("crm.sqlite")));
    PostgresSettings settings;
    settings.host = env("EASYCRM_TEST_PG_HOST", "127.0.0.1");
    settings.port = env("EASYCRM_TEST_PG_PORT", "5432").toInt();
    settings.database = env("EASYCRM_TEST_PG_DATABASE", "postgres");
    settings.user = env("EASYCRM_TEST_PG_USER", "postgres");
    settings.password = env("EASYCRM_TEST_PG_PASSWORD");
    settings.sslMode = QStringLiteral("disable");
    Result<std::unique_ptr<Database>> opened = Database::openPostgres(settings);
    if (!opened)
        return opened;
    QSqlQuery query(opened.value()->handle());
    if (!query.exec(QStringLiteral("CREATE SCHEMA IF NOT EXISTS ") + m_schema) ||
        !query.exec(QStringLiteral("SET search_path TO ") + m_schema))
        return makeError(ErrorCode::DatabaseOpenFailed, {}, query.lastError().text());
    return opened;
}

Result<std::unique_ptr<Database>> TestDatabase::openConnection() const
{
    return open();
}

Result<void> TestDatabase::migrateLikeProduction()
{
    if (Result<void> r = m_db->migrate(); !r)
        return r;
    if (m_db->driver() == Driver::Sqlite)
        return {};
    for (const TableSpec &table : AbpSchema::all()) {
        for (const QString &sql : m_db->dialect().createTable(table)) {
            if (!exec(sql))
                return makeError(ErrorCode::MigrationFailed, {}, table.name);
        }
    }
    return {};
}

bool TestDatabase::exec(const QString &sql)
{
    QSqlQuery query(m_db->handle());
    if (query.exec(sql))
        return true;
    qWarning().noquote() << "test SQL failed:" << query.lastError().text();
    return false;
}

QVariantMap toMap(const QSqlRecord &record)
{
    QVariantMap map;
    for (int i = 0; i < record.count(); ++i)
        map.insert(record.fieldName(i), record.value(i));
    return map;
}

QVariantMap TestDatabase::row(const QString &table, const QUuid &id)
{
    QSqlQuery query(m_db->handle());
    query.prepare(QStringLiteral("SELECT * FROM \"%1\" WHERE \"Id\" = :Id").arg(table));
    query.bindValue(QStringLiteral(":Id"), m_db->guid(id));
    if (!query.exec() || !query.next())
        return {};
    return toMap(query.record());
}

QList<QVariantMap> TestDatabase::rows(const QString &table, const QString &orderBy)
{
    QSqlQuery query(m_db->handle());
    QString sql = QStringLiteral("SELECT * FROM \"%1\"").arg(table);
    if (!orderBy.isEmpty())
        sql += QStringLiteral(" ORDER BY ") + orderBy;
    QList<QVariantMap> result;
    if (!query.exec(sql))
        return result;
    while (query.next())
        result << toMap(query.record());
    return result;
}

int TestDatabase::count(const QString &table)
{
    QSqlQuery query(m_db->handle());
    if (!query.exec(QStringLiteral("SELECT COUNT(*) FROM \"%1\"").arg(table)) || !query.next())
        return -1;
    return query.value(0).toInt();
}

} // namespace EasyCrm::Db::Test
