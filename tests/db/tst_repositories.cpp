#include "dbtestsupport.h"

#include "core/common/ids.h"
#include "core/db/repositories.h"

#include <QRegularExpression>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Db;
using Test::TestDatabase;

Q_DECLARE_METATYPE(std::optional<QUuid>)

namespace {

const QDateTime kNow(QDate(2024, 3, 10), QTime(9, 30, 15, 250), Qt::UTC);
const QUuid kTenant = QUuid::fromString(u"6a2f41a3-c54c-fce8-32d2-0324e1c32e22");
const QUuid kUser = QUuid::fromString(u"3fa85f64-5717-4562-b3fc-2c963f66afa6");
const QUuid kOtherUser = QUuid::fromString(u"9b2d0d3e-0b44-4b6f-8a8c-1d4a53b0e0a1");

IntegrationConnection userConnection(std::optional<QUuid> tenant, QUuid user, QString provider)
{
    IntegrationConnection c;
    c.tenantId = tenant;
    c.ownerUserId = user;
    c.providerKey = std::move(provider);
    c.externalUserId = QStringLiteral("ext-1");
    c.externalHandle = QStringLiteral("handle");
    c.protectedAccessToken = QStringLiteral("CfDJ8access");
    c.protectedRefreshToken = QStringLiteral("CfDJ8refresh");
    c.grantedScopes = {QStringLiteral("openid"), QStringLiteral("profile")};
    c.status = ConnectionStatus::Connected;
    c.creationTime = kNow;
    c.creatorId = user;
    return c;
}

} // namespace

class TestRepositories final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void providerConfigInsertsThenUpdates();
    void providerConfigStaleStampConflicts();
    void providerConfigIsPerTenant();
    void providerConfigRemoveNeedsTheStamp();
    void connectionRoundTripsEveryColumn();
    void connectionStoredInEfCoreFormat();
    void uniqueConnection_data();
    void uniqueConnection();
    void brandConnectionsManyPerProvider();
    void brandIdentityOncePerTenant_data();
    void brandIdentityOncePerTenant();
    void connectionNeedsOwnerOrBrand();
    void updateWithStaleStampConflicts();
    void clearTokensDropsEveryTokenColumn();
    void refreshLeaseIsExclusive();
    void dueForRefreshSkipsLeasedAndFuture();
    void rollbackLeavesNoRows();
    void failedInsertInsideTransactionKeepsItUsable();
    void notificationsNewestFirstAndMarkRead();
    void historyInOrder();
    void brandAccountRenameAndRemove();

private:
    Database &db() { return m_fixture->db(); }
    std::unique_ptr<TestDatabase> m_fixture;
};

void TestRepositories::init()
{
    m_fixture = std::make_unique<TestDatabase>();
    QVERIFY2(m_fixture->isReady(), qPrintable(m_fixture->error()));
    QVERIFY(m_fixture->migrateLikeProduction().ok());
}

void TestRepositories::cleanup()
{
    m_fixture.reset();
}

