#include "dbtestsupport.h"

#include "core/db/abpschema.h"
#include "core/db/repositories.h"
#include "core/db/writers.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Db;
using Test::TestDatabase;

namespace {

const QDateTime kNow(QDate(2024, 3, 10), QTime(9, 30, 15, 120), Qt::UTC);
const QUuid kTenant = QUuid::fromString(u"6a2f41a3-c54c-fce8-32d2-0324e1c32e22");
const QUuid kUser = QUuid::fromString(u"3fa85f64-5717-4562-b3fc-2c963f66afa6");
const QUuid kConnection = QUuid::fromString(u"0f8fad5b-d9cb-469f-a165-70867728950e");

bool isStamp(const QVariant &value)
{
    static const QRegularExpression shape(QStringLiteral("^[0-9a-f]{32}$"));
    return shape.match(value.toString()).hasMatch();
}

} // namespace

// The rows ABP's own tables receive, column by column: the ABP server reads them as its own.
class TestAbpWriters final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void auditWritesLogActionAndEntityChange();
    void auditParametersTooLongAreDroppedLikeAbp();
    void auditWithoutEntityWritesNoEntityChange();
    void securityLogRow();
    void backgroundJobRow();
    void backgroundJobWithoutApplicationNameColumn();
    void outboxEventDataIsUtf8JsonBytes();
    void keyRingInIdOrder();
    void embeddedSeedIsIdempotent();
    void identityReaderResolvesGrants();

private:
    Database &db() { return m_fixture->db(); }
    QDateTime time(const QVariantMap &row, const char *column)
    {
        return db().readTimestamp(row.value(QString::fromLatin1(column)));
    }
    QUuid guid(const QVariantMap &row, const char *column)
    {
        return db().readGuid(row.value(QString::fromLatin1(column)));
    }
    std::unique_ptr<TestDatabase> m_fixture;
};

void TestAbpWriters::init()
{
    m_fixture = std::make_unique<TestDatabase>();
    QVERIFY2(m_fixture->isReady(), qPrintable(m_fixture->error()));
    QVERIFY(m_fixture->migrateLikeProduction().ok());
}

void TestAbpWriters::cleanup()
{
    m_fixture.reset();
}

