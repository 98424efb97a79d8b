// Tenant brand accounts end to end (DESIGN §2 "Brand account"): the real Sandbox server, the
// real loopback listener, a scripted browser on the Sandbox's own sign-in and consent pages,
// and the tenant's CRM database (SQLite, or PostgreSQL under tests/db/with-postgres.sh).
//
//   1. brand.admin (ManageProviders, Use/ManageBrandAccounts) configures the Sandbox for the
//      tenant through ProviderConfigService, then adds "Acme News" as alice and
//      "Acme Support" as bob; adding alice a second time is refused and leaves nothing;
//   2. plain.user (no grant) sees no brand connection and may not touch one;
//   3. support.agent (UseBrandAccounts through the role "support staff") sees both; after bob's
//      grant is revoked at the Sandbox and a sweep marks it Requires Re-auth, support.agent
//      reconnects that row in place, as bob.
// Each person signs in with their CRM password, as the app does.
#include "core/crypto/dataprotector.h"
#include "core/db/database.h"
#include "core/db/sqlstatement.h"
#include "core/service/connectionservice.h"
#include "core/service/crmcontract.h"
#include "core/service/providerconfigservice.h"
#include "core/service/refreshscheduler.h"
#include "core/service/signin.h"
#include "core/service/workspace.h"
#include "tests/signin/signintestsupport.h"
#include "tests/support/sandboxserver.h"
#include "tests/support/scriptedbrowser.h"

#include <QSignalSpy>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::SignInTest;
using namespace EasyCrm::Testing;

namespace {

constexpr int kFlowTimeoutMs = 30000;
constexpr int kAccessTokenTtl = 120; // the Sandbox's; its catalogue lead time is 60 s
const QString kSandbox = QStringLiteral("sandbox");
const QString kAdmin = QStringLiteral("brand.admin");
const QString kPlainUser = QStringLiteral("plain.user");
const QString kSupport = QStringLiteral("support.agent");

} // namespace

class TestBrandAccountsFlow final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    // In this order: each builds on what the one before left in the database.
    void adminConfiguresTheSandboxForTheTenant();
    void adminAddsTwoBrandAccountsAsTwoIdentities();
    void theSameIdentityTwiceIsRefused();
    void aUserWithoutThePermissionSeesNone();
    void aUserHoldingItThroughARoleSeesBothAndReconnectsOne();

private:
    [[nodiscard]] Result<QUuid> insertUser(const QString &name, const QString &role,
                                           const QStringList &granted);
    [[nodiscard]] std::unique_ptr<ConnectionService> serviceFor(const QString &userName);
    [[nodiscard]] Error runAs(ConnectionService &service, const QString &login,
                              const std::function<void()> &start);
    [[nodiscard]] int count(const QString &table, const QString &where = {});
    // `column = id` as the database stores ids (EF Core: uppercase text on SQLite).
    [[nodiscard]] QString idEquals(const QString &column, const QUuid &id);
    [[nodiscard]] QList<BrandAccountStatus> brandsSeenBy(const QString &userName);

    SandboxServer m_sandbox;
    std::unique_ptr<ManualClock> m_clock;
    CrmDatabase m_crm;
    Workspace *m_workspace = nullptr;
    ScriptedBrowser m_browser;
    QUuid m_supportId;
};

void TestBrandAccountsFlow::initTestCase()
{
    QVERIFY2(
        m_sandbox.start({QStringLiteral("--access-token-ttl"), QString::number(kAccessTokenTtl)}),
        qPrintable(m_sandbox.errorString()));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_clock = std::make_unique<ManualClock>(now.addMSecs(-now.time().msec()));
    const Result<void> opened = m_crm.open(u"brandflow"_qs, *m_clock);
    QVERIFY2(opened.ok(), qPrintable(opened.error().detail));
    m_workspace = m_crm.workspace(*m_clock);
    QVERIFY(m_workspace);

    QVERIFY(insertUser(kAdmin, u"brand administrators"_qs,
                       {Contract::kPermissionManageProviders, Contract::kPermissionUseBrandAccounts,
                        Contract::kPermissionManageBrandAccounts})
                .ok());
    QVERIFY(insertUser(kPlainUser, {}, {}).ok());
    const Result<QUuid> support =
        insertUser(kSupport, u"support staff"_qs, {Contract::kPermissionUseBrandAccounts});
    QVERIFY(support.ok());
    m_supportId = support.value();
}

void TestBrandAccountsFlow::cleanupTestCase()
{
    m_crm.close();
}

