// The token lifecycle end to end (issue 4): the real sandbox OAuth server with rotating,
// single-use refresh tokens, the real loopback listener and scripted browser for connects,
// the refresh scheduler, and the embedded CRM database (a CRM server's PostgreSQL database
// under tests/db/with-postgres.sh). "Due" comes from an injected clock, so nothing waits for
// a token to age; the sandbox's tokens stay valid in real time.
#include "core/crypto/dataprotector.h"
#include "core/db/connectionhistoryrepository.h"
#include "core/db/connectionrepository.h"
#include "core/db/database.h"
#include "core/db/notificationrepository.h"
#include "core/db/providerconfigrepository.h"
#include "core/service/connectionservice.h"
#include "core/service/refreshscheduler.h"
#include "core/service/workspace.h"
#include "tests/lifecycle/faketokenendpoint.h"
#include "tests/support/sandboxserver.h"
#include "tests/support/sandboxworkspace.h"
#include "tests/support/scriptedbrowser.h"

#include <QScopeGuard>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

namespace {

constexpr int kFlowTimeoutMs = 30000;
constexpr int kAccessTokenTtl = 120; // the sandbox's; the catalogue's lead is 60 s

int countRows(Db::Database &db, const QString &table, const QString &where = {})
{
    QSqlQuery query(db.handle());
    const QString sql = QStringLiteral("SELECT COUNT(*) FROM \"%1\"").arg(table) +
                        (where.isEmpty() ? QString() : u" WHERE "_qs + where);
    if (!query.exec(sql) || !query.next())
        return -1;
    return query.value(0).toInt();
}

} // namespace

class TestTokenLifecycle final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void tokenIsRefreshedBeforeItExpires();
    void refreshWithoutRefreshTokenKeepsTheOldOne();
    void revokedGrantRequiresReauthOnce();
    void reconnectRepairsTheSameRow();
    void reconnectAsAnotherUserIsRefused();
    void disconnectRevokesAndAudits();
    void transientFailureKeepsTokensAndConnected();

private:
    [[nodiscard]] bool connectAs(const QString &login);
    [[nodiscard]] Db::IntegrationConnection connection();
    [[nodiscard]] SweepSummary sweepOnce();
    [[nodiscard]] bool degradeByRevocation();
    [[nodiscard]] bool pointTokenEndpointAt(const QUrl &url);
    [[nodiscard]] int refreshRequests();
    [[nodiscard]] QList<Db::ConnectionHistoryEntry> history(const QUuid &connectionId);

    SandboxServer m_sandbox;
    QTemporaryDir m_dir;
    std::unique_ptr<ManualClock> m_clock;
    std::optional<PostgresCrm> m_crm; // under with-postgres.sh
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<ConnectionService> m_service;
    std::unique_ptr<RefreshScheduler> m_scheduler;
    std::unique_ptr<ScriptedBrowser> m_browser;
    Error m_lastFailure;
    int m_run = 0;
};

void TestTokenLifecycle::initTestCase()
{
    QVERIFY2(
        m_sandbox.start({QStringLiteral("--access-token-ttl"), QString::number(kAccessTokenTtl)}),
        qPrintable(m_sandbox.errorString()));
    QVERIFY(m_dir.isValid());
}

void TestTokenLifecycle::init()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_clock = std::make_unique<ManualClock>(now.addMSecs(-now.time().msec()));
    SandboxRegistration sandbox;
    sandbox.issuer = m_sandbox.issuer();
    const QString path = m_dir.filePath(QStringLiteral("crm-%1.sqlite").arg(++m_run));
    auto workspace = openSandboxWorkspace(path, QStringLiteral("tokenlifecycle_%1").arg(m_run),
                                          *m_clock, sandbox, m_crm);
    QVERIFY2(workspace.ok(), qPrintable(workspace.ok() ? QString() : workspace.error().detail));
    m_workspace = std::move(workspace).value();
    m_service = std::make_unique<ConnectionService>(
        m_workspace->database(), m_workspace->protector(), ProviderCatalogue::builtIn(),
        m_workspace->user(), *m_clock);
    m_scheduler = std::make_unique<RefreshScheduler>(
        m_workspace->database(), m_workspace->protector(), ProviderCatalogue::builtIn(), *m_clock);
    m_browser = std::make_unique<ScriptedBrowser>();
    m_service->setBrowserOpener(m_browser->opener());
    QVERIFY(m_sandbox.resetStats());
}