void TestAbpWriters::auditWritesLogActionAndEntityChange()
{
    AuditEntry entry;
    entry.tenantId = kTenant;
    entry.tenantName = QStringLiteral("acme");
    entry.userId = kUser;
    entry.userName = QStringLiteral("admin");
    entry.serviceName = QStringLiteral("EasyCrm.SocialCrm.SocialConnectionAppService");
    entry.methodName = QStringLiteral("SocialConnectionCreated");
    entry.parametersJson = QStringLiteral(R"({"connectionId":"0f8fad5b","providerKey":"x"})");
    entry.entityId = kConnection.toString(QUuid::WithoutBraces);
    entry.entityTypeFullName = QStringLiteral("EasyCrm.SocialCrm.IntegrationConnection");
    entry.changeType = EntityChangeType::Created;
    entry.propertyChanges = {{QStringLiteral("Status"),
                              QStringLiteral("EasyCrm.SocialCrm.ConnectionStatus"),
                              QStringLiteral("0"), QStringLiteral("1")}};
    entry.executionTime = kNow;
    entry.durationMs = 42;
    entry.clientName = QStringLiteral("EasyCRM Social Connect");
    AuditRecordIds ids;
    QVERIFY(AuditWriter(db()).write(entry, &ids).ok());
    QVERIFY(ids.entityChangeId);

    const QVariantMap log = m_fixture->row(QStringLiteral("AbpAuditLogs"), ids.auditLogId);
    QCOMPARE(log.size(), 24);
    QVERIFY(log.value(QStringLiteral("ApplicationName")).isNull());
    QCOMPARE(guid(log, "UserId"), kUser);
    QCOMPARE(log.value(QStringLiteral("UserName")).toString(), QStringLiteral("admin"));
    QCOMPARE(guid(log, "TenantId"), kTenant);
    QCOMPARE(log.value(QStringLiteral("TenantName")).toString(), QStringLiteral("acme"));
    for (const char *column :
         {"ImpersonatorUserId", "ImpersonatorUserName", "ImpersonatorTenantId",
          "ImpersonatorTenantName", "ClientIpAddress", "ClientId", "CorrelationId", "BrowserInfo",
          "HttpMethod", "Url", "Exceptions", "Comments", "HttpStatusCode"})
        QVERIFY2(log.value(QString::fromLatin1(column)).isNull(), column);
    QCOMPARE(time(log, "ExecutionTime"), kNow);
    QCOMPARE(log.value(QStringLiteral("ExecutionDuration")).toInt(), 42);
    QCOMPARE(log.value(QStringLiteral("ClientName")).toString(),
             QStringLiteral("EasyCRM Social Connect"));
    QCOMPARE(log.value(QStringLiteral("ExtraProperties")).toString(), QStringLiteral("{}"));
    QVERIFY(isStamp(log.value(QStringLiteral("ConcurrencyStamp"))));

    const QVariantMap action = m_fixture->row(QStringLiteral("AbpAuditLogActions"), ids.actionId);
    QCOMPARE(action.size(), 9);
    QCOMPARE(guid(action, "TenantId"), kTenant);
    QCOMPARE(guid(action, "AuditLogId"), ids.auditLogId);
    QCOMPARE(action.value(QStringLiteral("ServiceName")).toString(), entry.serviceName);
    QCOMPARE(action.value(QStringLiteral("MethodName")).toString(),
             QStringLiteral("SocialConnectionCreated"));
    QCOMPARE(action.value(QStringLiteral("Parameters")).toString(), entry.parametersJson);
    QCOMPARE(time(action, "ExecutionTime"), kNow);
    QCOMPARE(action.value(QStringLiteral("ExecutionDuration")).toInt(), 42);
    QCOMPARE(action.value(QStringLiteral("ExtraProperties")).toString(), QStringLiteral("{}"));

    const QVariantMap change =
        m_fixture->row(QStringLiteral("AbpEntityChanges"), *ids.entityChangeId);
    QCOMPARE(change.size(), 9);
    QCOMPARE(guid(change, "AuditLogId"), ids.auditLogId);
    QCOMPARE(guid(change, "TenantId"), kTenant);
    QCOMPARE(time(change, "ChangeTime"), kNow);
    QCOMPARE(change.value(QStringLiteral("ChangeType")).toInt(), 0);
    QCOMPARE(guid(change, "EntityTenantId"), kTenant);
    QCOMPARE(change.value(QStringLiteral("EntityId")).toString(), entry.entityId);
    QCOMPARE(change.value(QStringLiteral("EntityTypeFullName")).toString(),
             entry.entityTypeFullName);
    QCOMPARE(change.value(QStringLiteral("ExtraProperties")).toString(), QStringLiteral("{}"));

    const QList<QVariantMap> properties =
        m_fixture->rows(QStringLiteral("AbpEntityPropertyChanges"));
    QCOMPARE(properties.size(), 1);
    QCOMPARE(guid(properties.first(), "EntityChangeId"), *ids.entityChangeId);
    QCOMPARE(properties.first().value(QStringLiteral("PropertyName")).toString(),
             QStringLiteral("Status"));
    QCOMPARE(properties.first().value(QStringLiteral("NewValue")).toString(), QStringLiteral("1"));
}

void TestAbpWriters::auditParametersTooLongAreDroppedLikeAbp()
{
    AuditEntry entry;
    entry.methodName = QStringLiteral("SocialConnectionRevoked");
    entry.serviceName = QString(300, u'S') + QStringLiteral("Tail");
    entry.parametersJson = QStringLiteral(R"({"p":")") + QString(2100, u'a') + u"\"}";
    entry.executionTime = kNow;
    QVERIFY(AuditWriter(db()).write(entry).ok());
    const QVariantMap action = m_fixture->rows(QStringLiteral("AbpAuditLogActions")).first();
    QCOMPARE(action.value(QStringLiteral("Parameters")).toString(), QString());
    QVERIFY(!action.value(QStringLiteral("Parameters")).isNull());
    // ABP keeps the end of a type name: the part that tells types apart.
    QCOMPARE(action.value(QStringLiteral("ServiceName")).toString().size(), 256);
    QVERIFY(action.value(QStringLiteral("ServiceName")).toString().endsWith(u"Tail"));
    QVERIFY(m_fixture->rows(QStringLiteral("AbpAuditLogs"))
                .first()
                .value(QStringLiteral("TenantId"))
                .isNull());
}