Result<QUuid> TestBrandAccountsFlow::insertUser(const QString &name, const QString &role,
                                                const QStringList &granted)
{
    const std::optional<QUuid> tenant = m_crm.tenantId();
    const Result<QUuid> user = m_crm.insertUser({tenant, name, kSha512Hash});
    if (!user || role.isEmpty())
        return user;
    const Result<QUuid> roleId = m_crm.insertRole(tenant, role);
    if (!roleId)
        return roleId.error();
    if (Result<void> added = m_crm.addToRole(tenant, user.value(), roleId.value()); !added)
        return added.error();
    for (const QString &permission : granted) {
        if (Result<void> r = m_crm.grant(tenant, permission, u"R"_qs, role); !r)
            return r.error();
    }
    return user;
}

// Signs `userName` in with their password and gives them a connection service.
std::unique_ptr<ConnectionService> TestBrandAccountsFlow::serviceFor(const QString &userName)
{
    const Result<SessionUser> user =
        SignIn::signIn(m_crm.db(), m_crm.tenantName(), userName, kPassword, *m_clock);
    if (!user) {
        qWarning("%s could not sign in: %s", qPrintable(userName), qPrintable(user.error().detail));
        return nullptr;
    }
    auto service = std::make_unique<ConnectionService>(
        m_crm.db(), m_workspace->protector(), ProviderCatalogue::builtIn(), user.value(), *m_clock);
    service->setBrowserOpener(m_browser.opener());
    return service;
}

// Starts an attempt and signs in at the Sandbox as `login`; the failure, or an empty Error.
Error TestBrandAccountsFlow::runAs(ConnectionService &service, const QString &login,
                                   const std::function<void()> &start)
{
    QSignalSpy succeeded(&service, &ConnectionService::connectSucceeded);
    QSignalSpy failed(&service, &ConnectionService::connectFailed);
    m_browser.setArguments({QStringLiteral("--login"), login, QStringLiteral("--decision"),
                            QStringLiteral("approve")});
    start();
    if (!QTest::qWaitFor([&] { return !succeeded.isEmpty() || !failed.isEmpty(); }, kFlowTimeoutMs))
        return makeError(ErrorCode::Timeout, u"no outcome"_qs);
    return failed.isEmpty() ? Error{} : failed.first().at(1).value<Error>();
}

int TestBrandAccountsFlow::count(const QString &table, const QString &where)
{
    Db::SqlStatement st(m_crm.db(), u"test.count"_qs);
    st.prepare(u"SELECT COUNT(*) AS \"Count\" FROM \""_qs + table + u"\""_qs +
               (where.isEmpty() ? QString() : u" WHERE "_qs + where));
    if (!st.exec().ok() || !st.next())
        return -1;
    return st.value(u"Count"_qs).toInt();
}

QString TestBrandAccountsFlow::idEquals(const QString &column, const QUuid &id)
{
    return u"\""_qs + column + u"\" = '"_qs + m_crm.db().guid(id).toString() + u"'"_qs;
}

QList<BrandAccountStatus> TestBrandAccountsFlow::brandsSeenBy(const QString &userName)
{
    const auto service = serviceFor(userName);
    if (!service)
        return {};
    const Result<QList<BrandAccountStatus>> statuses = service->brandStatuses();
    return statuses ? statuses.value() : QList<BrandAccountStatus>{};
}

