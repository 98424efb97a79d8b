// The refresh scheduler on the embedded CRM database against a scripted token endpoint:
// what a real provider will not do on demand (omit refresh_token, fail with 503, lose a race
// to another client) is done here. The sandbox runs in tst_tokenlifecycle.
#include "core/crypto/dataprotector.h"
#include "core/db/brandaccountrepository.h"
#include "core/db/connectionhistoryrepository.h"
#include "core/db/connectionrepository.h"
#include "core/db/database.h"
#include "core/db/notificationrepository.h"
#include "core/db/providerconfigrepository.h"
#include "core/db/sqlstatement.h"
#include "core/service/crmcontract.h"
#include "core/service/refreshscheduler.h"
#include "core/service/workspace.h"
#include "tests/lifecycle/faketokenendpoint.h"
#include "tests/support/postgrescrm.h"
#include "tests/support/sandboxworkspace.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

namespace {

constexpr int kTimeoutMs = 10000;
const QByteArray kAccess = "access-original";
const QByteArray kRefresh = "refresh-original";

int countRows(Db::Database &db, const QString &table)
{
    QSqlQuery query(db.handle());
    if (!query.exec(QStringLiteral("SELECT COUNT(*) FROM \"%1\"").arg(table)) || !query.next())
        return -1;
    return query.value(0).toInt();
}

// ABP's grant to one user: ProviderName "U", the key the user's id as Guid.ToString() writes it.
Result<void> grantToUser(Db::Database &db, const std::optional<QUuid> &tenantId,
                         const QString &permission, const QUuid &userId)
{
    return insertAbpGrant(db, tenantId, permission, QStringLiteral("U"),
                          userId.toString(QUuid::WithoutBraces));
}

} // namespace

class TestRefreshScheduler final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void connectionNotYetDueIsLeftAlone();
    void dueConnectionGetsBothNewTokens();
    void responseWithoutRefreshTokenKeepsTheOldOne_data();
    void responseWithoutRefreshTokenKeepsTheOldOne();
    void transientFailureKeepsTokensAndBacksOff_data();
    void transientFailureKeepsTokensAndBacksOff();
    void successAfterTransientFailuresIsRecorded();
    void permanentFailureDegradesOnce_data();
    void permanentFailureDegradesOnce();
    void rotationByAnotherClientIsNotAFailure();
    void rowRefreshedElsewhereAfterListingIsSkipped();
    void leaseHeldByAnotherClientIsRespected();
    void concurrencyIsBounded();
    void sweepWorksThroughEveryBatch();
    void connectionDueAgainAtOnceWaitsForTheNextSweep();
    void providerWithoutRefreshTokensNeedsReauthOnceExpired();
    void tenantWithoutItsOwnConfigurationUsesTheHostDefault();
    void brandConnectionNotifiesBrandAccountUsers();
    void brandConnectionNotifiesOnlyTheTenantsBrandAccountUsers();
    void timerModeSweepsRepeatedly();

private:
    [[nodiscard]] Db::IntegrationConnection
    addConnection(const QString &providerKey, qint64 expiresInSeconds, bool brand = false);
    [[nodiscard]] Db::IntegrationConnection reload(const QUuid &id);
    [[nodiscard]] QByteArray plain(const QString &protectedValue);
    [[nodiscard]] SweepSummary sweepOnce();

    QTemporaryDir m_dir;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<FakeTokenEndpoint> m_endpoint;
    std::optional<PostgresCrm> m_crm; // under with-postgres.sh
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<RefreshScheduler> m_scheduler;
    int m_run = 0;
    int m_brands = 0;
};