void TestTokenLifecycle::cleanup()
{
    m_scheduler.reset();
    m_service.reset();
    m_browser.reset();
    m_workspace.reset();
    if (m_crm)
        QVERIFY(dropPostgresCrm(*m_crm).ok());
    m_crm.reset();
}

bool TestTokenLifecycle::connectAs(const QString &login)
{
    QSignalSpy succeeded(m_service.get(), &ConnectionService::connectSucceeded);
    QSignalSpy failed(m_service.get(), &ConnectionService::connectFailed);
    m_lastFailure = Error{};
    m_browser->setArguments({QStringLiteral("--login"), login, QStringLiteral("--decision"),
                             QStringLiteral("approve")});
    m_service->startConnect(QStringLiteral("sandbox"));
    if (!succeeded.wait(kFlowTimeoutMs) && failed.isEmpty())
        m_lastFailure = makeError(ErrorCode::Timeout, QStringLiteral("no connect outcome"));
    if (!failed.isEmpty())
        m_lastFailure = failed.first().at(1).value<Error>();
    return !succeeded.isEmpty();
}

Db::IntegrationConnection TestTokenLifecycle::connection()
{
    const SessionUser &user = m_workspace->user();
    auto found = Db::ConnectionRepository(m_workspace->database())
                     .findForUser(user.tenantId, user.userId, QStringLiteral("sandbox"));
    return found && found.value() ? *found.value() : Db::IntegrationConnection{};
}

SweepSummary TestTokenLifecycle::sweepOnce()
{
    QSignalSpy finished(m_scheduler.get(), &RefreshScheduler::sweepFinished);
    m_scheduler->sweep();
    if (!finished.wait(kFlowTimeoutMs))
        return SweepSummary{-1};
    return finished.first().first().value<SweepSummary>();
}

int TestTokenLifecycle::refreshRequests()
{
    return m_sandbox.stats().value(u"token_by_grant").toObject().value(u"refresh_token").toInt(-1);
}

QList<Db::ConnectionHistoryEntry> TestTokenLifecycle::history(const QUuid &connectionId)
{
    auto entries =
        Db::ConnectionHistoryRepository(m_workspace->database()).listForConnection(connectionId);
    return entries ? entries.value() : QList<Db::ConnectionHistoryEntry>{};
}

bool TestTokenLifecycle::degradeByRevocation()
{
    if (!connectAs(QStringLiteral("alice")) || !m_sandbox.revokeGrants(QStringLiteral("alice")))
        return false;
    m_clock->advance(kAccessTokenTtl);
    return sweepOnce().requiresReauth == 1;
}

bool TestTokenLifecycle::pointTokenEndpointAt(const QUrl &url)
{
    Db::ProviderConfigRepository configs(m_workspace->database());
    auto config = configs.find(m_workspace->user().tenantId, QStringLiteral("sandbox"));
    if (!config || !config.value())
        return false;
    Db::ProviderConfig changed = *config.value();
    changed.tokenEndpoint = url.toString();
    changed.lastModificationTime = m_clock->nowUtc();
    return configs.upsert(changed).ok();
}