void TestBrandAccountsFlow::adminConfiguresTheSandboxForTheTenant()
{
    const Result<SessionUser> admin =
        SignIn::signIn(m_crm.db(), m_crm.tenantName(), kAdmin, kPassword, *m_clock);
    QVERIFY(admin.ok());
    ProviderConfigService configs(m_crm.db(), m_workspace->protector(),
                                  ProviderCatalogue::builtIn(), admin.value(), *m_clock);
    const Result<ProviderSettings> shown = configs.settings(kSandbox);
    QVERIFY(shown.ok());

    // The tenant's own Sandbox: this test's server, its client, the mentions scope too.
    const QString issuer = m_sandbox.issuer().toString();
    ProviderEdit edit;
    edit.providerKey = kSandbox;
    edit.shownOrigin = shown.value().origin;
    edit.shownStamp = shown.value().concurrencyStamp;
    edit.enabled = true;
    edit.clientId = m_sandbox.clientId();
    edit.clientSecret = m_sandbox.clientSecret();
    edit.enabledScopes = {u"openid"_qs, u"profile"_qs, u"offline_access"_qs, u"mentions.read"_qs};
    edit.endpointOverrides = {issuer + u"/auth"_qs, issuer + u"/token"_qs,
                              issuer + u"/token/revocation"_qs, issuer + u"/me"_qs, issuer};
    const Result<ProviderSettings> saved = configs.save(edit);
    QVERIFY2(saved.ok(), qPrintable(saved.ok() ? QString() : saved.error().message));
    QCOMPARE(saved.value().origin, ConfigOrigin::TenantOverride);
    QVERIFY(saved.value().hasClientSecret);

    const QString tenant = idEquals(u"TenantId"_qs, m_crm.tenantId());
    QCOMPARE(
        count(
            u"SocialCrmProviderConfigurations"_qs,
            tenant +
                u" AND \"ProviderKey\" = 'sandbox' AND \"ProtectedClientSecret\" LIKE 'CfDJ8%'"_qs),
        1);
    QVERIFY(count(u"AbpAuditLogActions"_qs, u"\"MethodName\" = '"_qs +
                                                Contract::kActionProviderConfigurationChanged +
                                                u"'"_qs) >= 1);
}

void TestBrandAccountsFlow::adminAddsTwoBrandAccountsAsTwoIdentities()
{
    const auto admin = serviceFor(kAdmin);
    QVERIFY(admin);
    const Error news =
        runAs(*admin, u"alice"_qs, [&] { admin->addBrandAccount(u"Acme News"_qs, kSandbox); });
    QVERIFY2(news.code == ErrorCode::None, qPrintable(news.message));
    const QJsonObject aliceExchange = m_sandbox.lastExchange();
    const Error support =
        runAs(*admin, u"bob"_qs, [&] { admin->addBrandAccount(u"Acme Support"_qs, kSandbox); });
    QVERIFY2(support.code == ErrorCode::None, qPrintable(support.message));

    // Two brand accounts of the tenant, each holding one connection owned by no user.
    const Result<QList<BrandAccountStatus>> statuses = admin->brandStatuses();
    QVERIFY(statuses.ok());
    QCOMPARE(statuses.value().size(), 2);
    QStringList handles;
    for (const BrandAccountStatus &status : statuses.value()) {
        QCOMPARE(status.state, ConnectionState::Connected);
        handles << status.name + u'=' + status.externalHandle;
    }
    handles.sort();
    QCOMPARE(handles, QStringList({u"Acme News=alice"_qs, u"Acme Support=bob"_qs}));
    QCOMPARE(count(u"SocialCrmBrandAccounts"_qs), 2);
    QCOMPARE(count(u"SocialCrmIntegrationConnections"_qs,
                   u"\"OwnerUserId\" IS NULL AND \"BrandAccountId\" IS NOT NULL"_qs),
             2);
    QCOMPARE(count(u"SocialCrmIntegrationConnections"_qs, u"\"OwnerUserId\" IS NOT NULL"_qs), 0);

    // The tokens alice's sign-in produced, stored protected for "Acme News" only.
    Db::SqlStatement st(m_crm.db(), u"test.brand-tokens"_qs);
    st.prepare(u"SELECT \"ProtectedAccessToken\", \"ProtectedRefreshToken\" FROM "
               u"\"SocialCrmIntegrationConnections\""
               " WHERE \"ExternalHandle\" = 'alice'"_qs);
    QVERIFY(st.exec().ok() && st.next());
    const auto unprotect = [this](const QVariant &stored) {
        return m_workspace->protector().unprotect(stored.toString()).value();
    };
    QCOMPARE(unprotect(st.value(u"ProtectedAccessToken"_qs)),
             aliceExchange.value(u"accessToken").toString().toUtf8());
    QCOMPARE(unprotect(st.value(u"ProtectedRefreshToken"_qs)),
             aliceExchange.value(u"refreshToken").toString().toUtf8());
    QCOMPARE(count(u"AbpAuditLogActions"_qs,
                   u"\"MethodName\" = '"_qs + Contract::kActionConnectionCreated + u"'"_qs),
             2);
}