void TestRefreshScheduler::init()
{
    QVERIFY(m_dir.isValid());
    // Whole seconds, so stored and computed times compare exactly on every driver.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_clock = std::make_unique<ManualClock>(now.addMSecs(-now.time().msec()));
    m_endpoint = std::make_unique<FakeTokenEndpoint>();
    QVERIFY(m_endpoint->listen());
    SandboxRegistration provider;
    provider.issuer = m_endpoint->issuer();
    const QString path = m_dir.filePath(QStringLiteral("crm-%1.sqlite").arg(++m_run));
    auto workspace = openSandboxWorkspace(path, QStringLiteral("refreshscheduler_%1").arg(m_run),
                                          *m_clock, provider, m_crm);
    QVERIFY2(workspace.ok(), qPrintable(workspace.ok() ? QString() : workspace.error().detail));
    m_workspace = std::move(workspace).value();
    m_scheduler = std::make_unique<RefreshScheduler>(
        m_workspace->database(), m_workspace->protector(), ProviderCatalogue::builtIn(), *m_clock);
    RefreshScheduler::Settings settings;
    settings.networkTimeout = std::chrono::milliseconds(2000);
    m_scheduler->setSettings(settings);
}

void TestRefreshScheduler::cleanup()
{
    m_scheduler.reset();
    m_workspace.reset();
    m_endpoint.reset();
    if (m_crm)
        QVERIFY(dropPostgresCrm(*m_crm).ok());
    m_crm.reset();
}

Db::IntegrationConnection TestRefreshScheduler::addConnection(const QString &providerKey,
                                                              qint64 expiresInSeconds, bool brand)
{
    const SessionUser &user = m_workspace->user();
    Db::IntegrationConnection row;
    row.tenantId = user.tenantId;
    if (!brand)
        row.ownerUserId = user.userId;
    row.providerKey = providerKey;
    // One external identity sits on at most one brand account of a tenant: each brand
    // connection here is another account.
    row.externalUserId =
        brand ? QStringLiteral("brand-%1").arg(m_brands) : QStringLiteral("alice-0001");
    row.externalHandle = QStringLiteral("alice");
    row.protectedAccessToken = m_workspace->protector().protect(kAccess).value();
    row.protectedRefreshToken = m_workspace->protector().protect(kRefresh).value();
    row.accessTokenExpiresAt = m_clock->nowUtc().addSecs(expiresInSeconds);
    row.grantedScopes = QStringList{QStringLiteral("openid"), QStringLiteral("offline_access")};
    row.status = Db::ConnectionStatus::Connected;
    row.creationTime = m_clock->nowUtc();
    row.creatorId = user.userId;
    if (brand) {
        Db::BrandAccount account;
        account.tenantId = user.tenantId;
        account.name = QStringLiteral("Brand %1").arg(m_brands++);
        account.creationTime = m_clock->nowUtc();
        if (!Db::BrandAccountRepository(m_workspace->database()).insert(account))
            qWarning("brand account insert failed");
        row.brandAccountId = account.id;
    }
    const Result<void> inserted = Db::ConnectionRepository(m_workspace->database()).insert(row);
    if (!inserted)
        qWarning("insert failed: %s", qPrintable(inserted.error().detail));
    return row;
}

Db::IntegrationConnection TestRefreshScheduler::reload(const QUuid &id)
{
    auto found = Db::ConnectionRepository(m_workspace->database()).findById(id);
    return found && found.value() ? *found.value() : Db::IntegrationConnection{};
}

QByteArray TestRefreshScheduler::plain(const QString &protectedValue)
{
    auto value = m_workspace->protector().unprotect(protectedValue);
    return value ? value.value() : QByteArray("<unreadable>");
}

SweepSummary TestRefreshScheduler::sweepOnce()
{
    QSignalSpy finished(m_scheduler.get(), &RefreshScheduler::sweepFinished);
    m_scheduler->sweep();
    if (!finished.wait(kTimeoutMs))
        return SweepSummary{-1};
    return finished.first().first().value<SweepSummary>();
}

void TestRefreshScheduler::connectionNotYetDueIsLeftAlone()
{
    // The sandbox's lead is 60 s: 61 s before expiry nothing is due yet.
    const auto row = addConnection(QStringLiteral("sandbox"), 61);
    const SweepSummary summary = sweepOnce();
    QCOMPARE(summary.due, 0);
    QCOMPARE(m_endpoint->bodies().size(), 0);
    QCOMPARE(reload(row.id).protectedAccessToken, row.protectedAccessToken);
}

