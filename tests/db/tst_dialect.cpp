#include "core/db/dialect.h"
#include "core/db/migrations.h"
#include "core/db/schema.h"

#include <QTest>

#include <ctime>

using namespace EasyCrm::Db;

Q_DECLARE_METATYPE(EasyCrm::Db::Driver)
Q_DECLARE_METATYPE(EasyCrm::Db::TimestampBasis)

// Value and DDL formatting per driver, without a database: what EF Core writes for each
// provider is what the ABP server expects to read.
class TestDialect final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void guidText_data();
    void guidText();
    void guidReadBack_data();
    void guidReadBack();
    void timestampText_data();
    void timestampText();
    void timestampReadBack_data();
    void timestampReadBack();
    void nullsAreTypedNulls();
    void booleans();
    void postgresDdl();
    void sqliteDdl();
    void longIndexNamesAreCutLikeEfCore();
};

void TestDialect::initTestCase()
{
    // A zone with daylight saving time, so the local basis is visibly not UTC.
    qputenv("TZ", "Europe/Berlin");
    tzset();
}

void TestDialect::guidText_data()
{
    QTest::addColumn<Driver>("driver");
    QTest::addColumn<QString>("expected");
    QTest::newRow("sqlite-uppercase-with-dashes")
        << Driver::Sqlite << QStringLiteral("0F8FAD5B-D9CB-469F-A165-70867728950E");
    QTest::newRow("postgres-uuid-literal")
        << Driver::Postgres << QStringLiteral("0f8fad5b-d9cb-469f-a165-70867728950e");
}

void TestDialect::guidText()
{
    QFETCH(Driver, driver);
    QFETCH(QString, expected);
    const QUuid id = QUuid::fromString(u"{0f8fad5b-d9cb-469f-a165-70867728950e}");
    QCOMPARE(Dialect(driver).guid(id).toString(), expected);
    QCOMPARE(Dialect(driver).guidOrNull(id).toString(), expected);
}

void TestDialect::guidReadBack_data()
{
    QTest::addColumn<QVariant>("stored");
    const QUuid id = QUuid::fromString(u"0f8fad5b-d9cb-469f-a165-70867728950e");
    QTest::newRow("ef-core-sqlite-uppercase")
        << QVariant(QStringLiteral("0F8FAD5B-D9CB-469F-A165-70867728950E"));
    QTest::newRow("postgres-lowercase")
        << QVariant(QStringLiteral("0f8fad5b-d9cb-469f-a165-70867728950e"));
    QTest::newRow("braces") << QVariant(QStringLiteral("{0f8fad5b-d9cb-469f-a165-70867728950e}"));
    QTest::newRow("quuid-variant") << QVariant::fromValue(id);
}

void TestDialect::guidReadBack()
{
    QFETCH(QVariant, stored);
    const QUuid expected = QUuid::fromString(u"0f8fad5b-d9cb-469f-a165-70867728950e");
    for (Driver driver : {Driver::Sqlite, Driver::Postgres}) {
        QCOMPARE(Dialect(driver).readGuid(stored), expected);
        QCOMPARE(Dialect(driver).readGuidOrNull(stored), std::optional<QUuid>(expected));
    }
}

void TestDialect::timestampText_data()
{
    QTest::addColumn<Driver>("driver");
    QTest::addColumn<TimestampBasis>("basis");
    QTest::addColumn<QDateTime>("utc");
    QTest::addColumn<QString>("expected");
    const QDate winter(2024, 1, 15);
    const QDate summer(2024, 7, 15);
    const auto at = [](QDate d, int h, int m, int s, int ms) {
        return QDateTime(d, QTime(h, m, s, ms), Qt::UTC);
    };
    QTest::newRow("sqlite-whole-second-has-no-fraction")
        << Driver::Sqlite << TimestampBasis::Utc << at(winter, 10, 0, 0, 0)
        << QStringLiteral("2024-01-15 10:00:00");
    QTest::newRow("sqlite-fraction-trailing-zeros-trimmed")
        << Driver::Sqlite << TimestampBasis::Utc << at(winter, 10, 0, 5, 500)
        << QStringLiteral("2024-01-15 10:00:05.5");
    QTest::newRow("sqlite-fraction-inner-zero-kept")
        << Driver::Sqlite << TimestampBasis::Utc << at(winter, 10, 0, 5, 105)
        << QStringLiteral("2024-01-15 10:00:05.105");
    QTest::newRow("sqlite-local-basis-winter")
        << Driver::Sqlite << TimestampBasis::Local << at(winter, 10, 0, 0, 0)
        << QStringLiteral("2024-01-15 11:00:00");
    QTest::newRow("sqlite-local-basis-summer")
        << Driver::Sqlite << TimestampBasis::Local << at(summer, 23, 30, 0, 120)
        << QStringLiteral("2024-07-16 01:30:00.12");
    QTest::newRow("postgres-always-milliseconds")
        << Driver::Postgres << TimestampBasis::Utc << at(winter, 10, 0, 0, 0)
        << QStringLiteral("2024-01-15 10:00:00.000");
    QTest::newRow("postgres-local-basis")
        << Driver::Postgres << TimestampBasis::Local << at(summer, 8, 1, 2, 3)
        << QStringLiteral("2024-07-15 10:01:02.003");
    QTest::newRow("non-utc-input-converted-first")
        << Driver::Sqlite << TimestampBasis::Utc
        << QDateTime(winter, QTime(12, 0), Qt::OffsetFromUTC, 2 * 3600)
        << QStringLiteral("2024-01-15 10:00:00");
}