void TestRepositories::providerConfigInsertsThenUpdates()
{
    ProviderConfigRepository repo(db());
    ProviderConfig config;
    config.tenantId = kTenant;
    config.providerKey = QStringLiteral("linkedin");
    config.isEnabled = true;
    config.clientId = QStringLiteral("client-1");
    config.protectedClientSecret = QStringLiteral("CfDJ8secret");
    config.enabledScopes = {QStringLiteral("openid"), QStringLiteral("w_member_social")};
    config.tokenEndpoint = QStringLiteral("https://idp.example/token");
    config.redirectPort = 8765;
    config.creationTime = kNow;
    QVERIFY(repo.upsert(config).ok());
    QVERIFY(!config.id.isNull());
    const QString firstStamp = config.concurrencyStamp;
    QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{32}$")).match(firstStamp).hasMatch());

    auto found = repo.find(kTenant, QStringLiteral("linkedin"));
    QVERIFY(found.ok() && found.value());
    QCOMPARE(found.value()->clientId, QStringLiteral("client-1"));
    QCOMPARE(found.value()->enabledScopes, config.enabledScopes);
    QCOMPARE(found.value()->tokenEndpoint, QStringLiteral("https://idp.example/token"));
    QVERIFY(found.value()->authorizeEndpoint.isEmpty());
    QCOMPARE(found.value()->redirectPort, 8765);
    QCOMPARE(found.value()->creationTime, kNow);
    QCOMPARE(found.value()->concurrencyStamp, firstStamp);

    ProviderConfig edited = *found.value();
    edited.isEnabled = false;
    edited.lastModificationTime = kNow.addSecs(60);
    edited.lastModifierId = kUser;
    QVERIFY(repo.upsert(edited).ok());
    QVERIFY(edited.concurrencyStamp != firstStamp);
    auto reread = repo.find(kTenant, QStringLiteral("linkedin"));
    QCOMPARE(reread.value()->isEnabled, false);
    QCOMPARE(reread.value()->lastModificationTime, kNow.addSecs(60));
    QCOMPARE(reread.value()->lastModifierId, std::optional<QUuid>(kUser));
    QCOMPARE(reread.value()->creationTime, kNow);
    QCOMPARE(m_fixture->count(QStringLiteral("SocialCrmProviderConfigurations")), 1);
}

void TestRepositories::providerConfigStaleStampConflicts()
{
    ProviderConfigRepository repo(db());
    ProviderConfig config;
    config.providerKey = QStringLiteral("x");
    config.creationTime = kNow;
    QVERIFY(repo.upsert(config).ok());

    ProviderConfig first = *repo.find(std::nullopt, QStringLiteral("x")).value();
    ProviderConfig second = first;
    first.clientId = QStringLiteral("first");
    QVERIFY(repo.upsert(first).ok());
    second.clientId = QStringLiteral("second");
    const Result<void> lost = repo.upsert(second);
    QVERIFY(!lost.ok());
    QCOMPARE(lost.error().code, ErrorCode::ConcurrencyConflict);
    QCOMPARE(repo.find(std::nullopt, QStringLiteral("x")).value()->clientId,
             QStringLiteral("first"));

    // A caller that read "none" while another admin created the row.
    ProviderConfig late;
    late.providerKey = QStringLiteral("x");
    late.creationTime = kNow;
    late.concurrencyStamp = QStringLiteral("0123456789abcdef0123456789abcdef");
    QCOMPARE(repo.upsert(late).error().code, ErrorCode::ConcurrencyConflict);
}

void TestRepositories::providerConfigIsPerTenant()
{
    ProviderConfigRepository repo(db());
    for (const std::optional<QUuid> &tenant : {std::optional<QUuid>(), std::optional(kTenant)}) {
        ProviderConfig config;
        config.tenantId = tenant;
        config.providerKey = QStringLiteral("x");
        config.clientId = tenant ? QStringLiteral("tenant") : QStringLiteral("host");
        config.creationTime = kNow;
        QVERIFY(repo.upsert(config).ok());
    }
    QCOMPARE(repo.find(std::nullopt, QStringLiteral("x")).value()->clientId,
             QStringLiteral("host"));
    QCOMPARE(repo.find(kTenant, QStringLiteral("x")).value()->clientId, QStringLiteral("tenant"));
    QVERIFY(!repo.find(kTenant, QStringLiteral("tiktok")).value());
    QCOMPARE(repo.listForTenant(kTenant).value().size(), 1);
    QCOMPARE(repo.listForTenant(std::nullopt).value().size(), 1);
}