void TestAbpWriters::auditWithoutEntityWritesNoEntityChange()
{
    AuditEntry entry;
    entry.methodName = QStringLiteral("SocialConnectionDegraded");
    entry.executionTime = kNow;
    entry.httpStatusCode = 200;
    AuditRecordIds ids;
    QVERIFY(AuditWriter(db()).write(entry, &ids).ok());
    QVERIFY(!ids.entityChangeId);
    QCOMPARE(m_fixture->count(QStringLiteral("AbpEntityChanges")), 0);
    QCOMPARE(m_fixture->row(QStringLiteral("AbpAuditLogs"), ids.auditLogId)
                 .value(QStringLiteral("HttpStatusCode"))
                 .toInt(),
             200);
}

void TestAbpWriters::securityLogRow()
{
    SecurityLogEntry entry;
    entry.tenantId = kTenant;
    entry.tenantName = QStringLiteral("acme");
    entry.userId = kUser;
    entry.userName = QStringLiteral("admin");
    entry.applicationName = QStringLiteral("EasyCrm");
    entry.identity = QStringLiteral("SocialConnect");
    entry.action = QStringLiteral("StateMismatch");
    entry.clientIpAddress = QStringLiteral("127.0.0.1");
    entry.browserInfo = QStringLiteral("EasyCRM Social Connect");
    entry.extraProperties = QJsonObject{{QStringLiteral("reason"), QStringLiteral("Unknown")}};
    entry.creationTime = kNow;
    QUuid id;
    QVERIFY(SecurityLogWriter(db()).write(entry, &id).ok());

    const QVariantMap row = m_fixture->row(QStringLiteral("AbpSecurityLogs"), id);
    QCOMPARE(row.size(), 15);
    QCOMPARE(guid(row, "TenantId"), kTenant);
    QCOMPARE(row.value(QStringLiteral("ApplicationName")).toString(), QStringLiteral("EasyCrm"));
    QCOMPARE(row.value(QStringLiteral("Identity")).toString(), QStringLiteral("SocialConnect"));
    QCOMPARE(row.value(QStringLiteral("Action")).toString(), QStringLiteral("StateMismatch"));
    QCOMPARE(guid(row, "UserId"), kUser);
    QCOMPARE(row.value(QStringLiteral("UserName")).toString(), QStringLiteral("admin"));
    QCOMPARE(row.value(QStringLiteral("TenantName")).toString(), QStringLiteral("acme"));
    QVERIFY(row.value(QStringLiteral("ClientId")).isNull());
    QVERIFY(row.value(QStringLiteral("CorrelationId")).isNull());
    QCOMPARE(row.value(QStringLiteral("ClientIpAddress")).toString(), QStringLiteral("127.0.0.1"));
    QCOMPARE(row.value(QStringLiteral("BrowserInfo")).toString(),
             QStringLiteral("EasyCRM Social Connect"));
    QCOMPARE(time(row, "CreationTime"), kNow);
    QCOMPARE(row.value(QStringLiteral("ExtraProperties")).toString(),
             QStringLiteral(R"({"reason":"Unknown"})"));
    QVERIFY(isStamp(row.value(QStringLiteral("ConcurrencyStamp"))));
}

void TestAbpWriters::backgroundJobRow()
{
    const QJsonObject args{{QStringLiteral("tenantId"), kTenant.toString(QUuid::WithoutBraces)},
                           {QStringLiteral("connectionId"), QStringLiteral("c-1")},
                           {QStringLiteral("providerKey"), QStringLiteral("x")}};
    QUuid id;
    QVERIFY(BackgroundJobWriter(db())
                .enqueue(QStringLiteral("SocialProfileEnrichmentArgs"), args,
                         BackgroundJobPriority::Normal, kNow, &id)
                .ok());
    const QVariantMap row = m_fixture->row(QStringLiteral("AbpBackgroundJobs"), id);
    QCOMPARE(row.size(), 12);
    QVERIFY(row.value(QStringLiteral("ApplicationName")).isNull());
    QCOMPARE(row.value(QStringLiteral("JobName")).toString(),
             QStringLiteral("SocialProfileEnrichmentArgs"));
    QCOMPARE(
        QJsonDocument::fromJson(row.value(QStringLiteral("JobArgs")).toString().toUtf8()).object(),
        args);
    QVERIFY(row.value(QStringLiteral("JobArgs")).toString().contains(u"\"tenantId\""));
    QCOMPARE(row.value(QStringLiteral("TryCount")).toInt(), 0);
    QCOMPARE(time(row, "CreationTime"), kNow);
    QCOMPARE(row.value(QStringLiteral("NextTryTime")), row.value(QStringLiteral("CreationTime")));
    QVERIFY(row.value(QStringLiteral("LastTryTime")).isNull());
    QCOMPARE(row.value(QStringLiteral("IsAbandoned")).toBool(), false);
    QCOMPARE(row.value(QStringLiteral("Priority")).toInt(), 15);
    QCOMPARE(row.value(QStringLiteral("ExtraProperties")).toString(), QStringLiteral("{}"));
    QVERIFY(isStamp(row.value(QStringLiteral("ConcurrencyStamp"))));
}

