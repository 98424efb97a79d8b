#include "dbtestsupport.h"

#include "core/db/abpschema.h"
#include "core/db/migrations.h"

#include <QSqlQuery>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Db;
using Test::TestDatabase;

namespace {

QStringList names(const char *const list)
{
    return QString::fromLatin1(list).split(u' ', Qt::SkipEmptyParts);
}

} // namespace

// The schema as the contract states it: every table, every column, in the order created.
class TestMigrations final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void createsEveryTableWithItsColumns_data();
    void createsEveryTableWithItsColumns();
    void recordsEachVersionOnce();
    void rerunningIsANoOp();
    void keepsAbpTablesThatAlreadyExist();
    void postgresGetsOnlyTheModuleTables();
    void schemaCheckNamesWhatIsMissing();

private:
    std::unique_ptr<TestDatabase> m_fixture;
};

void TestMigrations::init()
{
    m_fixture = std::make_unique<TestDatabase>();
    QVERIFY2(m_fixture->isReady(), qPrintable(m_fixture->error()));
}

void TestMigrations::cleanup()
{
    m_fixture.reset();
}

void TestMigrations::createsEveryTableWithItsColumns_data()
{
    QTest::addColumn<QString>("table");
    QTest::addColumn<QStringList>("columns");
    const char *audited = " ExtraProperties ConcurrencyStamp CreationTime CreatorId "
                          "LastModificationTime LastModifierId";
    QTest::newRow("SocialCrmProviderConfigurations")
        << QStringLiteral("SocialCrmProviderConfigurations")
        << names("Id TenantId ProviderKey IsEnabled ClientId ProtectedClientSecret EnabledScopes "
                 "AuthorizeEndpoint TokenEndpoint RevocationEndpoint ProfileEndpoint Issuer "
                 "RedirectPort") +
               names(audited);
    QTest::newRow("SocialCrmBrandAccounts")
        << QStringLiteral("SocialCrmBrandAccounts") << names("Id TenantId Name") + names(audited);
    QTest::newRow("SocialCrmIntegrationConnections")
        << QStringLiteral("SocialCrmIntegrationConnections")
        << names("Id TenantId OwnerUserId BrandAccountId ProviderKey ExternalUserId "
                 "ExternalHandle ExternalDisplayName ProtectedAccessToken ProtectedRefreshToken "
                 "AccessTokenExpiresAt RefreshTokenExpiresAt GrantedScopes Status StatusReason "
                 "LastSyncTime LastRefreshTime LastRefreshOutcome RefreshFailureCount "
                 "NextRefreshTime RefreshLeaseOwner RefreshLeaseUntil") +
               names(audited);
    QTest::newRow("SocialCrmPendingAuthorizations")
        << QStringLiteral("SocialCrmPendingAuthorizations")
        << names("Id TenantId UserId ProviderKey BrandAccountId ConnectionId StateHash "
                 "ProtectedCodeVerifier RedirectUri RequestedScopes ExpiresAt ConsumedTime "
                 "CreationTime ExtraProperties ConcurrencyStamp");
    QTest::newRow("SocialCrmNotifications")
        << QStringLiteral("SocialCrmNotifications")
        << names("Id TenantId UserId ConnectionId Kind Message IsRead CreationTime");
    QTest::newRow("SocialCrmConnectionHistory")
        << QStringLiteral("SocialCrmConnectionHistory")
        << names("Id TenantId ConnectionId FromStatus ToStatus Reason ProviderError CreationTime "
                 "CreatorId");
    QTest::newRow("SocialCrmSchemaVersions")
        << QStringLiteral("SocialCrmSchemaVersions") << names("Version AppliedTime");
    // ABP's tables as its EF Core migrations create them (ABP 8.x/9.x).
    QTest::newRow("AbpAuditLogs")
        << QStringLiteral("AbpAuditLogs")
        << names("Id ApplicationName UserId UserName TenantId TenantName ImpersonatorUserId "
                 "ImpersonatorUserName ImpersonatorTenantId ImpersonatorTenantName ExecutionTime "
                 "ExecutionDuration ClientIpAddress ClientName ClientId CorrelationId BrowserInfo "
                 "HttpMethod Url Exceptions Comments HttpStatusCode ExtraProperties "
                 "ConcurrencyStamp");
    QTest::newRow("AbpAuditLogActions")
        << QStringLiteral("AbpAuditLogActions")
        << names("Id TenantId AuditLogId ServiceName MethodName Parameters ExecutionTime "
                 "ExecutionDuration ExtraProperties");
    QTest::newRow("AbpEntityChanges")
        << QStringLiteral("AbpEntityChanges")
        << names("Id AuditLogId TenantId ChangeTime ChangeType EntityTenantId EntityId "
                 "EntityTypeFullName ExtraProperties");
    QTest::newRow("AbpEntityPropertyChanges")
        << QStringLiteral("AbpEntityPropertyChanges")
        << names("Id TenantId EntityChangeId NewValue OriginalValue PropertyName "
                 "PropertyTypeFullName");
    QTest::newRow("AbpSecurityLogs")
        << QStringLiteral("AbpSecurityLogs")
        << names("Id TenantId ApplicationName Identity Action UserId UserName TenantName "
                 "ClientId CorrelationId ClientIpAddress BrowserInfo CreationTime "
                 "ExtraProperties ConcurrencyStamp");
    QTest::newRow("AbpBackgroundJobs")
        << QStringLiteral("AbpBackgroundJobs")
        << names("Id ApplicationName JobName JobArgs TryCount CreationTime NextTryTime "
                 "LastTryTime IsAbandoned Priority ExtraProperties ConcurrencyStamp");
    QTest::newRow("AbpEventOutbox") << QStringLiteral("AbpEventOutbox")
                                    << names("Id ExtraProperties EventName EventData CreationTime");
    QTest::newRow("AbpTenants")
        << QStringLiteral("AbpTenants")
        << names("Id Name NormalizedName EntityVersion ExtraProperties ConcurrencyStamp "
                 "CreationTime CreatorId LastModificationTime LastModifierId IsDeleted "
                 "DeleterId DeletionTime");
    QTest::newRow("AbpUsers")
        << QStringLiteral("AbpUsers")
        << names("Id TenantId UserName NormalizedUserName Name Surname Email NormalizedEmail "
                 "EmailConfirmed PasswordHash SecurityStamp IsExternal PhoneNumber "
                 "PhoneNumberConfirmed IsActive TwoFactorEnabled LockoutEnd LockoutEnabled "
                 "AccessFailedCount ShouldChangePasswordOnNextLogin EntityVersion "
                 "LastPasswordChangeTime ExtraProperties ConcurrencyStamp CreationTime "
                 "CreatorId LastModificationTime LastModifierId IsDeleted DeleterId "
                 "DeletionTime");
    QTest::newRow("AbpRoles")
        << QStringLiteral("AbpRoles")
        << names("Id TenantId Name NormalizedName IsDefault IsStatic IsPublic EntityVersion "
                 "CreationTime ExtraProperties ConcurrencyStamp");
    QTest::newRow("AbpUserRoles") << QStringLiteral("AbpUserRoles")
                                  << names("UserId RoleId TenantId");
    QTest::newRow("AbpPermissionGrants") << QStringLiteral("AbpPermissionGrants")
                                         << names("Id TenantId Name ProviderName ProviderKey");
    QTest::newRow("DataProtectionKeys")
        << QStringLiteral("DataProtectionKeys") << names("Id FriendlyName Xml");
}