void TestRepositories::providerConfigRemoveNeedsTheStamp()
{
    ProviderConfigRepository repo(db());
    ProviderConfig config;
    config.tenantId = kTenant;
    config.providerKey = QStringLiteral("x");
    config.creationTime = kNow;
    QVERIFY(repo.upsert(config).ok());
    const QString shown = config.concurrencyStamp;
    config.clientId = QStringLiteral("changed elsewhere");
    QVERIFY(repo.upsert(config).ok());

    // The editor that saw the row before the change may not delete it.
    const Result<void> stale = repo.remove(config.id, shown);
    QVERIFY(!stale.ok());
    QCOMPARE(stale.error().code, ErrorCode::ConcurrencyConflict);
    QVERIFY(repo.find(kTenant, QStringLiteral("x")).value());

    QVERIFY(repo.remove(config.id, config.concurrencyStamp).ok());
    QVERIFY(!repo.find(kTenant, QStringLiteral("x")).value());
    QCOMPARE(repo.remove(config.id, config.concurrencyStamp).error().code,
             ErrorCode::ConcurrencyConflict);
}

void TestRepositories::connectionRoundTripsEveryColumn()
{
    ConnectionRepository repo(db());
    IntegrationConnection c = userConnection(kTenant, kUser, QStringLiteral("linkedin"));
    c.externalDisplayName = QStringLiteral("Ada Lovelace");
    c.accessTokenExpiresAt = kNow.addSecs(3600);
    c.refreshTokenExpiresAt = kNow.addDays(365);
    c.statusReason = QStringLiteral("ok");
    c.lastSyncTime = kNow;
    c.lastRefreshTime = kNow.addSecs(-10);
    c.lastRefreshOutcome = QStringLiteral("Succeeded");
    c.refreshFailureCount = 2;
    c.nextRefreshTime = kNow.addSecs(3000);
    c.extraProperties = QJsonObject{{QStringLiteral("Origin"), QStringLiteral("test")}};
    QVERIFY(repo.insert(c).ok());

    const auto found = repo.findForUser(kTenant, kUser, QStringLiteral("linkedin"));
    QVERIFY(found.ok() && found.value());
    const IntegrationConnection &r = *found.value();
    QCOMPARE(r.id, c.id);
    QCOMPARE(r.tenantId, c.tenantId);
    QCOMPARE(r.ownerUserId, c.ownerUserId);
    QVERIFY(!r.brandAccountId);
    QCOMPARE(r.externalUserId, c.externalUserId);
    QCOMPARE(r.externalHandle, c.externalHandle);
    QCOMPARE(r.externalDisplayName, c.externalDisplayName);
    QCOMPARE(r.protectedAccessToken, c.protectedAccessToken);
    QCOMPARE(r.protectedRefreshToken, c.protectedRefreshToken);
    QCOMPARE(r.accessTokenExpiresAt, c.accessTokenExpiresAt);
    QCOMPARE(r.refreshTokenExpiresAt, c.refreshTokenExpiresAt);
    QCOMPARE(r.grantedScopes, c.grantedScopes);
    QCOMPARE(r.status, ConnectionStatus::Connected);
    QCOMPARE(r.statusReason, c.statusReason);
    QCOMPARE(r.lastSyncTime, c.lastSyncTime);
    QCOMPARE(r.lastRefreshTime, c.lastRefreshTime);
    QCOMPARE(r.lastRefreshOutcome, c.lastRefreshOutcome);
    QCOMPARE(r.refreshFailureCount, 2);
    QCOMPARE(r.nextRefreshTime, c.nextRefreshTime);
    QVERIFY(r.refreshLeaseOwner.isEmpty());
    QVERIFY(!r.refreshLeaseUntil.isValid());
    QCOMPARE(r.extraProperties, c.extraProperties);
    QCOMPARE(r.concurrencyStamp, c.concurrencyStamp);
    QCOMPARE(r.creationTime, kNow);
    QCOMPARE(r.creatorId, std::optional<QUuid>(kUser));
    QVERIFY(!r.lastModificationTime.isValid());
    QCOMPARE(repo.findById(c.id).value()->id, c.id);
    QCOMPARE(repo.listForUser(kTenant, kUser).value().size(), 1);
    QVERIFY(repo.listForUser(kTenant, kOtherUser).value().isEmpty());
}

