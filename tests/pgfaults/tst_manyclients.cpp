// Many clients on one PostgreSQL CRM database (issue 3 item 7).
//
// 1. Two client processes (easycrm_connectclient) connect the Sandbox provider for the same
//    user at the same moment: each holds at the save step until both are there, then both
//    go. The database's unique index decides: exactly one connection, and the other client
//    reads "This provider is already connected…" with its transaction rolled back cleanly.
// 2. A stale client never overwrites: a disconnect of a connection changed elsewhere since it
//    was shown, and a reconnect whose row changed under it, both end in "changed elsewhere,
//    reloaded" with the other client's row intact (ConcurrencyStamp).
#include "core/crypto/dataprotector.h"
#include "core/db/connectionrepository.h"
#include "core/db/database.h"
#include "core/db/sqlstatement.h"
#include "core/service/connectionservice.h"
#include "core/service/workspace.h"
#include "tests/pgfaults/pgfaultsupport.h"
#include "tests/support/postgrescrm.h"
#include "tests/support/postgrescrmsignin.h"
#include "tests/support/sandboxserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

namespace {

constexpr int kFlowTimeoutMs = 60000;
const QString kConnections = QStringLiteral("SocialCrmIntegrationConnections");
const QString kChangedElsewhere =
    QStringLiteral("This connection was changed elsewhere and has been reloaded; nothing was "
                   "overwritten. Check it and try again.");

// One easycrm_connectclient process and the JSON lines it printed.
class ClientProcess final
{
public:
    void start(const PostgresCrm &crm, const QString &holdAt)
    {
        m_process.setProgram(QStringLiteral(EASYCRM_CONNECT_CLIENT));
        m_process.setArguments({QStringLiteral("--database"), crm.settings.database,
                                QStringLiteral("--tenant"), crm.tenantName,
                                QStringLiteral("--user"), crm.userName, QStringLiteral("--login"),
                                QStringLiteral("alice"), QStringLiteral("--hold-at"), holdAt});
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput, [this] { read(); });
        m_process.start();
    }
    ~ClientProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    bool isHolding() const { return m_holding; }
    void release() { m_process.write("go\n"); }
    bool isDone() const { return !m_outcome.isEmpty(); }
    QJsonObject outcome() const { return m_outcome; }

private:
    void read()
    {
        while (m_process.canReadLine()) {
            const QJsonObject line = QJsonDocument::fromJson(m_process.readLine()).object();
            if (line.contains(u"holding"))
                m_holding = true;
            else if (line.contains(u"outcome"))
                m_outcome = line;
        }
    }

    QProcess m_process;
    bool m_holding = false;
    QJsonObject m_outcome;
};

} // namespace

class TestManyClients final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void twoClientsConnectingAtOnceMakeOneConnection();
    void staleDisconnectReloadsInsteadOfOverwriting();
    void staleReconnectReloadsInsteadOfOverwriting();

private:
    [[nodiscard]] Db::IntegrationConnection storedConnection();
    [[nodiscard]] std::unique_ptr<ConnectionService> makeService();

    SandboxServer m_sandbox;
    SystemClock m_clock;
    std::optional<PostgresCrm> m_crm;
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<Db::Database> m_other; // another client's connection to the same database
};

void TestManyClients::initTestCase()
{
    if (!postgresAvailable())
        QSKIP("needs PostgreSQL: run through tests/db/with-postgres.sh");
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
}

void TestManyClients::init()
{
    auto crm = createPostgresCrm(QStringLiteral("clients"));
    QVERIFY2(crm.ok(), qPrintable(crm.ok() ? QString() : crm.error().detail));
    m_crm = crm.value();
    auto workspace =
        Workspace::openProduction(m_crm->settings, m_clock, fixtureCredentials(*m_crm));
    QVERIFY2(workspace.ok(), qPrintable(workspace.ok() ? QString() : workspace.error().detail));
    m_workspace = std::move(workspace).value();
    SandboxRegistration sandbox;
    sandbox.issuer = m_sandbox.issuer();
    QVERIFY(m_workspace->configureSandbox(sandbox));
    auto other = Db::Database::openPostgres(m_crm->settings);
    QVERIFY(other.ok());
    m_other = std::move(other).value();
    QVERIFY(m_sandbox.resetStats());
}

void TestManyClients::cleanup()
{
    m_workspace.reset();
    m_other.reset();
    if (m_crm)
        QVERIFY(dropPostgresCrm(*m_crm));
    m_crm.reset();
}

