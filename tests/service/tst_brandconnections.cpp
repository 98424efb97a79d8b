// Brand accounts in the connection service (DESIGN §2): the connect flow with OwnerUserId NULL
// and BrandAccountId set, many per provider per tenant, one external identity per tenant
// (refused by the service and by the database's unique index), reconnect in place by
// someone other than the creator, and every brand operation refused without its permission.
//
//   addBrandAccount(name, "sandbox") ─► service ── authorize URL ──► LoopbackBrowser
//   service ── POST /token, GET /me ──► FakeProvider (its /me says who signed in)
#include "core/crypto/dataprotector.h"
#include "core/db/brandaccountrepository.h"
#include "core/db/connectionrepository.h"
#include "core/db/database.h"
#include "core/db/entities.h"
#include "core/service/connectionservice.h"
#include "core/service/crmcontract.h"
#include "core/service/workspace.h"
#include "tests/service/fakeprovider.h"
#include "tests/service/loopbackbrowser.h"
#include "tests/support/sandboxworkspace.h"

#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

namespace {

constexpr int kFlowTimeoutMs = 10000;
const QByteArray kTokens = R"({"access_token":"brand-access-token-0001",)"
                           R"("refresh_token":"brand-refresh-token-0001",)"
                           R"("token_type":"Bearer","expires_in":3600})";
const QByteArray kApproved = "code=brand-code-0001&state={state}&iss={iss}";

QByteArray profileOf(const char *sub, const char *login)
{
    return QByteArray(R"({"sub":")") + sub + R"(","preferred_username":")" + login +
           R"(","name":"Someone"})";
}

int count(Db::Database &db, const QString &table, const QString &where = {})
{
    QSqlQuery query(db.handle());
    const QString sql = u"SELECT COUNT(*) FROM \""_qs + table + u"\""_qs +
                        (where.isEmpty() ? QString() : u" WHERE "_qs + where);
    if (!query.exec(sql) || !query.next())
        return -1;
    return query.value(0).toInt();
}

QSet<QString> allBrandPermissions()
{
    return {Contract::kPermissionUseBrandAccounts, Contract::kPermissionManageBrandAccounts};
}

} // namespace

class TestBrandConnections final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void addedBrandAccountOwnsTheConnection();
    void manyBrandAccountsPerProvider();
    void sameIdentityTwiceIsRefusedAndLeavesNoAccount();
    void databaseRefusesTheSameIdentityTwice();
    void supportStaffReconnectsAnotherUsersBrandConnection();
    void reconnectAsAnotherIdentityIsRefused();
    void withoutPermissionEveryBrandOperationIsRefused_data();
    void withoutPermissionEveryBrandOperationIsRefused();
    void removeNeedsTheConnectionDisconnected();
    void anotherTenantsConnectionIsNotReachable();

private:
    std::unique_ptr<ConnectionService> makeService(const QSet<QString> &permissions,
                                                   const QUuid &userId = {});
    // Adds a brand account connected as `sub`; returns the outcome's error (None: success).
    Error add(ConnectionService &service, const QString &name, const char *sub, const char *login);
    Db::Database &db() { return m_workspace->database(); }

    QTemporaryDir m_dir;
    SystemClock m_clock;
    int m_run = 0;
    std::unique_ptr<FakeProvider> m_provider;
    std::optional<PostgresCrm> m_crm; // under with-postgres.sh
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<LoopbackBrowser> m_browser;
    std::unique_ptr<ConnectionService> m_service;
};

void TestBrandConnections::init()
{
    m_provider = std::make_unique<FakeProvider>();
    QVERIFY(m_provider->listen());
    m_provider->script("/token", {200, kTokens});
    SandboxRegistration registration;
    registration.issuer = m_provider->issuer();
    ++m_run;
    auto workspace = openSandboxWorkspace(
        m_dir.filePath(QStringLiteral("crm-%1.sqlite").arg(m_run)),
        QStringLiteral("brandconnections_%1").arg(m_run), m_clock, registration, m_crm);
    QVERIFY2(workspace.ok(), qPrintable(workspace.ok() ? QString() : workspace.error().detail));
    m_workspace = std::move(workspace).value();
    m_browser = std::make_unique<LoopbackBrowser>();
    m_browser->setIssuer(m_provider->issuer());
    m_browser->setVisits({kApproved});
    m_service = makeService(allBrandPermissions());
}

