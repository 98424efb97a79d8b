#pragma once

#include "core/db/database.h"

#include <QSqlRecord>
#include <QTemporaryDir>
#include <QVariantMap>

#include <memory>

namespace EasyCrm::Db::Test {

// The database a test runs against. SQLite in a temporary directory by default; with
// EASYCRM_TEST_DRIVER=postgres, a PostgreSQL server named by EASYCRM_TEST_PG_HOST, _PORT,
// _DATABASE, _USER, _PASSWORD, each fixture in a schema of its own that is dropped after.
class TestDatabase final
{
public:
    TestDatabase();
    ~TestDatabase();
    Q_DISABLE_COPY_MOVE(TestDatabase)

    static bool wantsPostgres();
    // Empty when the fixture could not be set up; the reason is in error().
    bool isReady() const { return m_db != nullptr; }
    QString error() const { return m_error; }

    Database &db() { return *m_db; }
    // Another connection to the same database, owned by the calling thread.
    [[nodiscard]] Result<std::unique_ptr<Database>> openConnection() const;

    // migrate(); on PostgreSQL also ABP's tables, as a production database has them.
    [[nodiscard]] Result<void> migrateLikeProduction();
    // Executes SQL on the fixture's connection; fails the test on error.
    bool exec(const QString &sql);

    // The row of `table` whose "Id" is `id`, or an empty map.
    QVariantMap row(const QString &table, const QUuid &id);
    // Every row of `table`.
    QList<QVariantMap> rows(const QString &table, const QString &orderBy = {});
    int count(const QString &table);

private:
    [[nodiscard]] Result<std::unique_ptr<Database>> open() const;

    QTemporaryDir m_dir;
    QString m_schema;
    QString m_error;
    std::unique_ptr<Database> m_db;
};

QVariantMap toMap(const QSqlRecord &record);

} // namespace EasyCrm::Db::Test
