// A host administrator acting on a tenant (TenantScope): the same user and permissions, the
// chosen tenant on everything written afterwards, and a refusal for anyone else. Runs on
// SQLite, and on PostgreSQL under tests/db/with-postgres.sh.
//
//   host admin signs in (host) ─► actingOn(tenant) ─► ConnectionService as that user
//     connect: a tampered callback, then the real one ─► FakeProvider (/token, /me)
//     add a brand account
//   every row of the connection, its audit, jobs, history, pending authorization, the
//   rejected callback's security log and the brand account carries the tenant's id
#include "core/db/database.h"
#include "core/db/sqlstatement.h"
#include "core/service/connectionservice.h"
#include "core/service/crmcontract.h"
#include "core/service/signin.h"
#include "core/service/tenantscope.h"
#include "tests/service/fakeprovider.h"
#include "tests/service/loopbackbrowser.h"
#include "tests/signin/signintestsupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::SignInTest;
using namespace EasyCrm::Testing;

namespace {

constexpr int kFlowTimeoutMs = 10000;
const QByteArray kTokens = R"({"access_token":"tenant-access-token-0001",)"
                           R"("refresh_token":"tenant-refresh-token-0001",)"
                           R"("token_type":"Bearer","expires_in":3600})";
const QByteArray kTampered = "code=tenant-code-0001&state=not-the-state&iss={iss}";
const QByteArray kApproved = "code=tenant-code-0001&state={state}&iss={iss}";

QByteArray profileOf(const char *sub, const char *login)
{
    return QByteArray(R"({"sub":")") + sub + R"(","preferred_username":")" + login +
           R"(","name":"Someone"})";
}

} // namespace

class TestTenantScope final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void aHostAdminActsOnATenantAndEveryRowCarriesIt();
    void aHostAdminActsOnTheHostAgain();
    void aHostAdminListsTheActiveTenants();
    void anyoneElseIsRefused_data();
    void anyoneElseIsRefused();
    void aDeletedOrUnknownTenantIsRefused();
    void theEmbeddedLocalAdminCannotSwitch();

private:
    [[nodiscard]] Result<QUuid> insertUserWith(const std::optional<QUuid> &tenantId,
                                               const QString &name, const QStringList &granted);
    [[nodiscard]] SessionUser signIn(const QString &tenant, const QString &name);
    // Rows of `table` (optionally only those matching `where`) and how many of them carry
    // another tenant than `tenantId`.
    [[nodiscard]] std::pair<int, int> tenantRows(const QString &table, const QUuid &tenantId,
                                                 const QString &where = {});
    [[nodiscard]] Error run(ConnectionService &service, const std::function<void()> &start);

    SystemClock m_clock;
    CrmDatabase m_crm;
    Workspace *m_workspace = nullptr;
    std::unique_ptr<FakeProvider> m_provider;
    std::unique_ptr<LoopbackBrowser> m_browser;
    QUuid m_otherTenantId;
    QUuid m_deletedTenantId;
    QString m_hostAdmin;
};

void TestTenantScope::initTestCase()
{
    const Result<void> opened = m_crm.open(u"tenantscope"_qs, m_clock);
    QVERIFY2(opened.ok(), qPrintable(opened.error().detail));
    m_workspace = m_crm.workspace(m_clock);
    QVERIFY(m_workspace);
    m_provider = std::make_unique<FakeProvider>();
    QVERIFY(m_provider->listen());
    m_provider->script("/token", {200, kTokens});
    // The tenant acted on has the Sandbox configured (its admin did it, signed in there).
    SandboxRegistration registration;
    registration.issuer = m_provider->issuer();
    QVERIFY(m_workspace->configureSandbox(registration).ok());
    m_browser = std::make_unique<LoopbackBrowser>();
    m_browser->setIssuer(m_provider->issuer());

    m_hostAdmin = u"host.admin"_qs;
    QVERIFY(insertUserWith(std::nullopt, m_hostAdmin, Contract::kSocialCrmPermissions).ok());
    const auto other = m_crm.insertTenant(u"Globex"_qs);
    const auto deleted = m_crm.insertTenant(u"Defunct"_qs);
    QVERIFY(other.ok() && deleted.ok());
    m_otherTenantId = other.value();
    m_deletedTenantId = deleted.value();
    Db::SqlStatement st(m_crm.db(), u"test.delete-tenant"_qs);
    st.prepare(u"UPDATE \"AbpTenants\" SET \"IsDeleted\" = :Yes WHERE \"Id\" = :Id"_qs);
    st.bind(u":Yes"_qs, m_crm.db().boolean(true));
    st.bind(u":Id"_qs, m_crm.db().guid(m_deletedTenantId));
    QVERIFY(st.exec().ok());
}