void TestMigrations::createsEveryTableWithItsColumns()
{
    QFETCH(QString, table);
    QFETCH(QStringList, columns);
    QVERIFY(m_fixture->migrateLikeProduction().ok());
    QCOMPARE(m_fixture->db().columnNames(table), columns);
}

void TestMigrations::recordsEachVersionOnce()
{
    QVERIFY(m_fixture->db().migrate().ok());
    const Result<QList<int>> versions = m_fixture->db().appliedVersions();
    QVERIFY(versions.ok());
    const QList<int> expected =
        m_fixture->db().driver() == Driver::Sqlite ? QList<int>{1, 2, 3} : QList<int>{1, 3};
    QCOMPARE(versions.value(), expected);
    for (const QVariantMap &row : m_fixture->rows(QStringLiteral("SocialCrmSchemaVersions")))
        QVERIFY(m_fixture->db().readTimestamp(row.value(QStringLiteral("AppliedTime"))).isValid());
}

void TestMigrations::rerunningIsANoOp()
{
    QVERIFY(m_fixture->db().migrate().ok());
    QVERIFY(m_fixture->exec(QStringLiteral(
        "INSERT INTO \"SocialCrmBrandAccounts\" (\"Id\", \"Name\", \"ExtraProperties\", "
        "\"ConcurrencyStamp\", \"CreationTime\") VALUES ('11111111-1111-1111-1111-111111111111', "
        "'Brand', '{}', 'stamp', '2024-01-01 00:00:00')")));
    const int versionRows = m_fixture->count(QStringLiteral("SocialCrmSchemaVersions"));

    const Result<void> again = m_fixture->db().migrate();
    QVERIFY2(again.ok(), qPrintable(again.error().detail));
    // A second client, as a second machine would.
    auto other = m_fixture->openConnection();
    QVERIFY(other.ok());
    QVERIFY(other.value()->migrate().ok());

    QCOMPARE(m_fixture->count(QStringLiteral("SocialCrmSchemaVersions")), versionRows);
    QCOMPARE(m_fixture->count(QStringLiteral("SocialCrmBrandAccounts")), 1);
}