void TestRefreshScheduler::dueConnectionGetsBothNewTokens()
{
    const auto row = addConnection(QStringLiteral("sandbox"), 60);
    m_endpoint->setReply({200, tokenJson("access-2", "refresh-2", 600)});

    const SweepSummary summary = sweepOnce();
    QCOMPARE(summary.due, 1);
    QCOMPARE(summary.refreshed, 1);
    QVERIFY(summary.allSucceeded());

    // The stored refresh token was presented, exactly once.
    QCOMPARE(m_endpoint->bodies().size(), 1);
    QVERIFY(m_endpoint->bodies().first().contains("grant_type=refresh_token"));
    QVERIFY(
        m_endpoint->bodies().first().contains(QByteArray(QByteArray("refresh_token=") + kRefresh)));

    const auto stored = reload(row.id);
    QCOMPARE(plain(stored.protectedAccessToken), QByteArray("access-2"));
    QCOMPARE(plain(stored.protectedRefreshToken), QByteArray("refresh-2"));
    QCOMPARE(stored.accessTokenExpiresAt, m_clock->nowUtc().addSecs(600));
    QCOMPARE(stored.nextRefreshTime, m_clock->nowUtc().addSecs(600 - 60));
    QCOMPARE(stored.status, Db::ConnectionStatus::Connected);
    QCOMPARE(stored.lastRefreshOutcome, QStringLiteral("Refreshed"));
    QCOMPARE(stored.lastRefreshTime, m_clock->nowUtc());
    QVERIFY(stored.refreshLeaseOwner.isEmpty());
    QVERIFY(!stored.refreshLeaseUntil.isValid());
}

void TestRefreshScheduler::responseWithoutRefreshTokenKeepsTheOldOne_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("refresh_token-omitted") << tokenJson("access-2", QByteArray());
    QTest::newRow("refresh_token-blank") << tokenJson("access-2", QByteArray(""));
}

void TestRefreshScheduler::responseWithoutRefreshTokenKeepsTheOldOne()
{
    QFETCH(QByteArray, body);
    const auto row = addConnection(QStringLiteral("sandbox"), 10);
    m_endpoint->setReply({200, body});

    QCOMPARE(sweepOnce().refreshed, 1);
    const auto stored = reload(row.id);
    QCOMPARE(plain(stored.protectedAccessToken), QByteArray("access-2"));
    QCOMPARE(plain(stored.protectedRefreshToken), kRefresh);
}

void TestRefreshScheduler::transientFailureKeepsTokensAndBacksOff_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("503") << 503 << QByteArray("<html>down</html>");
    QTest::newRow("429") << 429 << errorJson("slow_down");
    QTest::newRow("500-invalid_grant") << 500 << errorJson("invalid_grant");
    QTest::newRow("200-not-json") << 200 << QByteArray("<html>portal</html>");
}

void TestRefreshScheduler::transientFailureKeepsTokensAndBacksOff()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    const auto row = addConnection(QStringLiteral("sandbox"), 30);
    m_endpoint->setReply({status, body});

    const SweepSummary summary = sweepOnce();
    QCOMPARE(summary.transientFailures, 1);
    QVERIFY(!summary.allSucceeded());
    const auto stored = reload(row.id);
    QCOMPARE(stored.status, Db::ConnectionStatus::Connected);
    QCOMPARE(stored.protectedAccessToken, row.protectedAccessToken);
    QCOMPARE(stored.protectedRefreshToken, row.protectedRefreshToken);
    QCOMPARE(stored.refreshFailureCount, 1);
    QCOMPARE(stored.nextRefreshTime, m_clock->nowUtc().addSecs(60));
    QVERIFY(stored.refreshLeaseOwner.isEmpty());

    // Nothing for the user to do, so nothing is said, and nothing is retried before backoff.
    QCOMPARE(countRows(m_workspace->database(), QStringLiteral("AbpEventOutbox")), 0);
    QCOMPARE(countRows(m_workspace->database(), QStringLiteral("SocialCrmNotifications")), 0);
    QCOMPARE(sweepOnce().due, 0);
    QCOMPARE(m_endpoint->bodies().size(), 1);

    // A second failure doubles the wait.
    m_clock->advance(60);
    QCOMPARE(sweepOnce().transientFailures, 1);
    QCOMPARE(reload(row.id).refreshFailureCount, 2);
    QCOMPARE(reload(row.id).nextRefreshTime, m_clock->nowUtc().addSecs(120));
}