void TestTenantScope::cleanupTestCase()
{
    m_browser.reset();
    m_provider.reset();
    m_crm.close();
}

Result<QUuid> TestTenantScope::insertUserWith(const std::optional<QUuid> &tenantId,
                                              const QString &name, const QStringList &granted)
{
    const auto user = m_crm.insertUser({tenantId, name, kSha512Hash});
    if (!user || granted.isEmpty())
        return user;
    const auto role = m_crm.insertRole(tenantId, name + u".role"_qs);
    if (!role)
        return role.error();
    if (Result<void> r = m_crm.addToRole(tenantId, user.value(), role.value()); !r)
        return r.error();
    for (const QString &permission : granted) {
        if (Result<void> r = m_crm.grant(tenantId, permission, u"R"_qs, name + u".role"_qs); !r)
            return r.error();
    }
    return user;
}

SessionUser TestTenantScope::signIn(const QString &tenant, const QString &name)
{
    const Result<SessionUser> user = SignIn::signIn(m_crm.db(), tenant, name, kPassword, m_clock);
    if (!user)
        qWarning().noquote() << "sign-in:" << user.error().message;
    return user.ok() ? user.value() : SessionUser{};
}

std::pair<int, int> TestTenantScope::tenantRows(const QString &table, const QUuid &tenantId,
                                                const QString &where)
{
    Db::SqlStatement st(m_crm.db(), u"test.tenant-rows"_qs);
    st.prepare(u"SELECT COUNT(*), SUM(CASE WHEN \"TenantId\" = :Tenant THEN 0 ELSE 1 END) "_qs
               u"FROM \""_qs +
               table + u"\""_qs + (where.isEmpty() ? QString() : u" WHERE "_qs + where));
    st.bind(u":Tenant"_qs, m_crm.db().guid(tenantId));
    if (!st.exec() || !st.next())
        return {-1, -1};
    return {st.query().value(0).toInt(), st.query().value(1).toInt()};
}

Error TestTenantScope::run(ConnectionService &service, const std::function<void()> &start)
{
    QSignalSpy succeeded(&service, &ConnectionService::connectSucceeded);
    QSignalSpy failed(&service, &ConnectionService::connectFailed);
    start();
    if (failed.isEmpty() && !succeeded.wait(kFlowTimeoutMs) && failed.isEmpty())
        return makeError(ErrorCode::Timeout, u"no outcome"_qs);
    if (!failed.isEmpty())
        return failed.first().at(1).value<Error>();
    return {};
}