void TestRepositories::connectionStoredInEfCoreFormat()
{
    IntegrationConnection c = userConnection(std::nullopt, kUser, QStringLiteral("x"));
    QVERIFY(ConnectionRepository(db()).insert(c).ok());
    const QVariantMap raw = m_fixture->row(QStringLiteral("SocialCrmIntegrationConnections"), c.id);
    QVERIFY(!raw.isEmpty());
    QVERIFY(raw.value(QStringLiteral("TenantId")).isNull());
    QCOMPARE(raw.value(QStringLiteral("ExtraProperties")).toString(), QStringLiteral("{}"));
    QCOMPARE(raw.value(QStringLiteral("GrantedScopes")).toString(),
             QStringLiteral("openid profile"));
    QVERIFY(raw.value(QStringLiteral("RefreshLeaseUntil")).isNull());
    if (db().driver() != Driver::Sqlite)
        return;
    QCOMPARE(raw.value(QStringLiteral("Id")).toString(),
             c.id.toString(QUuid::WithoutBraces).toUpper());
    QCOMPARE(raw.value(QStringLiteral("CreationTime")).toString(),
             QStringLiteral("2024-03-10 09:30:15.25"));
    QCOMPARE(raw.value(QStringLiteral("Status")).toInt(), 1);
}

void TestRepositories::uniqueConnection_data()
{
    QTest::addColumn<std::optional<QUuid>>("firstTenant");
    QTest::addColumn<std::optional<QUuid>>("secondTenant");
    QTest::addColumn<QUuid>("secondUser");
    QTest::addColumn<QString>("secondProvider");
    QTest::addColumn<bool>("allowed");
    const std::optional<QUuid> host;
    const std::optional<QUuid> tenant(kTenant);
    const QString x = QStringLiteral("x");
    QTest::newRow("same-user-provider-host-tenant") << host << host << kUser << x << false;
    QTest::newRow("same-user-provider-tenant") << tenant << tenant << kUser << x << false;
    QTest::newRow("other-provider")
        << tenant << tenant << kUser << QStringLiteral("tiktok") << true;
    QTest::newRow("other-user") << host << host << kOtherUser << x << true;
    QTest::newRow("host-and-tenant-differ") << host << tenant << kUser << x << true;
}

void TestRepositories::uniqueConnection()
{
    QFETCH(std::optional<QUuid>, firstTenant);
    QFETCH(std::optional<QUuid>, secondTenant);
    QFETCH(QUuid, secondUser);
    QFETCH(QString, secondProvider);
    QFETCH(bool, allowed);
    ConnectionRepository repo(db());
    IntegrationConnection first = userConnection(firstTenant, kUser, QStringLiteral("x"));
    QVERIFY(repo.insert(first).ok());
    IntegrationConnection second = userConnection(secondTenant, secondUser, secondProvider);
    const Result<void> inserted = repo.insert(second);
    QCOMPARE(inserted.ok(), allowed);
    if (!allowed) {
        QCOMPARE(inserted.error().code, ErrorCode::AlreadyConnected);
        QVERIFY(!inserted.error().message.isEmpty());
    }
    QCOMPARE(m_fixture->count(QStringLiteral("SocialCrmIntegrationConnections")), allowed ? 2 : 1);
}