void TestRefreshScheduler::successAfterTransientFailuresIsRecorded()
{
    const auto row = addConnection(QStringLiteral("sandbox"), 30);
    m_endpoint->setReply({503, {}});
    QCOMPARE(sweepOnce().transientFailures, 1);

    m_clock->advance(60);
    m_endpoint->setReply({200, tokenJson("access-2", "refresh-2")});
    QCOMPARE(sweepOnce().refreshed, 1);
    const auto stored = reload(row.id);
    QCOMPARE(stored.refreshFailureCount, 0);
    QCOMPARE(stored.status, Db::ConnectionStatus::Connected);

    auto history =
        Db::ConnectionHistoryRepository(m_workspace->database()).listForConnection(row.id);
    QVERIFY(history.ok());
    QCOMPARE(history.value().size(), 1);
    QCOMPARE(history.value().first().reason, QStringLiteral("RefreshRecovered"));
    QCOMPARE(history.value().first().toStatus, Db::ConnectionStatus::Connected);
}

void TestRefreshScheduler::permanentFailureDegradesOnce_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("error");
    QTest::addColumn<QString>("reason");
    QTest::newRow("400-invalid_grant")
        << 400 << QByteArray("invalid_grant") << u"RefreshTokenRejected"_qs;
    QTest::newRow("401-invalid_client")
        << 401 << QByteArray("invalid_client") << u"ClientRejected"_qs;
    QTest::newRow("400-unauthorized_client")
        << 400 << QByteArray("unauthorized_client") << u"ClientRejected"_qs;
}

void TestRefreshScheduler::permanentFailureDegradesOnce()
{
    QFETCH(int, status);
    QFETCH(QByteArray, error);
    QFETCH(QString, reason);
    const auto row = addConnection(QStringLiteral("sandbox"), 30);
    m_endpoint->setReply({status, errorJson(error)});
    QSignalSpy degraded(m_scheduler.get(), &RefreshScheduler::connectionDegraded);

    // 1. The refusal marks the connection, with the reason.
    QCOMPARE(sweepOnce().requiresReauth, 1);
    const auto stored = reload(row.id);
    QCOMPARE(stored.status, Db::ConnectionStatus::RequiresReauth);
    QCOMPARE(stored.statusReason, reason);
    QCOMPARE(degraded.size(), 1);
    QCOMPARE(degraded.first().at(2).toString(),
             QStringLiteral("Your Sandbox connection needs re-authentication"));

    // 2. One event for the server, with its camelCase data.
    Db::Database &db = m_workspace->database();
    QSqlQuery events(db.handle());
    QVERIFY(events.exec(QStringLiteral("SELECT \"EventName\", \"EventData\" FROM "
                                       "\"AbpEventOutbox\"")));
    QVERIFY(events.next());
    QCOMPARE(events.value(0).toString(), QStringLiteral("SocialConnectionDegraded"));
    const QJsonObject data = QJsonDocument::fromJson(events.value(1).toByteArray()).object();
    QCOMPARE(data.value(u"connectionId").toString(), row.id.toString(QUuid::WithoutBraces));
    QCOMPARE(data.value(u"tenantId").toString(),
             m_workspace->user().tenantId->toString(QUuid::WithoutBraces));
    QCOMPARE(data.value(u"providerKey").toString(), QStringLiteral("sandbox"));
    QCOMPARE(data.value(u"reason").toString(), reason);
    QCOMPARE(data.value(u"providerError").toString(), QString::fromLatin1(error));
    QVERIFY(!events.next());

    // 3. One notification for the owner, and the transition in the history.
    auto notes = Db::NotificationRepository(db).listForUser(m_workspace->user().tenantId,
                                                            m_workspace->user().userId);
    QVERIFY(notes.ok());
    QCOMPARE(notes.value().size(), 1);
    QCOMPARE(notes.value().first().message,
             QStringLiteral("Your Sandbox connection needs re-authentication"));
    QCOMPARE(notes.value().first().connectionId, std::optional<QUuid>(row.id));
    auto history = Db::ConnectionHistoryRepository(db).listForConnection(row.id);
    QCOMPARE(history.value().size(), 1);
    QCOMPARE(history.value().first().fromStatus, Db::ConnectionStatus::Connected);
    QCOMPARE(history.value().first().toStatus, Db::ConnectionStatus::RequiresReauth);
    QCOMPARE(history.value().first().providerError, QString::fromLatin1(error));

    // 4. Later sweeps neither ask again nor say it again.
    m_clock->advance(3600);
    QCOMPARE(sweepOnce().due, 0);
    QCOMPARE(m_endpoint->bodies().size(), 1);
    QCOMPARE(countRows(db, QStringLiteral("AbpEventOutbox")), 1);
    QCOMPARE(countRows(db, QStringLiteral("SocialCrmNotifications")), 1);
    QCOMPARE(degraded.size(), 1);
}