void TestAbpWriters::backgroundJobWithoutApplicationNameColumn()
{
    // ABP before 8.2: the table has no ApplicationName.
    QVERIFY(m_fixture->exec(QStringLiteral("DROP TABLE \"AbpBackgroundJobs\"")));
    TableSpec older = AbpSchema::backgroundJobs();
    older.columns.removeIf([](const ColumnSpec &c) { return c.name == u"ApplicationName"; });
    for (const QString &sql : db().dialect().createTable(older))
        QVERIFY(m_fixture->exec(sql));
    QUuid id;
    QVERIFY(BackgroundJobWriter(db())
                .enqueue(QStringLiteral("MentionBackfillArgs"), {}, BackgroundJobPriority::High,
                         kNow, &id)
                .ok());
    const QVariantMap row = m_fixture->row(QStringLiteral("AbpBackgroundJobs"), id);
    QVERIFY(!row.contains(QStringLiteral("ApplicationName")));
    QCOMPARE(row.value(QStringLiteral("Priority")).toInt(), 25);
    QCOMPARE(row.value(QStringLiteral("JobArgs")).toString(), QStringLiteral("{}"));
}

void TestAbpWriters::outboxEventDataIsUtf8JsonBytes()
{
    const QJsonObject data{{QStringLiteral("connectionId"), QStringLiteral("c-1")},
                           {QStringLiteral("displayName"), QStringLiteral("Zoë ☕")}};
    QUuid id;
    QVERIFY(EventOutboxWriter(db())
                .add(QStringLiteral("SocialConnectionDegraded"), data, kNow, &id)
                .ok());
    const QVariantMap row = m_fixture->row(QStringLiteral("AbpEventOutbox"), id);
    QCOMPARE(row.size(), 5);
    QCOMPARE(row.value(QStringLiteral("EventName")).toString(),
             QStringLiteral("SocialConnectionDegraded"));
    const QByteArray bytes = row.value(QStringLiteral("EventData")).toByteArray();
    QCOMPARE(bytes, QJsonDocument(data).toJson(QJsonDocument::Compact));
    QVERIFY(bytes.contains("Zo\xc3\xab"));
    QCOMPARE(time(row, "CreationTime"), kNow);
    QCOMPARE(row.value(QStringLiteral("ExtraProperties")).toString(), QStringLiteral("{}"));
    if (db().driver() == Driver::Sqlite) {
        QSqlQuery type(db().handle());
        QVERIFY(type.exec(QStringLiteral("SELECT typeof(\"EventData\") FROM \"AbpEventOutbox\"")));
        QVERIFY(type.next());
        QCOMPARE(type.value(0).toString(), QStringLiteral("blob"));
    }
}

void TestAbpWriters::keyRingInIdOrder()
{
    if (db().driver() != Driver::Sqlite) {
        QCOMPARE(
            KeyRingStore(db()).addKey(QStringLiteral("k"), QStringLiteral("<key/>")).error().code,
            ErrorCode::DatabaseError);
        return;
    }
    KeyRingStore store(db());
    QVERIFY(store.xmlElements().value().isEmpty());
    QVERIFY(store.addKey(QStringLiteral("key-b"), QStringLiteral("<key id=\"b\"/>")).ok());
    QVERIFY(store.addKey(QStringLiteral("key-a"), QStringLiteral("<key id=\"a\"/>")).ok());
    QCOMPARE(store.xmlElements().value(),
             (QStringList{QStringLiteral("<key id=\"b\"/>"), QStringLiteral("<key id=\"a\"/>")}));
    QCOMPARE(m_fixture->rows(QStringLiteral("DataProtectionKeys"), QStringLiteral("\"Id\""))
                 .first()
                 .value(QStringLiteral("FriendlyName"))
                 .toString(),
             QStringLiteral("key-b"));
}