void TestBrandConnections::cleanup()
{
    m_service.reset();
    m_browser.reset();
    m_workspace.reset();
    m_provider.reset();
    if (m_crm)
        QVERIFY(dropPostgresCrm(*m_crm).ok());
    m_crm.reset();
}

std::unique_ptr<ConnectionService>
TestBrandConnections::makeService(const QSet<QString> &permissions, const QUuid &userId)
{
    SessionUser user = m_workspace->user();
    user.permissions = permissions;
    if (!userId.isNull())
        user.userId = userId;
    auto service = std::make_unique<ConnectionService>(db(), m_workspace->protector(),
                                                       ProviderCatalogue::builtIn(), user, m_clock);
    service->setBrowserOpener(m_browser->opener());
    return service;
}

Error TestBrandConnections::add(ConnectionService &service, const QString &name, const char *sub,
                                const char *login)
{
    m_provider->script("/me", {200, profileOf(sub, login)});
    QSignalSpy succeeded(&service, &ConnectionService::connectSucceeded);
    QSignalSpy failed(&service, &ConnectionService::connectFailed);
    service.addBrandAccount(name, QStringLiteral("sandbox"));
    if (failed.isEmpty() && !succeeded.wait(kFlowTimeoutMs) && failed.isEmpty())
        return makeError(ErrorCode::Timeout, QStringLiteral("no outcome"));
    if (!failed.isEmpty())
        return failed.first().at(1).value<Error>();
    return {};
}

void TestBrandConnections::addedBrandAccountOwnsTheConnection()
{
    const Error error = add(*m_service, QStringLiteral("  Acme   News "), "acme-1", "acmenews");
    QVERIFY2(!error.isError(), qPrintable(error.message));

    auto statuses = m_service->brandStatuses();
    QVERIFY(statuses.ok());
    QCOMPARE(statuses.value().size(), 1);
    const BrandAccountStatus &status = statuses.value().first();
    QCOMPARE(status.name, QStringLiteral("Acme News"));
    QCOMPARE(status.providerKey, QStringLiteral("sandbox"));
    QCOMPARE(status.state, ConnectionState::Connected);
    QCOMPARE(status.externalHandle, QStringLiteral("acmenews"));

    auto row = Db::ConnectionRepository(db()).findById(status.connectionId);
    QVERIFY(row.ok() && row.value());
    QVERIFY(!row.value()->ownerUserId);
    QCOMPARE(row.value()->brandAccountId, std::optional<QUuid>(status.brandAccountId));
    QCOMPARE(row.value()->tenantId, m_workspace->user().tenantId);
    QVERIFY(row.value()->protectedAccessToken.startsWith(u"CfDJ8"));
    // The user's own Sandbox row is untouched: a brand connection is not theirs.
    auto own = m_service->providerStatuses();
    QVERIFY(own.ok());
    for (const ProviderStatus &provider : own.value())
        QCOMPARE(provider.state, ConnectionState::NotConnected);
    QCOMPARE(count(db(), u"AbpAuditLogActions"_qs,
                   u"\"MethodName\" = 'SocialConnectionCreated' AND \"Parameters\" LIKE "
                   u"'%brandAccountId%'"_qs),
             1);
}

void TestBrandConnections::manyBrandAccountsPerProvider()
{
    QVERIFY(!add(*m_service, QStringLiteral("Acme"), "acme-1", "acme").isError());
    QVERIFY(!add(*m_service, QStringLiteral("Acme Support"), "acme-2", "acmesupport").isError());
    QVERIFY(!add(*m_service, QStringLiteral("Acme Jobs"), "acme-3", "acmejobs").isError());
    auto statuses = m_service->brandStatuses();
    QVERIFY(statuses.ok());
    QCOMPARE(statuses.value().size(), 3);
    QCOMPARE(count(db(), u"SocialCrmIntegrationConnections"_qs,
                   u"\"ProviderKey\" = 'sandbox' AND \"OwnerUserId\" IS NULL"_qs),
             3);
}