void TestTokenLifecycle::tokenIsRefreshedBeforeItExpires()
{
    // 1. Connected with a 120 s access token: not due until 60 s before it expires.
    QVERIFY2(connectAs(QStringLiteral("alice")), qPrintable(m_lastFailure.message));
    const Db::IntegrationConnection connected = connection();
    QCOMPARE(connected.accessTokenExpiresAt, m_clock->nowUtc().addSecs(kAccessTokenTtl));
    QCOMPARE(sweepOnce().due, 0);
    m_clock->advance(kAccessTokenTtl - 61);
    QCOMPARE(sweepOnce().due, 0);
    QCOMPARE(refreshRequests(), 0);

    // 2. One second later it is due, and refreshed while still valid.
    m_clock->advance(1);
    const SweepSummary first = sweepOnce();
    QCOMPARE(first.refreshed, 1);
    QCOMPARE(refreshRequests(), 1);
    const Db::IntegrationConnection refreshed = connection();
    QCOMPARE(refreshed.id, connected.id);
    QCOMPARE(refreshed.status, Db::ConnectionStatus::Connected);
    QCOMPARE(refreshed.accessTokenExpiresAt, m_clock->nowUtc().addSecs(kAccessTokenTtl));
    QVERIFY(refreshed.protectedAccessToken != connected.protectedAccessToken);
    QVERIFY(refreshed.protectedRefreshToken != connected.protectedRefreshToken);
    const QByteArray rotated =
        m_workspace->protector().unprotect(refreshed.protectedRefreshToken).value();
    QVERIFY(rotated != m_sandbox.lastExchange().value(u"refreshToken").toString().toUtf8());

    // 3. The rotated token is the live one: the next round succeeds with it, so the spent
    // one was never presented again (the sandbox would have ended the grant).
    m_clock->advance(kAccessTokenTtl);
    QCOMPARE(sweepOnce().refreshed, 1);
    QCOMPARE(refreshRequests(), 2);
    QCOMPARE(connection().status, Db::ConnectionStatus::Connected);
}

// Google's refresh responses carry no refresh_token: the one held stays the one to use.
void TestTokenLifecycle::refreshWithoutRefreshTokenKeepsTheOldOne()
{
    QVERIFY2(connectAs(QStringLiteral("alice")), qPrintable(m_lastFailure.message));
    const Db::IntegrationConnection connected = connection();
    const QByteArray issued = m_sandbox.lastExchange().value(u"refreshToken").toString().toUtf8();
    QVERIFY(!issued.isEmpty());
    QVERIFY(m_sandbox.configure({{QStringLiteral("refreshTokenRotation"), u"reuse"_qs}}));
    const auto rotateAgain = qScopeGuard([this] {
        if (!m_sandbox.configure({{QStringLiteral("refreshTokenRotation"), u"rotate"_qs}}))
            qWarning("The sandbox kept reusing refresh tokens");
    });

    // Two rounds: each stores a new access token and keeps the refresh token it had.
    for (int round = 1; round <= 2; ++round) {
        m_clock->advance(kAccessTokenTtl);
        QCOMPARE(sweepOnce().refreshed, 1);
        QCOMPARE(refreshRequests(), round);
        const Db::IntegrationConnection refreshed = connection();
        QCOMPARE(refreshed.status, Db::ConnectionStatus::Connected);
        QVERIFY(refreshed.protectedAccessToken != connected.protectedAccessToken);
        QVERIFY(!refreshed.protectedRefreshToken.isEmpty());
        QCOMPARE(m_workspace->protector().unprotect(refreshed.protectedRefreshToken).value(),
                 issued);
    }
    QCOMPARE(m_sandbox.refreshStatus(QString::fromUtf8(issued)), 200);
}

