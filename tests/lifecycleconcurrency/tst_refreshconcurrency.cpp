// Many clients refreshing one CRM database (issue 4, "Many clients"): 4 client processes
// (easycrm_refreshclient) share one PostgreSQL CRM database holding 200 Sandbox connections
// whose refresh tokens rotate and are single use at the sandbox (a reused one ends the grant,
// RFC 9700 §4.14.2). Each process sweeps every round; the sandbox's access tokens live 62 s
// and the catalogue refreshes 60 s ahead, so every connection is due again 2 s after each
// refresh and the clients keep meeting each other on the same rows.
//
// 1. 200 real grants (sandbox/grants.mjs: a whole code flow each), stored as brand
//    connections with protected tokens, expiring now.
// 2. 4 processes x kRounds sweeps, started together.
// 3. Then: no client failed or saw Requires Re-auth, every row is Connected with no outbox
//    event or notification, the sandbox saw each refresh token at most once and exactly the
//    refreshes the clients stored, every stored refresh token is the live end of its chain,
//    and every connection went through several rounds.
#include "core/db/database.h"
#include "core/db/sqlstatement.h"
#include "core/service/workspace.h"
#include "tests/lifecycleconcurrency/refreshfleet.h"
#include "tests/support/postgrescrm.h"
#include "tests/support/postgrescrmsignin.h"
#include "tests/support/sandboxserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <memory>
#include <optional>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

namespace {

constexpr int kConnections = 200;
constexpr int kClients = 4;
constexpr int kRounds = 6;
constexpr int kRoundMs = 2500;
constexpr int kAccessTokenTtl = 62; // the catalogue's lead for the Sandbox is 60 s
constexpr int kClientTimeoutMs = 180000;

int countRows(Db::Database &db, const QString &table, const QString &where = {})
{
    Db::SqlStatement st(db, QStringLiteral("test.count"));
    st.prepare(QStringLiteral("SELECT COUNT(*) FROM \"%1\"").arg(table) +
               (where.isEmpty() ? QString() : u" WHERE "_qs + where));
    if (!st.exec() || !st.next())
        return -1;
    return st.query().value(0).toInt();
}

} // namespace

class TestRefreshConcurrency final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void fourClientsRotateTwoHundredTokensWithoutLosingOne();

private:
    [[nodiscard]] std::unique_ptr<QProcess> startClient();
    [[nodiscard]] static QJsonObject outcomeOf(QProcess &client);

    SandboxServer m_sandbox;
    SystemClock m_clock;
    std::optional<PostgresCrm> m_crm;
    std::unique_ptr<Workspace> m_workspace;
};

void TestRefreshConcurrency::initTestCase()
{
    if (!postgresAvailable())
        QSKIP("needs PostgreSQL: run through tests/db/with-postgres.sh");
    QVERIFY2(
        m_sandbox.start({QStringLiteral("--access-token-ttl"), QString::number(kAccessTokenTtl)}),
        qPrintable(m_sandbox.errorString()));
    auto crm = createPostgresCrm(QStringLiteral("refreshfleet"));
    QVERIFY2(crm.ok(), qPrintable(crm.ok() ? QString() : crm.error().detail));
    m_crm = crm.value();
    auto workspace =
        Workspace::openProduction(m_crm->settings, m_clock, fixtureCredentials(*m_crm));
    QVERIFY2(workspace.ok(), qPrintable(workspace.ok() ? QString() : workspace.error().detail));
    m_workspace = std::move(workspace).value();
    SandboxRegistration sandbox;
    sandbox.issuer = m_sandbox.issuer();
    QVERIFY(m_workspace->configureSandbox(sandbox));
}

void TestRefreshConcurrency::cleanupTestCase()
{
    m_workspace.reset();
    if (m_crm)
        QVERIFY(dropPostgresCrm(*m_crm));
}

std::unique_ptr<QProcess> TestRefreshConcurrency::startClient()
{
    auto client = std::make_unique<QProcess>();
    client->setProgram(QStringLiteral(EASYCRM_REFRESH_CLIENT));
    client->setArguments({QStringLiteral("--database"), m_crm->settings.database,
                          QStringLiteral("--rounds"), QString::number(kRounds),
                          QStringLiteral("--round-ms"), QString::number(kRoundMs)});
    client->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    client->start();
    return client;
}