void TestRefreshScheduler::rotationByAnotherClientIsNotAFailure()
{
    const auto row = addConnection(QStringLiteral("sandbox"), 30);
    m_endpoint->setHolding(true);
    m_endpoint->setReply({400, errorJson("invalid_grant")});
    QSignalSpy finished(m_scheduler.get(), &RefreshScheduler::sweepFinished);
    m_scheduler->sweep();
    QTRY_COMPARE(m_endpoint->heldCount(), 1);

    // 1. While the request is in flight, another client (its lease lapsed) stores the
    // rotated pair; the provider then refuses our now-spent token.
    auto current = reload(row.id);
    current.protectedRefreshToken = m_workspace->protector().protect("refresh-other").value();
    current.accessTokenExpiresAt = m_clock->nowUtc().addSecs(3600);
    QVERIFY(Db::ConnectionRepository(m_workspace->database())
                .update(current, current.concurrencyStamp)
                .ok());
    m_endpoint->release();
    QVERIFY(finished.wait(kTimeoutMs));

    // 2. Not a failure of the grant: still Connected with the other client's tokens.
    const SweepSummary summary = finished.first().first().value<SweepSummary>();
    QCOMPARE(summary.requiresReauth, 0);
    QCOMPARE(summary.refreshedElsewhere, 1);
    const auto stored = reload(row.id);
    QCOMPARE(stored.status, Db::ConnectionStatus::Connected);
    QCOMPARE(plain(stored.protectedRefreshToken), QByteArray("refresh-other"));
    QCOMPARE(countRows(m_workspace->database(), QStringLiteral("AbpEventOutbox")), 0);
    QCOMPARE(countRows(m_workspace->database(), QStringLiteral("SocialCrmNotifications")), 0);
}

void TestRefreshScheduler::rowRefreshedElsewhereAfterListingIsSkipped()
{
    const auto row = addConnection(QStringLiteral("sandbox"), 30);
    QSignalSpy finished(m_scheduler.get(), &RefreshScheduler::sweepFinished);
    m_scheduler->sweep(); // lists the row; the lease is taken from the event loop

    auto current = reload(row.id);
    current.protectedRefreshToken = m_workspace->protector().protect("refresh-other").value();
    current.accessTokenExpiresAt = m_clock->nowUtc().addSecs(3600);
    QVERIFY(Db::ConnectionRepository(m_workspace->database())
                .update(current, current.concurrencyStamp)
                .ok());

    QVERIFY(finished.wait(kTimeoutMs));
    QCOMPARE(finished.first().first().value<SweepSummary>().refreshedElsewhere, 1);
    QCOMPARE(m_endpoint->bodies().size(), 0);
    QVERIFY(reload(row.id).refreshLeaseOwner.isEmpty());
}