void TestMigrations::keepsAbpTablesThatAlreadyExist()
{
    if (m_fixture->db().driver() != Driver::Sqlite)
        QSKIP("The embedded database is SQLite");
    // A copy of a server's SQLite database: ABP's table is there, with a row and a column of
    // a newer ABP version.
    QVERIFY(m_fixture->exec(QStringLiteral("CREATE TABLE \"AbpTenants\" (\"Id\" TEXT NOT NULL "
                                           "PRIMARY KEY, \"Name\" TEXT NOT NULL, "
                                           "\"FutureColumn\" TEXT NULL)")));
    QVERIFY(
        m_fixture->exec(QStringLiteral("INSERT INTO \"AbpTenants\" VALUES ('T', 'Acme', 'x')")));
    const Result<void> migrated = m_fixture->db().migrate();
    QVERIFY2(migrated.ok(), qPrintable(migrated.error().detail));
    QCOMPARE(m_fixture->count(QStringLiteral("AbpTenants")), 1);
    QVERIFY(
        m_fixture->db().hasColumn(QStringLiteral("AbpTenants"), QStringLiteral("FutureColumn")));
}

void TestMigrations::postgresGetsOnlyTheModuleTables()
{
    if (m_fixture->db().driver() != Driver::Postgres)
        QSKIP("PostgreSQL only");
    QVERIFY(m_fixture->db().migrate().ok());
    for (const TableSpec &table : AbpSchema::all())
        QVERIFY2(!m_fixture->db().tableExists(table.name), qPrintable(table.name));
    for (const TableSpec &table : ModuleSchema::version1Tables())
        QVERIFY2(m_fixture->db().tableExists(table.name), qPrintable(table.name));
}

void TestMigrations::schemaCheckNamesWhatIsMissing()
{
    QVERIFY(m_fixture->migrateLikeProduction().ok());
    QCOMPARE(m_fixture->db().missingColumns(AbpSchema::all()), QStringList());
    QCOMPARE(m_fixture->db().missingColumns(ModuleSchema::version1Tables()), QStringList());

    // An ABP older than 8.2 has no AbpBackgroundJobs.ApplicationName: still acceptable.
    TableSpec jobs = AbpSchema::backgroundJobs();
    jobs.name = QStringLiteral("OldAbpBackgroundJobs");
    QList<ColumnSpec> older;
    for (const ColumnSpec &c : jobs.columns) {
        if (c.name != u"ApplicationName")
            older << c;
    }
    jobs.columns = older;
    jobs.indexes.clear();
    for (const QString &sql : m_fixture->db().dialect().createTable(jobs))
        QVERIFY(m_fixture->exec(sql));
    TableSpec expected = AbpSchema::backgroundJobs();
    expected.name = jobs.name;
    QCOMPARE(m_fixture->db().missingColumns({expected}), QStringList());

    TableSpec missing = AbpSchema::users();
    missing.name = QStringLiteral("NoSuchTable");
    missing.columns << Col::text(QStringLiteral("Nope"));
    TableSpec extraColumn = AbpSchema::eventOutbox();
    extraColumn.columns << Col::text(QStringLiteral("Nope"));
    QCOMPARE(m_fixture->db().missingColumns({missing, extraColumn}),
             (QStringList{QStringLiteral("NoSuchTable"), QStringLiteral("AbpEventOutbox.Nope")}));
}

QTEST_GUILESS_MAIN(TestMigrations)
#include "tst_migrations.moc"