void TestRepositories::brandConnectionsManyPerProvider()
{
    BrandAccountRepository brands(db());
    ConnectionRepository repo(db());
    QList<BrandAccount> accounts;
    for (const char *name : {"Acme", "Acme Labs"}) {
        BrandAccount account;
        account.tenantId = std::nullopt;
        account.name = QString::fromLatin1(name);
        account.creationTime = kNow;
        QVERIFY(brands.insert(account).ok());
        accounts << account;
    }
    for (const BrandAccount &account : accounts) {
        IntegrationConnection c = userConnection(std::nullopt, kUser, QStringLiteral("x"));
        c.ownerUserId.reset();
        c.brandAccountId = account.id;
        c.externalUserId = QStringLiteral("ext-") + account.name;
        QVERIFY(repo.insert(c).ok());
    }
    // The same brand account twice for one provider is refused, for host rows too.
    IntegrationConnection again = userConnection(std::nullopt, kUser, QStringLiteral("x"));
    again.ownerUserId.reset();
    again.brandAccountId = accounts.first().id;
    again.externalUserId = QStringLiteral("ext-other");
    QCOMPARE(repo.insert(again).error().code, ErrorCode::AlreadyConnected);

    QCOMPARE(repo.listBrandConnections(std::nullopt).value().size(), 2);
    QVERIFY(repo.findForBrand(std::nullopt, accounts.at(1).id, QStringLiteral("x")).value());
    QVERIFY(repo.listForUser(std::nullopt, kUser).value().isEmpty());
}

void TestRepositories::brandIdentityOncePerTenant_data()
{
    QTest::addColumn<std::optional<QUuid>>("secondTenant");
    QTest::addColumn<QString>("secondProvider");
    QTest::addColumn<bool>("secondIsBrand");
    QTest::addColumn<bool>("allowed");
    QTest::newRow("same-tenant-same-provider") << std::optional<QUuid>(kTenant) << u"x"_qs << true
                                               << false;
    QTest::newRow("other-tenant") << std::optional<QUuid>(QUuid::createUuid()) << u"x"_qs << true
                                  << true;
    QTest::newRow("host-and-tenant") << std::optional<QUuid>() << u"x"_qs << true << true;
    QTest::newRow("other-provider") << std::optional<QUuid>(kTenant) << u"y"_qs << true << true;
    QTest::newRow("personal-connection") << std::optional<QUuid>(kTenant) << u"x"_qs << false
                                         << true;
}

// DESIGN §2: one external identity on at most one brand account of a tenant, enforced by the
// database so that two admins on two machines cannot both add it.
void TestRepositories::brandIdentityOncePerTenant()
{
    QFETCH(std::optional<QUuid>, secondTenant);
    QFETCH(QString, secondProvider);
    QFETCH(bool, secondIsBrand);
    QFETCH(bool, allowed);
    BrandAccountRepository brands(db());
    ConnectionRepository repo(db());
    const auto brandConnection = [&](const std::optional<QUuid> &tenant, const QString &provider) {
        BrandAccount account;
        account.tenantId = tenant;
        account.name = QStringLiteral("Acme");
        account.creationTime = kNow;
        if (!brands.insert(account).ok())
            qFatal("brand account not inserted");
        IntegrationConnection c = userConnection(tenant, kUser, provider);
        c.ownerUserId.reset();
        c.brandAccountId = account.id;
        return c;
    };
    IntegrationConnection first = brandConnection(kTenant, QStringLiteral("x"));
    QVERIFY(repo.insert(first).ok());

    IntegrationConnection second = secondIsBrand
        ? brandConnection(secondTenant, secondProvider)
        : userConnection(secondTenant, kUser, secondProvider);
    const Result<void> inserted = repo.insert(second);
    QCOMPARE(inserted.ok(), allowed);
    if (!allowed) {
        QCOMPARE(inserted.error().code, ErrorCode::IdentityAlreadyConnected);
        QVERIFY(!inserted.error().message.isEmpty());
    }
    QCOMPARE(m_fixture->count(QStringLiteral("SocialCrmIntegrationConnections")), allowed ? 2 : 1);
}