void TestRefreshScheduler::leaseHeldByAnotherClientIsRespected()
{
    const auto row = addConnection(QStringLiteral("sandbox"), 30);
    QSignalSpy finished(m_scheduler.get(), &RefreshScheduler::sweepFinished);
    m_scheduler->sweep();
    QVERIFY(Db::ConnectionRepository(m_workspace->database())
                .acquireRefreshLease(row.id, QStringLiteral("other-client"), m_clock->nowUtc(),
                                     m_clock->nowUtc().addSecs(120))
                .ok());
    QVERIFY(finished.wait(kTimeoutMs));
    QCOMPARE(finished.first().first().value<SweepSummary>().busy, 1);
    QCOMPARE(m_endpoint->bodies().size(), 0);
    QCOMPARE(reload(row.id).refreshLeaseOwner, QStringLiteral("other-client"));

    // While the lease runs, the row is not even listed.
    QCOMPARE(sweepOnce().due, 0);
}

void TestRefreshScheduler::concurrencyIsBounded()
{
    QList<QUuid> ids;
    for (int i = 0; i < 5; ++i) {
        // One connection per owner and provider: give each its own owner.
        auto row = addConnection(QStringLiteral("sandbox"), 30, /*brand*/ true);
        ids << row.id;
    }
    RefreshScheduler::Settings settings = m_scheduler->settings();
    settings.maxConcurrent = 2;
    m_scheduler->setSettings(settings);
    m_endpoint->setHolding(true);
    m_endpoint->setReply({200, tokenJson("access-2", "refresh-2")});
    QSignalSpy finished(m_scheduler.get(), &RefreshScheduler::sweepFinished);
    m_scheduler->sweep();

    int rounds = 0;
    while (finished.isEmpty() && rounds++ < 10) {
        QTRY_VERIFY(m_endpoint->heldCount() > 0 || !finished.isEmpty());
        QTest::qWait(50); // a third request, if the bound were broken, arrives meanwhile
        QVERIFY2(m_endpoint->heldCount() <= 2,
                 qPrintable(QString::number(m_endpoint->heldCount())));
        m_endpoint->release();
        QTRY_VERIFY(m_endpoint->heldCount() > 0 || !finished.isEmpty());
    }
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(finished.first().first().value<SweepSummary>().refreshed, 5);
    QCOMPARE(m_endpoint->bodies().size(), 5);
}

void TestRefreshScheduler::sweepWorksThroughEveryBatch()
{
    // More due connections than one batch holds: one sweep still refreshes them all.
    for (int i = 0; i < 5; ++i)
        (void)addConnection(QStringLiteral("sandbox"), 30 + i, /*brand*/ true);
    RefreshScheduler::Settings settings = m_scheduler->settings();
    settings.batchLimit = 2;
    m_scheduler->setSettings(settings);
    m_endpoint->setReply({200, tokenJson("access-2", "refresh-2", 600)});

    const SweepSummary summary = sweepOnce();
    QCOMPARE(summary.due, 5);
    QCOMPARE(summary.refreshed, 5);
    QVERIFY(summary.allSucceeded());
    QCOMPARE(m_endpoint->bodies().size(), 5);
    QCOMPARE(sweepOnce().due, 0);
}

void TestRefreshScheduler::connectionDueAgainAtOnceWaitsForTheNextSweep()
{
    // A token living shorter than the lead (10 s against 60 s) is due again right after its
    // refresh: the sweep takes each connection once and ends, whatever its batches.
    (void)addConnection(QStringLiteral("sandbox"), 30, /*brand*/ true);
    (void)addConnection(QStringLiteral("sandbox"), 30, /*brand*/ true);
    RefreshScheduler::Settings settings = m_scheduler->settings();
    settings.batchLimit = 1;
    m_scheduler->setSettings(settings);
    m_endpoint->setReply({200, tokenJson("access-2", "refresh-2", 10)});

    SweepSummary summary = sweepOnce();
    QCOMPARE(summary.due, 2);
    QCOMPARE(summary.refreshed, 2);
    QCOMPARE(m_endpoint->bodies().size(), 2);
    summary = sweepOnce();
    QCOMPARE(summary.refreshed, 2);
    QCOMPARE(m_endpoint->bodies().size(), 4);
}