std::unique_ptr<ConnectionService> TestManyClients::makeService()
{
    return std::make_unique<ConnectionService>(m_workspace->database(), m_workspace->protector(),
                                               ProviderCatalogue::builtIn(), m_workspace->user(),
                                               m_clock);
}

// The user's connection as the other client reads it.
Db::IntegrationConnection TestManyClients::storedConnection()
{
    const auto found = Db::ConnectionRepository(*m_other).findForUser(
        m_workspace->user().tenantId, m_workspace->user().userId, QStringLiteral("sandbox"));
    if (!found || !found.value())
        return {};
    return *found.value();
}

void TestManyClients::twoClientsConnectingAtOnceMakeOneConnection()
{
    // 1. Both clients sign in on the sandbox's pages and reach the save step.
    ClientProcess first;
    ClientProcess second;
    first.start(*m_crm, QStringLiteral("connection-insert"));
    second.start(*m_crm, QStringLiteral("connection-insert"));
    QTRY_VERIFY_WITH_TIMEOUT(first.isHolding() && second.isHolding(), kFlowTimeoutMs);
    QCOMPARE(countRows(*m_other, kConnections), 0);

    // 2. Released at the same moment.
    first.release();
    second.release();
    QTRY_VERIFY_WITH_TIMEOUT(first.isDone() && second.isDone(), kFlowTimeoutMs);

    // 3. Exactly one connected; the other was told, in words, and ended clean.
    const QList<QJsonObject> outcomes = {first.outcome(), second.outcome()};
    const bool firstWon = outcomes.at(0).value(u"outcome").toString() == u"connected";
    const QJsonObject winner = outcomes.at(firstWon ? 0 : 1);
    const QJsonObject loser = outcomes.at(firstWon ? 1 : 0);
    QCOMPARE(winner.value(u"outcome").toString(), QStringLiteral("connected"));
    QCOMPARE(winner.value(u"handle").toString(), QStringLiteral("alice"));
    QCOMPARE(loser.value(u"outcome").toString(), QStringLiteral("failed"));
    QCOMPARE(loser.value(u"code").toString(), QStringLiteral("AlreadyConnected"));
    QCOMPARE(loser.value(u"message").toString(),
             QStringLiteral("This provider is already connected. Disconnect it first to connect "
                            "another account."));
    for (const QJsonObject &outcome : outcomes) {
        QCOMPARE(outcome.value(u"statusAfter").toString(), QStringLiteral("Connected"));
        QCOMPARE(outcome.value(u"inTransaction").toBool(), false);
    }

    // 4. One connection, one flow's worth of rows: the loser's rolled back entirely.
    QCOMPARE(countRows(*m_other, kConnections), 1);
    QCOMPARE(countRows(*m_other, QStringLiteral("AbpAuditLogs")), 1);
    QCOMPARE(countRows(*m_other, QStringLiteral("AbpAuditLogActions")), 1);
    QCOMPARE(countRows(*m_other, QStringLiteral("AbpEntityChanges")), 1);
    QCOMPARE(countRows(*m_other, QStringLiteral("AbpBackgroundJobs")), 2);
    QCOMPARE(countRows(*m_other, QStringLiteral("SocialCrmConnectionHistory")), 1);
    QCOMPARE(m_sandbox.stats().value(u"token").toInt(), 2); // both really exchanged a code
}