void TestTenantScope::aHostAdminActsOnATenantAndEveryRowCarriesIt()
{
    // 1. Signed in on the host, then acting on the tenant: same user, same permissions.
    const SessionUser host = signIn(QString(), m_hostAdmin);
    QVERIFY(!host.tenantId);
    QVERIFY(TenantScope::maySwitch(host));
    const auto acting = TenantScope::actingOn(m_crm.db(), host, m_crm.tenantId());
    QVERIFY2(acting.ok(), qPrintable(acting.ok() ? QString() : acting.error().message));
    const SessionUser &user = acting.value();
    QCOMPARE(user.tenantId, std::optional(m_crm.tenantId()));
    QCOMPARE(user.tenantName, m_crm.tenantName());
    QVERIFY(user.actingOnTenant);
    QVERIFY(user.isHostUser());
    QCOMPARE(user.userId, host.userId);
    QCOMPARE(user.userName, host.userName);
    QCOMPARE(user.permissions, host.permissions);

    // 2. The user's own connection, through a rejected callback first, and a brand account.
    ConnectionService service(m_workspace->database(), m_workspace->protector(),
                              ProviderCatalogue::builtIn(), user, m_clock);
    service.setBrowserOpener(m_browser->opener());
    m_browser->setVisits({kTampered, kApproved});
    m_provider->script("/me", {200, profileOf("own-1", "hostadmin")});
    Error error = run(service, [&service] { service.startConnect(u"sandbox"_qs); });
    QVERIFY2(!error.isError(), qPrintable(error.message));
    QCOMPARE(m_browser->statuses().value(0), 400);
    m_browser->setVisits({kApproved});
    m_provider->script("/me", {200, profileOf("brand-1", "tenantnews")});
    error = run(service, [&service] { service.addBrandAccount(u"News"_qs, u"sandbox"_qs); });
    QVERIFY2(!error.isError(), qPrintable(error.message));

    // 3. Every row they wrote carries the tenant.
    const QUuid tenant = m_crm.tenantId();
    const QList<std::pair<QString, QString>> written{
        {u"SocialCrmIntegrationConnections"_qs, {}},
        {u"SocialCrmBrandAccounts"_qs, {}},
        {u"SocialCrmPendingAuthorizations"_qs, {}},
        {u"SocialCrmConnectionHistory"_qs, {}},
        {u"AbpAuditLogs"_qs, {}},
        {u"AbpAuditLogActions"_qs, {}},
        {u"AbpEntityChanges"_qs, {}},
        {u"AbpSecurityLogs"_qs, u"\"Identity\" = 'SocialIntegration'"_qs},
    };
    for (const auto &[table, where] : written) {
        const auto [rows, elsewhere] = tenantRows(table, tenant, where);
        QVERIFY2(rows > 0, qPrintable(table));
        QVERIFY2(elsewhere == 0, qPrintable(table));
    }
    QCOMPARE(tenantRows(u"SocialCrmIntegrationConnections"_qs, tenant).first, 2);
    // … and names the host administrator who wrote it.
    Db::SqlStatement audit(m_crm.db(), u"test.audit-users"_qs);
    audit.prepare(u"SELECT DISTINCT \"UserId\", \"TenantName\" FROM \"AbpAuditLogs\""_qs);
    QVERIFY(audit.exec().ok() && audit.next());
    QCOMPARE(m_crm.db().readGuid(audit.query().value(0)), host.userId);
    QCOMPARE(audit.query().value(1).toString(), m_crm.tenantName());
    QVERIFY(!audit.next());
    // The jobs name the tenant in their arguments, as the server's job runner reads it.
    Db::SqlStatement jobs(m_crm.db(), u"test.jobs"_qs);
    jobs.prepare(u"SELECT \"JobArgs\" FROM \"AbpBackgroundJobs\""_qs);
    QVERIFY(jobs.exec().ok());
    int jobCount = 0;
    while (jobs.next()) {
        const QJsonObject args =
            QJsonDocument::fromJson(jobs.query().value(0).toString().toUtf8()).object();
        QCOMPARE(QUuid(args.value(u"tenantId").toString()), tenant);
        ++jobCount;
    }
    QCOMPARE(jobCount, 4);
    // The rejected callback's security log row names the tenant too.
    Db::SqlStatement log(m_crm.db(), u"test.security-log"_qs);
    log.prepare(u"SELECT \"TenantName\", \"UserName\" FROM \"AbpSecurityLogs\" WHERE "_qs
                u"\"Identity\" = 'SocialIntegration'"_qs);
    QVERIFY(log.exec().ok() && log.next());
    QCOMPARE(log.query().value(0).toString(), m_crm.tenantName());
    QCOMPARE(log.query().value(1).toString(), m_hostAdmin);
}