void TestRefreshScheduler::providerWithoutRefreshTokensNeedsReauthOnceExpired()
{
    // Mastodon issues no refresh token: within its lead it is only shown as expiring.
    auto row = addConnection(QStringLiteral("mastodon"), 30);
    QCOMPARE(sweepOnce().due, 0);
    QCOMPARE(reload(row.id).status, Db::ConnectionStatus::Connected);

    m_clock->advance(30);
    QCOMPARE(sweepOnce().requiresReauth, 1);
    QCOMPARE(m_endpoint->bodies().size(), 0);
    const auto stored = reload(row.id);
    QCOMPARE(stored.status, Db::ConnectionStatus::RequiresReauth);
    QCOMPARE(stored.statusReason, QStringLiteral("AccessTokenExpired"));
    QCOMPARE(countRows(m_workspace->database(), QStringLiteral("AbpEventOutbox")), 1);
    QCOMPARE(countRows(m_workspace->database(), QStringLiteral("SocialCrmNotifications")), 1);
}

void TestRefreshScheduler::tenantWithoutItsOwnConfigurationUsesTheHostDefault()
{
    // 1. The tenant has no sandbox row of its own; the host's default registers the client.
    Db::Database &db = m_workspace->database();
    QSqlQuery remove(db.handle());
    QVERIFY(remove.exec(QStringLiteral("DELETE FROM \"SocialCrmProviderConfigurations\" "
                                       "WHERE \"ProviderKey\" = 'sandbox'")));
    Db::ProviderConfig host;
    host.providerKey = QStringLiteral("sandbox");
    host.isEnabled = true;
    host.clientId = QStringLiteral("host-default-client");
    host.protectedClientSecret = m_workspace->protector().protect("host-secret").value();
    QUrl token = m_endpoint->issuer();
    token.setPath(QStringLiteral("/token"));
    host.tokenEndpoint = token.toString();
    host.creationTime = m_clock->nowUtc();
    QVERIFY(Db::ProviderConfigRepository(db).upsert(host).ok());
    QVERIFY(m_workspace->user().tenantId.has_value());
    const auto row = addConnection(QStringLiteral("sandbox"), 30);
    m_endpoint->setReply({200, tokenJson("access-2", "refresh-2")});

    // 2. The refresh goes out with the host's client, as the connect flow's would.
    const SweepSummary summary = sweepOnce();
    QCOMPARE(summary.failed, 0);
    QCOMPARE(summary.refreshed, 1);
    QCOMPARE(m_endpoint->bodies().size(), 1);
    QVERIFY(m_endpoint->bodies().first().contains("client_id=host-default-client"));
    QVERIFY(m_endpoint->bodies().first().contains("client_secret=host-secret"));
    QCOMPARE(plain(reload(row.id).protectedAccessToken), QByteArray("access-2"));
}

void TestRefreshScheduler::brandConnectionNotifiesBrandAccountUsers()
{
    Db::Database &db = m_workspace->database();
    const SessionUser &user = m_workspace->user();
    const auto row = addConnection(QStringLiteral("sandbox"), 30, /*brand*/ true);
    m_endpoint->setReply({400, errorJson("invalid_grant")});

    // Nobody holds the brand permission yet: the connection's creator hears of it.
    QCOMPARE(sweepOnce().requiresReauth, 1);
    auto notes = Db::NotificationRepository(db).listForUser(user.tenantId, user.userId);
    QCOMPARE(notes.value().size(), 1);
    QCOMPARE(notes.value().first().connectionId, std::optional<QUuid>(row.id));
}