void TestDialect::timestampText()
{
    QFETCH(Driver, driver);
    QFETCH(TimestampBasis, basis);
    QFETCH(QDateTime, utc);
    QFETCH(QString, expected);
    const Dialect dialect(driver, basis);
    QCOMPARE(dialect.timestamp(utc).toString(), expected);
    // What is written reads back as the same instant.
    QCOMPARE(dialect.readTimestamp(dialect.timestamp(utc)), utc.toUTC());
}

void TestDialect::timestampReadBack_data()
{
    QTest::addColumn<TimestampBasis>("basis");
    QTest::addColumn<QVariant>("stored");
    QTest::addColumn<QDateTime>("expected");
    const QDate d(2024, 5, 6);
    QTest::newRow("ef-core-seven-digit-fraction")
        << TimestampBasis::Utc << QVariant(QStringLiteral("2024-05-06 07:08:09.1234567"))
        << QDateTime(d, QTime(7, 8, 9, 123), Qt::UTC);
    QTest::newRow("no-fraction") << TimestampBasis::Utc
                                 << QVariant(QStringLiteral("2024-05-06 07:08:09"))
                                 << QDateTime(d, QTime(7, 8, 9), Qt::UTC);
    QTest::newRow("iso-t-separator-and-z")
        << TimestampBasis::Utc << QVariant(QStringLiteral("2024-05-06T07:08:09.5Z"))
        << QDateTime(d, QTime(7, 8, 9, 500), Qt::UTC);
    QTest::newRow("qpsql-datetime-wall-clock")
        << TimestampBasis::Utc << QVariant(QDateTime(d, QTime(7, 8, 9), Qt::LocalTime))
        << QDateTime(d, QTime(7, 8, 9), Qt::UTC);
    QTest::newRow("local-basis-summer-time")
        << TimestampBasis::Local << QVariant(QStringLiteral("2024-05-06 09:08:09"))
        << QDateTime(d, QTime(7, 8, 9), Qt::UTC);
    QTest::newRow("garbage-is-invalid")
        << TimestampBasis::Utc << QVariant(QStringLiteral("yesterday noon")) << QDateTime();
    QTest::newRow("bad-fraction-is-invalid")
        << TimestampBasis::Utc << QVariant(QStringLiteral("2024-05-06 07:08:09,5")) << QDateTime();
    QTest::newRow("null-is-invalid")
        << TimestampBasis::Utc << QVariant(QMetaType::fromType<QString>()) << QDateTime();
}

void TestDialect::timestampReadBack()
{
    QFETCH(TimestampBasis, basis);
    QFETCH(QVariant, stored);
    QFETCH(QDateTime, expected);
    for (Driver driver : {Driver::Sqlite, Driver::Postgres}) {
        const QDateTime read = Dialect(driver, basis).readTimestamp(stored);
        QCOMPARE(read.isValid(), expected.isValid());
        if (expected.isValid()) {
            QCOMPARE(read, expected);
            QCOMPARE(read.timeSpec(), Qt::UTC);
        }
    }
}

void TestDialect::nullsAreTypedNulls()
{
    for (Driver driver : {Driver::Sqlite, Driver::Postgres}) {
        const Dialect dialect(driver);
        QVERIFY(dialect.guidOrNull(std::nullopt).isNull());
        QVERIFY(dialect.timestamp(QDateTime()).isNull());
        QVERIFY(dialect.textOrNull(QString()).isNull());
        QVERIFY(dialect.intOrNull(std::nullopt).isNull());
        QVERIFY(!dialect.readGuidOrNull(QVariant(QMetaType::fromType<QString>())));
        QCOMPARE(dialect.intOrNull(200).toInt(), 200);
    }
}

void TestDialect::booleans()
{
    QCOMPARE(Dialect(Driver::Sqlite).boolean(true), QVariant(1));
    QCOMPARE(Dialect(Driver::Sqlite).boolean(false), QVariant(0));
    QCOMPARE(Dialect(Driver::Postgres).boolean(true), QVariant(true));
    QCOMPARE(Dialect(Driver::Postgres).boolean(false).typeId(), QMetaType::Bool);
}