void TestTenantScope::aHostAdminActsOnTheHostAgain()
{
    const SessionUser host = signIn(QString(), m_hostAdmin);
    const auto onTenant = TenantScope::actingOn(m_crm.db(), host, m_otherTenantId);
    QVERIFY(onTenant.ok());
    QCOMPARE(onTenant.value().tenantName, u"Globex"_qs);
    // Still a host admin while on the tenant: may switch on, or back.
    QVERIFY(TenantScope::maySwitch(onTenant.value()));
    const auto back = TenantScope::actingOn(m_crm.db(), onTenant.value(), std::nullopt);
    QVERIFY(back.ok());
    QVERIFY(!back.value().tenantId);
    QVERIFY(back.value().tenantName.isEmpty());
    QVERIFY(!back.value().actingOnTenant);
    QCOMPARE(back.value().userId, host.userId);
}

void TestTenantScope::aHostAdminListsTheActiveTenants()
{
    const auto tenants = TenantScope::tenants(m_crm.db(), signIn(QString(), m_hostAdmin));
    QVERIFY(tenants.ok());
    QStringList names;
    for (const Db::TenantRecord &tenant : tenants.value())
        names << tenant.name;
    // By name; the deleted one is gone.
    QStringList expected{m_crm.tenantName(), u"Globex"_qs};
    expected.sort(Qt::CaseInsensitive);
    QCOMPARE(names, expected);
}

void TestTenantScope::anyoneElseIsRefused_data()
{
    QTest::addColumn<bool>("hostUser");
    QTest::addColumn<QStringList>("granted");
    QTest::newRow("tenant-user-holding-manage-providers")
        << false << QStringList{Contract::kPermissionManageProviders};
    QTest::newRow("host-user-without-manage-providers")
        << true << QStringList{Contract::kPermissionUseBrandAccounts};
    QTest::newRow("host-user-without-any-permission") << true << QStringList();
}

void TestTenantScope::anyoneElseIsRefused()
{
    QFETCH(bool, hostUser);
    QFETCH(QStringList, granted);
    const QString name = u"user."_qs + QString::fromLatin1(QTest::currentDataTag());
    const std::optional<QUuid> home = hostUser ? std::nullopt : std::optional(m_crm.tenantId());
    QVERIFY(insertUserWith(home, name, granted).ok());
    const SessionUser user = signIn(hostUser ? QString() : m_crm.tenantName(), name);
    QVERIFY(!user.userId.isNull());

    QVERIFY(!TenantScope::maySwitch(user));
    const auto acting = TenantScope::actingOn(m_crm.db(), user, m_otherTenantId);
    QVERIFY(!acting.ok());
    QCOMPARE(acting.error().code, ErrorCode::PermissionDenied);
    QCOMPARE(acting.error().message, u"Only a host administrator can act on another tenant."_qs);
    QCOMPARE(TenantScope::actingOn(m_crm.db(), user, std::nullopt).error().code,
             ErrorCode::PermissionDenied);
    QCOMPARE(TenantScope::tenants(m_crm.db(), user).error().code, ErrorCode::PermissionDenied);
}

void TestTenantScope::aDeletedOrUnknownTenantIsRefused()
{
    const SessionUser host = signIn(QString(), m_hostAdmin);
    for (const QUuid &id : {m_deletedTenantId, QUuid::createUuid()}) {
        const auto acting = TenantScope::actingOn(m_crm.db(), host, id);
        QVERIFY(!acting.ok());
        QCOMPARE(acting.error().code, ErrorCode::NotFound);
    }
}

void TestTenantScope::theEmbeddedLocalAdminCannotSwitch()
{
    if (m_crm.isPostgres())
        QSKIP("the embedded database's local administrator exists on SQLite only");
    // The local administrator holds every SocialCrm permission, but in its tenant.
    const SessionUser before = m_workspace->user();
    QVERIFY(before.isGranted(Contract::kPermissionManageProviders));
    const Result<void> acted = m_workspace->actOn(m_otherTenantId);
    QVERIFY(!acted.ok());
    QCOMPARE(acted.error().code, ErrorCode::PermissionDenied);
    QCOMPARE(m_workspace->user().tenantId, before.tenantId);
}

QTEST_MAIN(TestTenantScope)
#include "tst_tenantscope.moc"