void TestRepositories::connectionNeedsOwnerOrBrand()
{
    ConnectionRepository repo(db());
    IntegrationConnection neither = userConnection(kTenant, kUser, QStringLiteral("x"));
    neither.ownerUserId.reset();
    const Result<void> refused = repo.insert(neither);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, ErrorCode::DatabaseError);
    QCOMPARE(m_fixture->count(QStringLiteral("SocialCrmIntegrationConnections")), 0);
}

void TestRepositories::updateWithStaleStampConflicts()
{
    ConnectionRepository repo(db());
    IntegrationConnection c = userConnection(kTenant, kUser, QStringLiteral("x"));
    QVERIFY(repo.insert(c).ok());
    const QString original = c.concurrencyStamp;

    c.status = ConnectionStatus::RequiresReauth;
    c.statusReason = QStringLiteral("invalid_grant");
    c.lastModificationTime = kNow.addSecs(5);
    const Result<QString> renewed = repo.update(c, original);
    QVERIFY(renewed.ok());
    QVERIFY(renewed.value() != original);

    // A second writer still holding the original stamp loses.
    c.status = ConnectionStatus::Connected;
    const Result<QString> stale = repo.update(c, original);
    QVERIFY(!stale.ok());
    QCOMPARE(stale.error().code, ErrorCode::ConcurrencyConflict);
    const auto stored = repo.findById(c.id).value();
    QCOMPARE(stored->status, ConnectionStatus::RequiresReauth);
    QCOMPARE(stored->concurrencyStamp, renewed.value());
    QCOMPARE(stored->lastModificationTime, kNow.addSecs(5));
}

void TestRepositories::clearTokensDropsEveryTokenColumn()
{
    ConnectionRepository repo(db());
    IntegrationConnection c = userConnection(kTenant, kUser, QStringLiteral("x"));
    c.accessTokenExpiresAt = kNow.addSecs(60);
    c.nextRefreshTime = kNow.addSecs(30);
    QVERIFY(repo.insert(c).ok());
    const Result<QString> cleared =
        repo.clearTokens(c.id, c.concurrencyStamp, QStringLiteral("Disconnected"), kNow, kUser);
    QVERIFY(cleared.ok());
    const QVariantMap raw = m_fixture->row(QStringLiteral("SocialCrmIntegrationConnections"), c.id);
    for (const char *column : {"ProtectedAccessToken", "ProtectedRefreshToken",
                               "AccessTokenExpiresAt", "RefreshTokenExpiresAt", "NextRefreshTime"})
        QVERIFY2(raw.value(QString::fromLatin1(column)).isNull(), column);
    QCOMPARE(raw.value(QStringLiteral("Status")).toInt(), 0);
    QCOMPARE(raw.value(QStringLiteral("StatusReason")).toString(), QStringLiteral("Disconnected"));
    QCOMPARE(repo.clearTokens(c.id, c.concurrencyStamp, {}, kNow, kUser).error().code,
             ErrorCode::ConcurrencyConflict);
    QVERIFY(repo.remove(c.id).ok());
    QCOMPARE(repo.remove(c.id).error().code, ErrorCode::NotFound);
}

void TestRepositories::refreshLeaseIsExclusive()
{
    ConnectionRepository repo(db());
    IntegrationConnection c = userConnection(kTenant, kUser, QStringLiteral("x"));
    QVERIFY(repo.insert(c).ok());
    const QString a = QStringLiteral("machine-a");
    const QString b = QStringLiteral("machine-b");
    QVERIFY(repo.acquireRefreshLease(c.id, a, kNow, kNow.addSecs(60)).ok());
    QCOMPARE(repo.acquireRefreshLease(c.id, b, kNow.addSecs(10), kNow.addSecs(70)).error().code,
             ErrorCode::Busy);
    // A lapsed lease can be taken over.
    const Result<QString> takeover =
        repo.acquireRefreshLease(c.id, b, kNow.addSecs(61), kNow.addSecs(120));
    QVERIFY(takeover.ok());
    QCOMPARE(repo.releaseRefreshLease(c.id, a).error().code, ErrorCode::NotFound);
    QVERIFY(repo.releaseRefreshLease(c.id, b).ok());
    QVERIFY(repo.findById(c.id).value()->refreshLeaseOwner.isEmpty());
}