QJsonObject TestRefreshConcurrency::outcomeOf(QProcess &client)
{
    if (!client.waitForFinished(kClientTimeoutMs)) {
        client.kill();
        client.waitForFinished(5000);
        return {};
    }
    return QJsonDocument::fromJson(client.readAllStandardOutput().trimmed()).object();
}

void TestRefreshConcurrency::fourClientsRotateTwoHundredTokensWithoutLosingOne()
{
    // 1. Real grants, stored as due connections.
    auto grants = makeSandboxGrants(m_sandbox, kConnections);
    QVERIFY2(grants.ok(), qPrintable(grants.ok() ? QString() : grants.error().detail));
    auto ids = insertBrandConnections(*m_workspace, grants.value(), m_clock.nowUtc());
    QVERIFY2(ids.ok(), qPrintable(ids.ok() ? QString() : ids.error().detail));
    QVERIFY(m_sandbox.resetStats());

    // 2. Four clients, sweeping round after round.
    std::vector<std::unique_ptr<QProcess>> clients;
    for (int i = 0; i < kClients; ++i)
        clients.push_back(startClient());
    int refreshed = 0;
    int contended = 0; // rows another client held or had refreshed first
    for (const auto &client : clients) {
        const QJsonObject outcome = outcomeOf(*client);
        QVERIFY2(outcome.value(u"rounds").toInt() == kRounds,
                 QJsonDocument(outcome).toJson(QJsonDocument::Compact).constData());
        QCOMPARE(outcome.value(u"reauth").toInt(), 0);
        QCOMPARE(outcome.value(u"failed").toInt(), 0);
        QCOMPARE(outcome.value(u"transient").toInt(), 0);
        refreshed += outcome.value(u"refreshed").toInt();
        contended += outcome.value(u"elsewhere").toInt() + outcome.value(u"busy").toInt();
    }

    // 3a. No false Requires Re-auth, anywhere it would show.
    Db::Database &db = m_workspace->database();
    const QString connections = QStringLiteral("SocialCrmIntegrationConnections");
    QCOMPARE(countRows(db, connections, QStringLiteral("\"Status\" = 1")), kConnections);
    QCOMPARE(countRows(db, QStringLiteral("AbpEventOutbox")), 0);
    QCOMPARE(countRows(db, QStringLiteral("SocialCrmNotifications")), 0);

    // 3b. Each refresh token presented at most once, and each presentation stored.
    const RefreshReuse reuse = refreshReuse(m_sandbox.issuer());
    QCOMPARE(reuse.reused, 0);
    QCOMPARE(reuse.maxUses, 1);
    QCOMPARE(reuse.presented, refreshed);
    const int sandboxRefreshes =
        m_sandbox.stats().value(u"token_by_grant").toObject().value(u"refresh_token").toInt(-1);
    QCOMPARE(sandboxRefreshes, refreshed);

    // 3c. No lost token: every stored refresh token is the one the sandbox issued last.
    auto stored = storedRefreshTokens(*m_workspace);
    QVERIFY(stored.ok());
    QCOMPARE(stored.value().size(), kConnections);
    const RefreshTokenState state = refreshTokenState(m_sandbox.issuer(), stored.value());
    QCOMPARE(state.live, kConnections);
    QCOMPARE(state.spent, 0);
    QCOMPARE(state.unknown, 0);

    // 3d. Several rounds: each connection rotated at least three times on average, and none
    // kept its first token.
    QVERIFY2(refreshed >= 3 * kConnections, qPrintable(QString::number(refreshed)));
    for (const SandboxGrant &grant : grants.value())
        QVERIFY(!stored.value().contains(grant.refreshToken));
    qInfo("%d refreshes by %d clients over %d connections, %d met another client first", refreshed,
          kClients, kConnections, contended);

    // 3e. The clients really raced: each round the others found most rows held or refreshed
    // already. Clients that ran one after another would prove none of the above.
    QVERIFY2(contended >= kConnections, qPrintable(QString::number(contended)));
}

QTEST_GUILESS_MAIN(TestRefreshConcurrency)
#include "tst_refreshconcurrency.moc"