void TestBrandConnections::sameIdentityTwiceIsRefusedAndLeavesNoAccount()
{
    QVERIFY(!add(*m_service, QStringLiteral("Acme"), "acme-1", "acme").isError());
    const Error error = add(*m_service, QStringLiteral("Acme again"), "acme-1", "acme");
    QCOMPARE(error.code, ErrorCode::IdentityAlreadyConnected);
    QCOMPARE(error.message,
             QStringLiteral("@acme is already connected to the brand account \"Acme\". Reconnect "
                            "that brand account instead of adding the account again."));
    QCOMPARE(count(db(), u"SocialCrmBrandAccounts"_qs), 1);
    QCOMPARE(count(db(), u"SocialCrmIntegrationConnections"_qs), 1);
    QCOMPARE(count(db(), u"AbpBackgroundJobs"_qs), 2);
}

void TestBrandConnections::databaseRefusesTheSameIdentityTwice()
{
    QVERIFY(!add(*m_service, QStringLiteral("Acme"), "acme-1", "acme").isError());
    // A second client that did not see the first row: only the unique index stands between.
    Db::BrandAccount account;
    account.tenantId = m_workspace->user().tenantId;
    account.name = QStringLiteral("Other client");
    account.creationTime = m_clock.nowUtc();
    QVERIFY(Db::BrandAccountRepository(db()).insert(account).ok());
    Db::IntegrationConnection row;
    row.tenantId = account.tenantId;
    row.brandAccountId = account.id;
    row.providerKey = QStringLiteral("sandbox");
    row.externalUserId = QStringLiteral("acme-1");
    row.creationTime = m_clock.nowUtc();
    const Result<void> inserted = Db::ConnectionRepository(db()).insert(row);
    QVERIFY(!inserted.ok());
    QCOMPARE(inserted.error().code, ErrorCode::IdentityAlreadyConnected);
    // The same identity at the user's own connection is another matter.
    Db::IntegrationConnection own = row;
    own.id = QUuid();
    own.brandAccountId.reset();
    own.ownerUserId = m_workspace->user().userId;
    QVERIFY(Db::ConnectionRepository(db()).insert(own).ok());
}

void TestBrandConnections::supportStaffReconnectsAnotherUsersBrandConnection()
{
    QVERIFY(!add(*m_service, QStringLiteral("Acme"), "acme-1", "acme").isError());
    const QUuid connectionId = m_service->brandStatuses().value().first().connectionId;

    const QUuid supportUser = QUuid::createUuid();
    auto support = makeService({Contract::kPermissionUseBrandAccounts}, supportUser);
    QSignalSpy succeeded(support.get(), &ConnectionService::connectSucceeded);
    support->reconnectBrand(connectionId);
    QVERIFY(succeeded.wait(kFlowTimeoutMs));

    auto row = Db::ConnectionRepository(db()).findById(connectionId);
    QVERIFY(row.ok() && row.value());
    QCOMPARE(row.value()->lastModifierId, std::optional<QUuid>(supportUser));
    QCOMPARE(row.value()->status, Db::ConnectionStatus::Connected);
    QCOMPARE(count(db(), u"SocialCrmIntegrationConnections"_qs), 1);
    QCOMPARE(
        count(db(), u"AbpAuditLogActions"_qs, u"\"MethodName\" = 'SocialConnectionReconnected'"_qs),
        1);
}

void TestBrandConnections::reconnectAsAnotherIdentityIsRefused()
{
    QVERIFY(!add(*m_service, QStringLiteral("Acme"), "acme-1", "acme").isError());
    const QUuid connectionId = m_service->brandStatuses().value().first().connectionId;
    m_provider->script("/me", {200, profileOf("intruder-9", "intruder")});
    QSignalSpy failed(m_service.get(), &ConnectionService::connectFailed);
    m_service->reconnectBrand(connectionId);
    QVERIFY(failed.wait(kFlowTimeoutMs));
    QCOMPARE(failed.first().at(1).value<Error>().code, ErrorCode::IdentityMismatch);
    auto row = Db::ConnectionRepository(db()).findById(connectionId);
    QCOMPARE(row.value()->externalUserId, QStringLiteral("acme-1"));
}

void TestBrandConnections::withoutPermissionEveryBrandOperationIsRefused_data()
{
    QTest::addColumn<QStringList>("granted");
    QTest::newRow("no-permission") << QStringList();
    QTest::newRow("manage-without-use") << QStringList{Contract::kPermissionManageBrandAccounts};
    QTest::newRow("providers-only") << QStringList{Contract::kPermissionManageProviders};
}