void TestRepositories::dueForRefreshSkipsLeasedAndFuture()
{
    ConnectionRepository repo(db());
    QList<QUuid> users;
    for (int i = 0; i < 4; ++i)
        users << Ids::newGuid();
    const QList<QDateTime> next = {kNow.addSecs(-60), kNow.addSecs(-30), kNow.addSecs(60),
                                   kNow.addSecs(-10)};
    QList<QUuid> ids;
    for (int i = 0; i < 4; ++i) {
        IntegrationConnection c = userConnection(kTenant, users.at(i), QStringLiteral("x"));
        c.nextRefreshTime = next.at(i);
        if (i == 3)
            c.status = ConnectionStatus::RequiresReauth;
        QVERIFY(repo.insert(c).ok());
        ids << c.id;
    }
    QVERIFY(repo.acquireRefreshLease(ids.at(1), QStringLiteral("m"), kNow, kNow.addSecs(60)).ok());
    const auto due = repo.listDueForRefresh(kNow, 10);
    QVERIFY(due.ok());
    QCOMPARE(due.value().size(), 1);
    QCOMPARE(due.value().first().id, ids.at(0));
}

void TestRepositories::rollbackLeavesNoRows()
{
    {
        Transaction tx(db());
        QVERIFY(tx.begin().ok());
        IntegrationConnection c = userConnection(kTenant, kUser, QStringLiteral("x"));
        QVERIFY(ConnectionRepository(db()).insert(c).ok());
        ConnectionHistoryEntry h;
        h.connectionId = c.id;
        h.toStatus = ConnectionStatus::Connected;
        h.creationTime = kNow;
        QVERIFY(ConnectionHistoryRepository(db()).append(h).ok());
        QVERIFY(db().inTransaction());
        // Leaves scope without commit().
    }
    QVERIFY(!db().inTransaction());
    QCOMPARE(m_fixture->count(QStringLiteral("SocialCrmIntegrationConnections")), 0);
    QCOMPARE(m_fixture->count(QStringLiteral("SocialCrmConnectionHistory")), 0);

    Transaction committed(db());
    QVERIFY(committed.begin().ok());
    IntegrationConnection c = userConnection(kTenant, kUser, QStringLiteral("x"));
    QVERIFY(ConnectionRepository(db()).insert(c).ok());
    QVERIFY(committed.commit().ok());
    QCOMPARE(m_fixture->count(QStringLiteral("SocialCrmIntegrationConnections")), 1);
}

void TestRepositories::failedInsertInsideTransactionKeepsItUsable()
{
    ConnectionRepository repo(db());
    IntegrationConnection existing = userConnection(kTenant, kUser, QStringLiteral("x"));
    QVERIFY(repo.insert(existing).ok());

    Transaction tx(db());
    QVERIFY(tx.begin().ok());
    IntegrationConnection duplicate = userConnection(kTenant, kUser, QStringLiteral("x"));
    QCOMPARE(repo.insert(duplicate).error().code, ErrorCode::AlreadyConnected);
    // PostgreSQL aborts a transaction on any error; the savepoint keeps this one going.
    IntegrationConnection other = userConnection(kTenant, kUser, QStringLiteral("tiktok"));
    QVERIFY(repo.insert(other).ok());
    QVERIFY(tx.commit().ok());
    QCOMPARE(m_fixture->count(QStringLiteral("SocialCrmIntegrationConnections")), 2);
}