void TestTokenLifecycle::revokedGrantRequiresReauthOnce()
{
    // 1. The grant ends at the provider; the next refresh learns it.
    QVERIFY2(connectAs(QStringLiteral("alice")), qPrintable(m_lastFailure.message));
    QSignalSpy degraded(m_scheduler.get(), &RefreshScheduler::connectionDegraded);
    QVERIFY(m_sandbox.revokeGrants(QStringLiteral("alice")));
    m_clock->advance(kAccessTokenTtl);
    QCOMPARE(sweepOnce().requiresReauth, 1);

    // 2. Requires Re-auth, one event, one notification for the owner.
    Db::Database &db = m_workspace->database();
    const Db::IntegrationConnection row = connection();
    QCOMPARE(row.status, Db::ConnectionStatus::RequiresReauth);
    QCOMPARE(row.statusReason, QStringLiteral("RefreshTokenRejected"));
    QCOMPARE(countRows(db, QStringLiteral("AbpEventOutbox"),
                       QStringLiteral("\"EventName\" = 'SocialConnectionDegraded'")),
             1);
    auto notes = Db::NotificationRepository(db).listForUser(m_workspace->user().tenantId,
                                                            m_workspace->user().userId);
    QVERIFY(notes.ok());
    QCOMPARE(notes.value().size(), 1);
    QCOMPARE(notes.value().first().message,
             QStringLiteral("Your Sandbox connection needs re-authentication"));
    QCOMPARE(degraded.size(), 1);

    // 3. A second sweep neither asks the sandbox again nor repeats the news.
    const int requests = refreshRequests();
    m_clock->advance(kAccessTokenTtl);
    QCOMPARE(sweepOnce().due, 0);
    QCOMPARE(refreshRequests(), requests);
    QCOMPARE(countRows(db, QStringLiteral("AbpEventOutbox")), 1);
    QCOMPARE(countRows(db, QStringLiteral("SocialCrmNotifications")), 1);
    QCOMPARE(degraded.size(), 1);
}

void TestTokenLifecycle::reconnectRepairsTheSameRow()
{
    QVERIFY(degradeByRevocation());
    const Db::IntegrationConnection degraded = connection();
    // Connected, then Requires Re-auth: what support staff read back later.
    const QList<Db::ConnectionHistoryEntry> before = history(degraded.id);
    QCOMPARE(before.size(), 2);

    // Reconnect is the connect flow on the same row: same id, Connected again, fresh tokens
    // that refresh, and a catch-up mention backfill.
    QVERIFY2(connectAs(QStringLiteral("alice")), qPrintable(m_lastFailure.message));
    const Db::IntegrationConnection repaired = connection();
    QCOMPARE(repaired.id, degraded.id);
    QCOMPARE(repaired.status, Db::ConnectionStatus::Connected);
    QVERIFY(repaired.statusReason.isEmpty());

    // The history is kept, not restarted: every earlier entry as it was, and the repair.
    const QList<Db::ConnectionHistoryEntry> after = history(degraded.id);
    QCOMPARE(after.size(), before.size() + 1);
    QList<Db::ConnectionHistoryEntry> added = after;
    for (const Db::ConnectionHistoryEntry &earlier : before) {
        const auto kept = std::find_if(added.cbegin(), added.cend(),
                                       [&earlier](const auto &e) { return e.id == earlier.id; });
        QVERIFY2(kept != added.cend(), qPrintable(u"lost "_qs + earlier.reason));
        QCOMPARE(kept->fromStatus, earlier.fromStatus);
        QCOMPARE(kept->toStatus, earlier.toStatus);
        QCOMPARE(kept->reason, earlier.reason);
        QCOMPARE(kept->creationTime, earlier.creationTime);
        added.erase(kept);
    }
    QCOMPARE(added.size(), 1);
    QCOMPARE(added.first().fromStatus, Db::ConnectionStatus::RequiresReauth);
    QCOMPARE(added.first().toStatus, Db::ConnectionStatus::Connected);
    QCOMPARE(countRows(m_workspace->database(), QStringLiteral("SocialCrmIntegrationConnections")),
             1);
    QCOMPARE(countRows(m_workspace->database(), QStringLiteral("AbpBackgroundJobs"),
                       QStringLiteral("\"JobName\" LIKE '%MentionBackfill%'")),
             2);
    m_clock->advance(kAccessTokenTtl);
    QCOMPARE(sweepOnce().refreshed, 1);
}