void TestDialect::postgresDdl()
{
    TableSpec t{QStringLiteral("Sample"), {}, {QStringLiteral("Id")}, {}, {}, {}};
    t.columns = {Col::guid(QStringLiteral("Id")),
                 Col::guid(QStringLiteral("TenantId"), Nullability::Null),
                 Col::string(QStringLiteral("Name"), 64, Nullability::NotNull),
                 Col::timestamp(QStringLiteral("CreationTime")),
                 Col::timestampTz(QStringLiteral("LockoutEnd")),
                 Col::boolean(QStringLiteral("IsAbandoned"), false),
                 Col::smallInt(QStringLiteral("Priority"), 15),
                 Col::bytes(QStringLiteral("EventData"))};
    t.indexes = {
        {QStringLiteral("UX_Sample"), {coalescedTenant(), quoted(QStringLiteral("Name"))}, true}};
    const QStringList sql = Dialect(Driver::Postgres).createTable(t);
    QCOMPARE(sql.size(), 2);
    const QString create = sql.first();
    QVERIFY2(create.contains(u"\"Id\" uuid NOT NULL"), qPrintable(create));
    QVERIFY(create.contains(u"\"TenantId\" uuid NULL"));
    QVERIFY(create.contains(u"\"Name\" character varying(64) NOT NULL"));
    QVERIFY(create.contains(u"\"CreationTime\" timestamp without time zone NOT NULL"));
    QVERIFY(create.contains(u"\"LockoutEnd\" timestamp with time zone NULL"));
    QVERIFY(create.contains(u"\"IsAbandoned\" boolean NOT NULL DEFAULT FALSE"));
    QVERIFY(create.contains(u"\"Priority\" smallint NOT NULL DEFAULT 15"));
    QVERIFY(create.contains(u"\"EventData\" bytea NOT NULL"));
    QVERIFY(create.contains(u"CONSTRAINT \"PK_Sample\" PRIMARY KEY (\"Id\")"));
    QCOMPARE(sql.at(1), QStringLiteral("CREATE UNIQUE INDEX \"UX_Sample\" ON \"Sample\" "
                                       "(COALESCE(\"TenantId\", "
                                       "'00000000-0000-0000-0000-000000000000'), \"Name\")"));
    TableSpec keys{QStringLiteral("DataProtectionKeys"),
                   {Col::identity(QStringLiteral("Id"))},
                   {QStringLiteral("Id")},
                   {},
                   {},
                   {}};
    QVERIFY(Dialect(Driver::Postgres)
                .createTable(keys)
                .first()
                .contains(u"\"Id\" integer GENERATED BY DEFAULT AS IDENTITY NOT NULL"));
}

void TestDialect::sqliteDdl()
{
    TableSpec keys{QStringLiteral("DataProtectionKeys"),
                   {Col::identity(QStringLiteral("Id")), Col::text(QStringLiteral("Xml"))},
                   {QStringLiteral("Id")},
                   {},
                   {},
                   {}};
    const QString create = Dialect(Driver::Sqlite).createTable(keys).first();
    QVERIFY2(create.contains(u"\"Id\" INTEGER NOT NULL CONSTRAINT \"PK_DataProtectionKeys\" "
                             u"PRIMARY KEY AUTOINCREMENT"),
             qPrintable(create));
    QVERIFY(!create.contains(u"PRIMARY KEY (\"Id\")"));
    const Dialect sqlite(Driver::Sqlite);
    QCOMPARE(sqlite.columnType(Col::guid(QStringLiteral("Id"))), QStringLiteral("TEXT"));
    QCOMPARE(sqlite.columnType(Col::boolean(QStringLiteral("B"))), QStringLiteral("INTEGER"));
    QCOMPARE(sqlite.columnType(Col::bytes(QStringLiteral("E"))), QStringLiteral("BLOB"));
    QCOMPARE(sqlite.columnType(Col::timestamp(QStringLiteral("T"))), QStringLiteral("TEXT"));
    QVERIFY(sqlite.createTable(keys, Dialect::Existing::Keep)
                .first()
                .startsWith(u"CREATE TABLE IF NOT EXISTS \"DataProtectionKeys\""));
}

void TestDialect::longIndexNamesAreCutLikeEfCore()
{
    const IndexSpec index =
        indexOn(QStringLiteral("AbpAuditLogActions"),
                {QStringLiteral("TenantId"), QStringLiteral("ServiceName"),
                 QStringLiteral("MethodName"), QStringLiteral("ExecutionTime")});
    QCOMPARE(index.name,
             QStringLiteral("IX_AbpAuditLogActions_TenantId_ServiceName_MethodName_Executio~"));
    QCOMPARE(index.name.size(), 63);
    for (const TableSpec &table : ModuleSchema::version1Tables()) {
        for (const IndexSpec &i : table.indexes)
            QVERIFY2(i.name.size() <= 63, qPrintable(i.name));
    }
}

QTEST_GUILESS_MAIN(TestDialect)
#include "tst_dialect.moc"