void TestRepositories::notificationsNewestFirstAndMarkRead()
{
    NotificationRepository repo(db());
    QList<QUuid> ids;
    for (int i = 0; i < 3; ++i) {
        Notification n;
        n.tenantId = kTenant;
        n.userId = kUser;
        n.kind = QStringLiteral("ConnectionRequiresReauth");
        n.message = QStringLiteral("Your LinkedIn connection needs re-authentication");
        n.creationTime = kNow.addSecs(i);
        QVERIFY(repo.insert(n).ok());
        ids << n.id;
    }
    const auto all = repo.listForUser(kTenant, kUser);
    QCOMPARE(all.value().size(), 3);
    QCOMPARE(all.value().first().id, ids.last());
    QVERIFY(!all.value().first().isRead);
    QVERIFY(repo.markRead(ids.first()).ok());
    QCOMPARE(repo.listForUser(kTenant, kUser, true).value().size(), 2);
    QVERIFY(repo.listForUser(std::nullopt, kUser).value().isEmpty());
    QCOMPARE(repo.markRead(Ids::newGuid()).error().code, ErrorCode::NotFound);
}

void TestRepositories::historyInOrder()
{
    IntegrationConnection c = userConnection(kTenant, kUser, QStringLiteral("x"));
    QVERIFY(ConnectionRepository(db()).insert(c).ok());
    ConnectionHistoryRepository repo(db());
    const QList<std::pair<ConnectionStatus, ConnectionStatus>> steps = {
        {ConnectionStatus::NotConnected, ConnectionStatus::Connected},
        {ConnectionStatus::Connected, ConnectionStatus::RequiresReauth}};
    for (qsizetype i = 0; i < steps.size(); ++i) {
        ConnectionHistoryEntry e;
        e.tenantId = kTenant;
        e.connectionId = c.id;
        e.fromStatus = steps.at(i).first;
        e.toStatus = steps.at(i).second;
        e.providerError = i == 1 ? QStringLiteral("invalid_grant") : QString();
        e.creationTime = kNow.addSecs(i);
        e.creatorId = kUser;
        QVERIFY(repo.append(e).ok());
    }
    const auto entries = repo.listForConnection(c.id);
    QCOMPARE(entries.value().size(), 2);
    QCOMPARE(entries.value().at(1).toStatus, ConnectionStatus::RequiresReauth);
    QCOMPARE(entries.value().at(1).providerError, QStringLiteral("invalid_grant"));
    QVERIFY(entries.value().at(0).providerError.isEmpty());
    QCOMPARE(entries.value().at(0).creatorId, std::optional<QUuid>(kUser));
}

void TestRepositories::brandAccountRenameAndRemove()
{
    BrandAccountRepository repo(db());
    BrandAccount account;
    account.tenantId = kTenant;
    account.name = QStringLiteral("Acme");
    account.creationTime = kNow;
    QVERIFY(repo.insert(account).ok());
    const Result<QString> renamed =
        repo.rename(account.id, QStringLiteral("Acme Inc."), account.concurrencyStamp, kNow, kUser);
    QVERIFY(renamed.ok());
    QCOMPARE(repo.rename(account.id, QStringLiteral("Stale"), account.concurrencyStamp, kNow, kUser)
                 .error()
                 .code,
             ErrorCode::ConcurrencyConflict);
    QCOMPARE(repo.findById(account.id).value()->name, QStringLiteral("Acme Inc."));
    QCOMPARE(repo.listForTenant(kTenant).value().size(), 1);

    // Still referenced by a connection: the foreign key refuses the removal.
    IntegrationConnection c = userConnection(kTenant, kUser, QStringLiteral("x"));
    c.ownerUserId.reset();
    c.brandAccountId = account.id;
    QVERIFY(ConnectionRepository(db()).insert(c).ok());
    QVERIFY(!repo.remove(account.id).ok());
    QVERIFY(ConnectionRepository(db()).remove(c.id).ok());
    QVERIFY(repo.remove(account.id).ok());
}

QTEST_GUILESS_MAIN(TestRepositories)
#include "tst_repositories.moc"