void TestTokenLifecycle::reconnectAsAnotherUserIsRefused()
{
    QVERIFY(degradeByRevocation());
    const Db::IntegrationConnection degraded = connection();

    QVERIFY(!connectAs(QStringLiteral("bob")));
    QCOMPARE(m_lastFailure.code, ErrorCode::IdentityMismatch);
    QVERIFY(m_lastFailure.message.contains(u"@alice"));
    const Db::IntegrationConnection after = connection();
    QCOMPARE(after.status, Db::ConnectionStatus::RequiresReauth);
    QCOMPARE(after.externalUserId, QStringLiteral("alice-0001"));
    QCOMPARE(after.protectedAccessToken, degraded.protectedAccessToken);
}

void TestTokenLifecycle::disconnectRevokesAndAudits()
{
    QVERIFY2(connectAs(QStringLiteral("alice")), qPrintable(m_lastFailure.message));
    // Refresh once, so what is revoked is the rotated token the database holds.
    m_clock->advance(kAccessTokenTtl);
    QCOMPARE(sweepOnce().refreshed, 1);
    const QByteArray stored =
        m_workspace->protector().unprotect(connection().protectedRefreshToken).value();

    QSignalSpy finished(m_service.get(), &ConnectionService::disconnectFinished);
    m_service->disconnectProvider(QStringLiteral("sandbox"));
    QVERIFY(finished.wait(kFlowTimeoutMs));
    QVERIFY2(!finished.first().at(1).value<Error>().isError(),
             qPrintable(finished.first().at(1).value<Error>().message));

    // The sandbox no longer accepts the token; the row keeps its history, not its tokens.
    QCOMPARE(m_sandbox.refreshStatus(QString::fromUtf8(stored)), 400);
    const Db::IntegrationConnection row = connection();
    QCOMPARE(row.status, Db::ConnectionStatus::NotConnected);
    QVERIFY(row.protectedRefreshToken.isEmpty());
    QCOMPARE(countRows(m_workspace->database(), QStringLiteral("AbpAuditLogActions"),
                       QStringLiteral("\"MethodName\" = 'SocialConnectionRevoked'")),
             1);
    QCOMPARE(sweepOnce().due, 0);
}

void TestTokenLifecycle::transientFailureKeepsTokensAndConnected()
{
    QVERIFY2(connectAs(QStringLiteral("alice")), qPrintable(m_lastFailure.message));
    const Db::IntegrationConnection connected = connection();

    // 1. The token endpoint answers 503: nothing is lost, nothing is said.
    FakeTokenEndpoint unavailable;
    QVERIFY(unavailable.listen());
    unavailable.setReply({503, QByteArray("{\"error\":\"temporarily_unavailable\"}")});
    QVERIFY(pointTokenEndpointAt(unavailable.issuer().resolved(QUrl(QStringLiteral("/token")))));
    m_clock->advance(kAccessTokenTtl - 60);
    QCOMPARE(sweepOnce().transientFailures, 1);
    QCOMPARE(unavailable.bodies().size(), 1);
    Db::IntegrationConnection row = connection();
    QCOMPARE(row.status, Db::ConnectionStatus::Connected);
    QCOMPARE(row.protectedRefreshToken, connected.protectedRefreshToken);
    QCOMPARE(row.protectedAccessToken, connected.protectedAccessToken);
    QCOMPARE(row.refreshFailureCount, 1);
    QCOMPARE(countRows(m_workspace->database(), QStringLiteral("SocialCrmNotifications")), 0);

    // 2. Once the endpoint is back, the kept refresh token still works at the sandbox.
    QVERIFY(pointTokenEndpointAt(m_sandbox.issuer().resolved(QUrl(QStringLiteral("/token")))));
    m_clock->advance(60);
    QCOMPARE(sweepOnce().refreshed, 1);
    row = connection();
    QCOMPARE(row.refreshFailureCount, 0);
    QCOMPARE(row.status, Db::ConnectionStatus::Connected);
}

QTEST_GUILESS_MAIN(TestTokenLifecycle)
#include "tst_tokenlifecycle.moc"