void TestManyClients::staleDisconnectReloadsInsteadOfOverwriting()
{
    // 1. A connection, shown on this client's page.
    Db::IntegrationConnection row;
    row.tenantId = m_workspace->user().tenantId;
    row.ownerUserId = m_workspace->user().userId;
    row.providerKey = QStringLiteral("sandbox");
    row.externalUserId = QStringLiteral("alice-0001");
    row.externalHandle = QStringLiteral("alice");
    row.protectedAccessToken =
        m_workspace->protector().protect(QByteArrayLiteral("first access")).value();
    row.status = Db::ConnectionStatus::Connected;
    row.creationTime = m_clock.nowUtc();
    QVERIFY(Db::ConnectionRepository(*m_other).insert(row));
    auto service = makeService();
    QSignalSpy reloaded(service.get(), &ConnectionService::statusesChanged);
    QSignalSpy failed(service.get(), &ConnectionService::disconnectFailed);
    QSignalSpy finished(service.get(), &ConnectionService::disconnectFinished);
    QVERIFY(service->providerStatuses().ok());

    // 2. Another client refreshes its tokens meanwhile.
    Db::IntegrationConnection changed = storedConnection();
    changed.protectedAccessToken =
        m_workspace->protector().protect(QByteArrayLiteral("second access")).value();
    const auto stamp = Db::ConnectionRepository(*m_other).update(changed, changed.concurrencyStamp);
    QVERIFY(stamp.ok());

    // 3. This client's disconnect changes nothing and reloads.
    service->disconnectProvider(QStringLiteral("sandbox"));
    QCOMPARE(failed.size(), 1);
    const Error error = failed.first().at(1).value<Error>();
    QCOMPARE(error.code, ErrorCode::ConcurrencyConflict);
    QCOMPARE(error.message, kChangedElsewhere);
    QCOMPARE(reloaded.size(), 1);
    QVERIFY(finished.isEmpty());
    const Db::IntegrationConnection kept = storedConnection();
    QCOMPARE(kept.concurrencyStamp, stamp.value());
    QCOMPARE(kept.status, Db::ConnectionStatus::Connected);
    QCOMPARE(m_workspace->protector().unprotect(kept.protectedAccessToken).value(),
             QByteArray("second access"));
    QCOMPARE(countRows(*m_other, QStringLiteral("AbpAuditLogs")), 0);
    QCOMPARE(m_sandbox.stats().value(u"revocation").toInt(), 0);

    // 4. Shown again, the disconnect goes through.
    QVERIFY(service->providerStatuses().ok());
    service->disconnectProvider(QStringLiteral("sandbox"));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kFlowTimeoutMs);
    QCOMPARE(failed.size(), 1);
    QCOMPARE(storedConnection().status, Db::ConnectionStatus::NotConnected);
    QVERIFY(storedConnection().protectedAccessToken.isEmpty());
}

void TestManyClients::staleReconnectReloadsInsteadOfOverwriting()
{
    // 1. A connection that needs re-authentication.
    Db::IntegrationConnection row;
    row.tenantId = m_workspace->user().tenantId;
    row.ownerUserId = m_workspace->user().userId;
    row.providerKey = QStringLiteral("sandbox");
    row.externalUserId = QStringLiteral("alice-0001");
    row.externalHandle = QStringLiteral("alice");
    row.status = Db::ConnectionStatus::RequiresReauth;
    row.creationTime = m_clock.nowUtc();
    QVERIFY(Db::ConnectionRepository(*m_other).insert(row));

    // 2. This client reconnects; right before its update, another client repairs the row.
    auto service = makeService();
    QNetworkAccessManager browser;
    service->setBrowserOpener([&browser](const QUrl &url) {
        QNetworkRequest request(url);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                             QNetworkRequest::NoLessSafeRedirectPolicy);
        QNetworkReply *reply = browser.get(request);
        QObject::connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
        return true;
    });
    QString otherStamp;
    service->setStepHook([&](const QString &step) {
        if (step != u"connection-update")
            return;
        Db::IntegrationConnection repaired = storedConnection();
        repaired.status = Db::ConnectionStatus::Connected;
        repaired.protectedAccessToken =
            m_workspace->protector().protect(QByteArrayLiteral("other client's access")).value();
        const auto stamp =
            Db::ConnectionRepository(*m_other).update(repaired, repaired.concurrencyStamp);
        otherStamp = stamp ? stamp.value() : QString();
    });
    QSignalSpy failed(service.get(), &ConnectionService::connectFailed);
    QSignalSpy reloaded(service.get(), &ConnectionService::statusesChanged);
    QVERIFY(m_sandbox.nextInteraction(QStringLiteral("alice"), QStringLiteral("approve")));
    service->startConnect(QStringLiteral("sandbox"));
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, kFlowTimeoutMs);

    // 3. Told, reloaded, and the other client's row is intact; no partial flow.
    const Error error = failed.first().at(1).value<Error>();
    QCOMPARE(error.code, ErrorCode::ConcurrencyConflict);
    QCOMPARE(error.message, kChangedElsewhere);
    QCOMPARE(reloaded.size(), 1);
    QVERIFY(!otherStamp.isEmpty());
    const Db::IntegrationConnection kept = storedConnection();
    QCOMPARE(kept.concurrencyStamp, otherStamp);
    QCOMPARE(m_workspace->protector().unprotect(kept.protectedAccessToken).value(),
             QByteArray("other client's access"));
    QCOMPARE(countRows(*m_other, QStringLiteral("AbpAuditLogs")), 0);
    QCOMPARE(countRows(*m_other, QStringLiteral("AbpBackgroundJobs")), 0);
    QCOMPARE(countRows(*m_other, QStringLiteral("SocialCrmConnectionHistory")), 0);
    QCOMPARE(service->phase(), FlowPhase::Idle);
}

QTEST_GUILESS_MAIN(TestManyClients)
#include "tst_manyclients.moc"