// DESIGN §2: a brand connection belongs to every user of the tenant who may use brand
// accounts, whether granted to them or to one of their roles; nobody else hears of it.
void TestRefreshScheduler::brandConnectionNotifiesOnlyTheTenantsBrandAccountUsers()
{
    // 1. The signed-in admin, who creates the connection, loses the permission its role had:
    // the creator is told only when nobody holds it.
    Db::Database &db = m_workspace->database();
    const SessionUser &admin = m_workspace->user();
    const std::optional<QUuid> tenant = admin.tenantId;
    const QString use = Contract::kPermissionUseBrandAccounts;
    QSqlQuery revoke(db.handle());
    revoke.prepare(QStringLiteral("DELETE FROM \"AbpPermissionGrants\" WHERE \"Name\" = :Name"));
    revoke.bindValue(QStringLiteral(":Name"), use);
    QVERIFY(revoke.exec());

    // 2. Directly, through a role, not at all (another permission only), and in another tenant.
    const auto direct = insertAbpUser(db, {tenant, QStringLiteral("dora")});
    const auto byRole = insertAbpUser(db, {tenant, QStringLiteral("rolf")});
    const auto without = insertAbpUser(db, {tenant, QStringLiteral("nina")});
    const auto otherTenant = insertAbpTenant(db, QStringLiteral("Elsewhere"));
    QVERIFY(direct && byRole && without && otherTenant);
    const auto elsewhere = insertAbpUser(db, {otherTenant.value(), QStringLiteral("otto")});
    QVERIFY(elsewhere);
    QVERIFY(grantToUser(db, tenant, use, direct.value()).ok());
    QVERIFY(insertAbpRole(db, tenant, QStringLiteral("Brand desk"), byRole.value(), {use}).ok());
    QVERIFY(grantToUser(db, tenant, Contract::kPermissionManageProviders, without.value()).ok());
    QVERIFY(grantToUser(db, otherTenant.value(), use, elsewhere.value()).ok());
    // A role of the same name there: roles and their grants count in their own tenant only.
    QVERIFY(insertAbpRole(db, otherTenant.value(), QStringLiteral("Brand desk"), elsewhere.value(),
                          {use})
                .ok());

    // 3. The refresh token is refused for good.
    const auto row = addConnection(QStringLiteral("sandbox"), 30, /*brand*/ true);
    m_endpoint->setReply({400, errorJson("invalid_grant")});
    QCOMPARE(sweepOnce().requiresReauth, 1);

    // 4. One notification each for the two who may use brand accounts, none for anyone else.
    const auto notesOf = [&db](const std::optional<QUuid> &tenantId, const QUuid &user) {
        auto notes = Db::NotificationRepository(db).listForUser(tenantId, user);
        return notes ? notes.value() : QList<Db::Notification>{};
    };
    for (const QUuid &user : {direct.value(), byRole.value()}) {
        const QList<Db::Notification> notes = notesOf(tenant, user);
        QCOMPARE(notes.size(), 1);
        QCOMPARE(notes.first().connectionId, std::optional<QUuid>(row.id));
        QCOMPARE(notes.first().message,
                 QStringLiteral("Your Sandbox connection needs re-authentication"));
    }
    QVERIFY(notesOf(tenant, without.value()).isEmpty());
    QVERIFY(notesOf(tenant, admin.userId).isEmpty());
    QVERIFY(notesOf(otherTenant.value(), elsewhere.value()).isEmpty());
    QCOMPARE(countRows(db, QStringLiteral("SocialCrmNotifications")), 2);
}

void TestRefreshScheduler::timerModeSweepsRepeatedly()
{
    QSignalSpy finished(m_scheduler.get(), &RefreshScheduler::sweepFinished);
    m_scheduler->start(std::chrono::milliseconds(50));
    QVERIFY(m_scheduler->isActive());
    QTRY_VERIFY(finished.size() >= 3);
    m_scheduler->stop();
    QVERIFY(!m_scheduler->isActive());
}

QTEST_GUILESS_MAIN(TestRefreshScheduler)
#include "tst_refreshscheduler.moc"