void TestAbpWriters::embeddedSeedIsIdempotent()
{
    if (db().driver() != Driver::Sqlite)
        QSKIP("The seed belongs to the embedded database");
    const QStringList permissions = {QStringLiteral("EasyCrm.SocialCrm.UseBrandAccounts")};
    EmbeddedSeed seed(db());
    const auto first = seed.ensureLocalTenantAndUser(kNow, permissions);
    QVERIFY2(first.ok(), qPrintable(first.error().detail));
    QVERIFY(first.value().created);
    const auto second = seed.ensureLocalTenantAndUser(kNow.addSecs(60), permissions);
    QVERIFY(second.ok());
    QVERIFY(!second.value().created);
    QCOMPARE(second.value().tenantId, first.value().tenantId);
    QCOMPARE(second.value().adminUserId, first.value().adminUserId);
    for (const char *table :
         {"AbpTenants", "AbpUsers", "AbpRoles", "AbpUserRoles", "AbpPermissionGrants"})
        QCOMPARE(m_fixture->count(QString::fromLatin1(table)), 1);

    const QVariantMap tenant = m_fixture->row(QStringLiteral("AbpTenants"), first.value().tenantId);
    QCOMPARE(tenant.value(QStringLiteral("Name")).toString(), QStringLiteral("Local"));
    QCOMPARE(tenant.value(QStringLiteral("NormalizedName")).toString(), QStringLiteral("LOCAL"));
    QCOMPARE(tenant.value(QStringLiteral("IsDeleted")).toInt(), 0);
    const QVariantMap user = m_fixture->row(QStringLiteral("AbpUsers"), first.value().adminUserId);
    QCOMPARE(guid(user, "TenantId"), first.value().tenantId);
    QCOMPARE(user.value(QStringLiteral("UserName")).toString(), QStringLiteral("admin"));
    QCOMPARE(user.value(QStringLiteral("NormalizedUserName")).toString(), QStringLiteral("ADMIN"));
    QCOMPARE(user.value(QStringLiteral("Name")).toString(), QStringLiteral("Local"));
    QCOMPARE(user.value(QStringLiteral("Surname")).toString(), QStringLiteral("Administrator"));
    QCOMPARE(user.value(QStringLiteral("Email")).toString(), QStringLiteral("admin@localhost"));
    QCOMPARE(user.value(QStringLiteral("IsActive")).toInt(), 1);
    QCOMPARE(time(user, "CreationTime"), kNow);
    const QByteArray hash =
        QByteArray::fromBase64(user.value(QStringLiteral("PasswordHash")).toString().toLatin1());
    QCOMPARE(hash.size(), 1 + 12 + 16 + 32);
    QCOMPARE(hash.at(0), '\x01');
    QVERIFY(hash != QByteArray::fromBase64(EmbeddedSeed::unusablePasswordHash().toLatin1()));
}

void TestAbpWriters::identityReaderResolvesGrants()
{
    if (db().driver() != Driver::Sqlite)
        QSKIP("Uses the embedded seed");
    const auto seeded = EmbeddedSeed(db()).ensureLocalTenantAndUser(
        kNow, {QStringLiteral("EasyCrm.SocialCrm.UseBrandAccounts")});
    QVERIFY(seeded.ok());
    const QUuid tenant = seeded.value().tenantId;
    const QUuid admin = seeded.value().adminUserId;
    // A grant to the user directly, as ABP stores it: "U" and the lowercase Guid.
    QVERIFY(m_fixture->exec(
        QStringLiteral("INSERT INTO \"AbpPermissionGrants\" VALUES ('G2', '%1', "
                       "'EasyCrm.SocialCrm.ManageProviders', 'U', '%2')")
            .arg(db().guid(tenant).toString(), admin.toString(QUuid::WithoutBraces))));
    IdentityReader reader(db());
    QCOMPARE(reader.findTenantByName(QStringLiteral("local")).value()->id, tenant);
    const auto user = reader.findUserByName(tenant, QStringLiteral("Admin"));
    QVERIFY(user.ok() && user.value());
    QCOMPARE(user.value()->id, admin);
    QVERIFY(!reader.findUserByName(std::nullopt, QStringLiteral("admin")).value());
    QCOMPARE(reader.roleNames(admin).value(), QStringList{QStringLiteral("admin")});
    const auto granted = reader.grantedPermissions(tenant, admin);
    QVERIFY(granted.ok());
    QCOMPARE(granted.value(), (QSet<QString>{QStringLiteral("EasyCrm.SocialCrm.UseBrandAccounts"),
                                             QStringLiteral("EasyCrm.SocialCrm.ManageProviders")}));
    QVERIFY(reader.grantedPermissions(std::nullopt, admin).value().isEmpty());
}

QTEST_GUILESS_MAIN(TestAbpWriters)
#include "tst_abpwriters.moc"