void TestBrandAccountsFlow::theSameIdentityTwiceIsRefused()
{
    const auto admin = serviceFor(kAdmin);
    QVERIFY(admin);
    const int created = count(u"AbpAuditLogActions"_qs);
    const Error refused = runAs(*admin, u"alice"_qs,
                                [&] { admin->addBrandAccount(u"Acme News Again"_qs, kSandbox); });
    QCOMPARE(refused.code, ErrorCode::IdentityAlreadyConnected);
    QVERIFY2(refused.message.contains(u"Acme News"), qPrintable(refused.message));

    // Nothing of the refused attempt stays: no account, no connection, no creation audit.
    QCOMPARE(count(u"SocialCrmBrandAccounts"_qs), 2);
    QCOMPARE(count(u"SocialCrmIntegrationConnections"_qs), 2);
    QCOMPARE(count(u"AbpAuditLogActions"_qs), created);
}

void TestBrandAccountsFlow::aUserWithoutThePermissionSeesNone()
{
    const auto user = serviceFor(kPlainUser);
    QVERIFY(user);
    const Result<QList<BrandAccountStatus>> statuses = user->brandStatuses();
    QVERIFY(!statuses.ok());
    QCOMPARE(statuses.error().code, ErrorCode::PermissionDenied);

    // Their own Social Integration list shows the tenant's Sandbox, not the brand connections.
    const Result<QList<ProviderStatus>> own = user->providerStatuses();
    QVERIFY(own.ok());
    for (const ProviderStatus &status : own.value()) {
        QCOMPARE(status.state, ConnectionState::NotConnected);
        QCOMPARE(status.configured, status.providerKey == kSandbox);
    }

    // Nor may they act on one whose id they learnt elsewhere.
    const QList<BrandAccountStatus> seen = brandsSeenBy(kAdmin);
    QVERIFY(!seen.isEmpty());
    QSignalSpy failed(user.get(), &ConnectionService::connectFailed);
    user->reconnectBrand(seen.first().connectionId);
    QTRY_COMPARE(failed.size(), 1);
    QCOMPARE(failed.first().at(1).value<Error>().code, ErrorCode::PermissionDenied);
    QCOMPARE(m_browser.openCount(), 3); // the three attempts before; none for this one
}

void TestBrandAccountsFlow::aUserHoldingItThroughARoleSeesBothAndReconnectsOne()
{
    // 1. support.agent sees both brand connections.
    const QList<BrandAccountStatus> seen = brandsSeenBy(kSupport);
    QCOMPARE(seen.size(), 2);
    const auto bobs = std::find_if(seen.cbegin(), seen.cend(), [](const BrandAccountStatus &s) {
        return s.externalHandle == u"bob";
    });
    QVERIFY(bobs != seen.cend());
    const QUuid bobConnection = bobs->connectionId;

    // 2. bob's grant ends at the Sandbox; the next sweep learns it.
    QVERIFY(m_sandbox.revokeGrants(u"bob"_qs));
    m_clock->advance(kAccessTokenTtl);
    RefreshScheduler scheduler(m_crm.db(), m_workspace->protector(), ProviderCatalogue::builtIn(),
                               *m_clock);
    QSignalSpy swept(&scheduler, &RefreshScheduler::sweepFinished);
    scheduler.sweep();
    QVERIFY(swept.wait(kFlowTimeoutMs));
    const auto summary = swept.first().first().value<SweepSummary>();
    QCOMPARE(summary.requiresReauth, 1);
    QCOMPARE(summary.refreshed, 1); // alice's, still granted

    // 3. support.agent, who created neither, reconnects bob's in place.
    const auto support = serviceFor(kSupport);
    QVERIFY(support);
    const Error repaired =
        runAs(*support, u"bob"_qs, [&] { support->reconnectBrand(bobConnection); });
    QVERIFY2(repaired.code == ErrorCode::None, qPrintable(repaired.message));
    const QList<BrandAccountStatus> after = brandsSeenBy(kSupport);
    QCOMPARE(after.size(), 2);
    for (const BrandAccountStatus &status : after)
        QCOMPARE(status.state, ConnectionState::Connected);
    QCOMPARE(count(u"SocialCrmIntegrationConnections"_qs,
                   idEquals(u"Id"_qs, bobConnection) + u" AND \"ExternalHandle\" = 'bob' AND "_qs +
                       idEquals(u"LastModifierId"_qs, m_supportId)),
             1);
    QCOMPARE(count(u"SocialCrmIntegrationConnections"_qs), 2);
    QCOMPARE(count(u"SocialCrmBrandAccounts"_qs), 2);
    QCOMPARE(count(u"AbpAuditLogActions"_qs,
                   u"\"MethodName\" = '"_qs + Contract::kActionConnectionReconnected + u"'"_qs),
             1);
}

QTEST_GUILESS_MAIN(TestBrandAccountsFlow)
#include "tst_brandaccountsflow.moc"