void TestBrandConnections::withoutPermissionEveryBrandOperationIsRefused()
{
    QFETCH(QStringList, granted);
    QVERIFY(!add(*m_service, QStringLiteral("Acme"), "acme-1", "acme").isError());
    const BrandAccountStatus existing = m_service->brandStatuses().value().first();
    auto denied = makeService(QSet<QString>(granted.cbegin(), granted.cend()));

    auto listed = denied->brandStatuses();
    QVERIFY(!listed.ok());
    QCOMPARE(listed.error().code, ErrorCode::PermissionDenied);

    QSignalSpy failed(denied.get(), &ConnectionService::connectFailed);
    denied->addBrandAccount(QStringLiteral("Sneaky"), QStringLiteral("sandbox"));
    denied->reconnectBrand(existing.connectionId);
    QCOMPARE(failed.size(), 2);
    for (const QList<QVariant> &outcome : std::as_const(failed))
        QCOMPARE(outcome.at(1).value<Error>().code, ErrorCode::PermissionDenied);
    QSignalSpy disconnectFailed(denied.get(), &ConnectionService::disconnectFailed);
    denied->disconnectBrand(existing.connectionId);
    QCOMPARE(disconnectFailed.size(), 1);
    QCOMPARE(disconnectFailed.first().at(1).value<Error>().code, ErrorCode::PermissionDenied);
    const Result<void> removed = denied->removeBrandAccount(existing.brandAccountId);
    QCOMPARE(removed.error().code, ErrorCode::PermissionDenied);

    QCOMPARE(m_browser->openCount(), 1); // only the admin's own attempt reached a browser
    QCOMPARE(count(db(), u"SocialCrmBrandAccounts"_qs), 1);
    QCOMPARE(count(db(), u"SocialCrmIntegrationConnections"_qs, u"\"Status\" = 1"_qs), 1);
}

void TestBrandConnections::removeNeedsTheConnectionDisconnected()
{
    QVERIFY(!add(*m_service, QStringLiteral("Acme"), "acme-1", "acme").isError());
    const BrandAccountStatus status = m_service->brandStatuses().value().first();
    QCOMPARE(m_service->removeBrandAccount(status.brandAccountId).error().code, ErrorCode::Busy);
    QCOMPARE(count(db(), u"SocialCrmBrandAccounts"_qs), 1);

    QSignalSpy finished(m_service.get(), &ConnectionService::disconnectFinished);
    m_service->disconnectBrand(status.connectionId);
    QVERIFY(finished.size() == 1 || finished.wait(kFlowTimeoutMs));
    QVERIFY(m_service->removeBrandAccount(status.brandAccountId).ok());
    QCOMPARE(count(db(), u"SocialCrmBrandAccounts"_qs), 0);
    QCOMPARE(count(db(), u"SocialCrmIntegrationConnections"_qs), 0);
    QCOMPARE(
        count(db(), u"AbpAuditLogActions"_qs, u"\"MethodName\" = 'SocialBrandAccountRemoved'"_qs),
        1);
    QVERIFY(m_service->brandStatuses().value().isEmpty());
}

void TestBrandConnections::anotherTenantsConnectionIsNotReachable()
{
    QVERIFY(!add(*m_service, QStringLiteral("Acme"), "acme-1", "acme").isError());
    const BrandAccountStatus status = m_service->brandStatuses().value().first();
    SessionUser other = m_workspace->user();
    other.tenantId = QUuid::createUuid();
    other.permissions = allBrandPermissions();
    ConnectionService foreign(db(), m_workspace->protector(), ProviderCatalogue::builtIn(), other,
                              m_clock);
    QVERIFY(foreign.brandStatuses().value().isEmpty());
    QSignalSpy failed(&foreign, &ConnectionService::connectFailed);
    foreign.reconnectBrand(status.connectionId);
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().at(1).value<Error>().code, ErrorCode::NotFound);
    QCOMPARE(foreign.removeBrandAccount(status.brandAccountId).error().code, ErrorCode::NotFound);
}

QTEST_GUILESS_MAIN(TestBrandConnections)
#include "tst_brandconnections.moc"
