// Atomic connect flows on PostgreSQL (DESIGN §6, issue 3 item 6). Right before each database
// step of the connect flow the server ends the client's session (pg_terminate_backend from a
// second connection, as an administrator or a server restart would). Whatever the step:
// nothing partial is left (no connection, no orphan audit, job or history row), the person
// reads one clear message, the attempt ends (Idle, loopback listener closed), and the next
// attempt succeeds on a reopened session.
//
// The browser: the sandbox approves the next authorization by itself (next-interaction), and a
// QNetworkAccessManager follows the redirects from the authorize URL to the loopback listener.
#include "core/db/database.h"
#include "core/db/sqlstatement.h"
#include "core/service/connectionservice.h"
#include "core/service/workspace.h"
#include "tests/pgfaults/pgfaultsupport.h"
#include "tests/support/postgrescrm.h"
#include "tests/support/postgrescrmsignin.h"
#include "tests/support/sandboxserver.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

namespace {

constexpr int kFlowTimeoutMs = 30000;

const QString kLostMessage = QStringLiteral("The connection to the CRM database was lost. "
                                            "Try again.");
const QString kConnections = QStringLiteral("SocialCrmIntegrationConnections");

// Every table a connect writes, with the rows one successful connect leaves there.
const QList<std::pair<QString, int>> &flowTables()
{
    static const QList<std::pair<QString, int>> tables = {
        {kConnections, 1},
        {QStringLiteral("AbpAuditLogs"), 1},
        {QStringLiteral("AbpAuditLogActions"), 1},
        {QStringLiteral("AbpEntityChanges"), 1},
        {QStringLiteral("AbpBackgroundJobs"), 2},
        {QStringLiteral("SocialCrmConnectionHistory"), 1}};
    return tables;
}

QVariantMap readRow(Db::Database &db, const QString &table)
{
    QSqlQuery query(db.handle());
    if (!query.exec(QStringLiteral("SELECT * FROM \"%1\"").arg(table)) || !query.next())
        return {};
    QVariantMap row;
    for (int i = 0; i < query.record().count(); ++i)
        row.insert(query.record().fieldName(i), query.value(i));
    return row;
}

QStringList auditActions(Db::Database &db)
{
    QSqlQuery query(db.handle());
    QStringList actions;
    if (!query.exec(QStringLiteral("SELECT \"MethodName\" FROM \"AbpAuditLogActions\" "
                                   "ORDER BY \"ExecutionTime\"")))
        return {QStringLiteral("<query failed>")};
    while (query.next())
        actions << query.value(0).toString();
    return actions;
}

} // namespace

class TestConnectFaults final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void lostConnectionAtEachStepLeavesNothing_data();
    void lostConnectionAtEachStepLeavesNothing();
    void lostConnectionDuringReconnectKeepsTheOldRow();

private:
    void startAttempt();
    [[nodiscard]] bool browse(const QUrl &url);
    void expectLostConnectionFailure(const QString &step);
    void expectNextAttemptSucceeds(int expectedReopens);

    SandboxServer m_sandbox;
    SystemClock m_clock;
    std::optional<PostgresCrm> m_crm;
    std::unique_ptr<Db::Database> m_admin; // the second connection that ends sessions
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<ConnectionService> m_service;
    std::unique_ptr<QNetworkAccessManager> m_browser;
    std::unique_ptr<QSignalSpy> m_succeeded;
    std::unique_ptr<QSignalSpy> m_failed;
    QString m_faultAt;         // the step whose session ends; empty: none
    bool m_terminated = false; // the session did end there
    QList<quint16> m_listeningAtFault;
};

void TestConnectFaults::initTestCase()
{
    if (!postgresAvailable())
        QSKIP("needs PostgreSQL: run through tests/db/with-postgres.sh");
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
}

void TestConnectFaults::init()
{
    auto crm = createPostgresCrm(QStringLiteral("faults"));
    QVERIFY2(crm.ok(), qPrintable(crm.ok() ? QString() : crm.error().detail));
    m_crm = crm.value();
    auto workspace =
        Workspace::openProduction(m_crm->settings, m_clock, fixtureCredentials(*m_crm));
    QVERIFY2(workspace.ok(), qPrintable(workspace.ok() ? QString() : workspace.error().detail));
    m_workspace = std::move(workspace).value();
    SandboxRegistration sandbox;
    sandbox.issuer = m_sandbox.issuer();
    QVERIFY(m_workspace->configureSandbox(sandbox));
    auto admin = Db::Database::openPostgres(m_crm->settings);
    QVERIFY(admin.ok());
    m_admin = std::move(admin).value();

    m_service = std::make_unique<ConnectionService>(
        m_workspace->database(), m_workspace->protector(), ProviderCatalogue::builtIn(),
        m_workspace->user(), m_clock);
    m_browser = std::make_unique<QNetworkAccessManager>();
    m_service->setBrowserOpener([this](const QUrl &url) { return browse(url); });
    m_faultAt.clear();
    m_terminated = false;
    m_listeningAtFault.clear();
    m_service->setStepHook([this](const QString &step) {
        if (step != m_faultAt || m_terminated)
            return;
        m_listeningAtFault = listeningPortsOfThisProcess();
        m_terminated = terminateBackend(*m_admin, backendPid(m_workspace->database()));
    });
    m_succeeded =
        std::make_unique<QSignalSpy>(m_service.get(), &ConnectionService::connectSucceeded);
    m_failed = std::make_unique<QSignalSpy>(m_service.get(), &ConnectionService::connectFailed);
}

void TestConnectFaults::cleanup()
{
    m_succeeded.reset();
    m_failed.reset();
    m_service.reset();
    m_browser.reset();
    m_workspace.reset();
    m_admin.reset();
    if (m_crm)
        QVERIFY(dropPostgresCrm(*m_crm));
    m_crm.reset();
}

bool TestConnectFaults::browse(const QUrl &url)
{
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::NoLessSafeRedirectPolicy);
    QNetworkReply *reply = m_browser->get(request);
    connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
    return true;
}

void TestConnectFaults::startAttempt()
{
    QVERIFY(m_sandbox.nextInteraction(QStringLiteral("alice"), QStringLiteral("approve")));
    m_service->startConnect(QStringLiteral("sandbox"));
}

void TestConnectFaults::expectLostConnectionFailure(const QString &step)
{
    QTRY_COMPARE_WITH_TIMEOUT(m_failed->size(), 1, kFlowTimeoutMs);
    QVERIFY2(m_terminated, "the session was not ended at the step");
    QVERIFY(m_succeeded->isEmpty());
    const Error error = m_failed->first().at(1).value<Error>();
    QCOMPARE(error.code, ErrorCode::DatabaseError);
    QCOMPARE(error.message, kLostMessage);
    QCOMPARE(m_service->phase(), FlowPhase::Idle);
    // No listener outlives the attempt. Before the callback it was certainly open, which
    // shows that the check sees one.
    if (step == u"pending-insert" || step == u"state-consume")
        QVERIFY(!m_listeningAtFault.isEmpty());
    QCOMPARE(listeningPortsOfThisProcess(), QList<quint16>());
    // A storage failure is not a security event (the sign-in's row is the only one).
    QCOMPARE(countRows(*m_admin, QStringLiteral("AbpSecurityLogs"),
                       QStringLiteral("\"Identity\" <> 'Identity'")),
             0);
}

void TestConnectFaults::expectNextAttemptSucceeds(int expectedReopens)
{
    m_faultAt.clear();
    m_failed->clear();
    startAttempt();
    QVERIFY(m_succeeded->wait(kFlowTimeoutMs) || !m_succeeded->isEmpty());
    QVERIFY2(m_failed->isEmpty(), qPrintable(m_failed->value(0).value(1).value<Error>().message));
    QCOMPARE(m_succeeded->first().at(1).toString(), QStringLiteral("alice"));
    QCOMPARE(m_workspace->database().reopenCount(), expectedReopens);
    QCOMPARE(m_service->phase(), FlowPhase::Idle);
}

void TestConnectFaults::lostConnectionAtEachStepLeavesNothing_data()
{
    QTest::addColumn<QString>("step");
    // In flow order: before the browser (on the UI thread), at the callback, then each
    // statement group of the save transaction and its commit.
    for (const char *step : {"pending-insert", "state-consume", "begin", "connection-insert",
                             "audit", "jobs", "history", "commit"})
        QTest::newRow(step) << QString::fromLatin1(step);
}

void TestConnectFaults::lostConnectionAtEachStepLeavesNothing()
{
    QFETCH(QString, step);

    // 1. The server ends the session right before the step.
    m_faultAt = step;
    startAttempt();
    expectLostConnectionFailure(step);

    // 2. Nothing partial, and the page shows the provider not connected.
    for (const auto &[table, rows] : flowTables())
        QVERIFY2(countRows(*m_admin, table) == 0, qPrintable(table));
    const auto statuses = m_service->providerStatuses();
    QVERIFY(statuses.ok());
    for (const ProviderStatus &status : statuses.value())
        QCOMPARE(status.state, ConnectionState::NotConnected);

    // 3. The next attempt succeeds on a session reopened once, and writes the whole flow.
    expectNextAttemptSucceeds(1);
    for (const auto &[table, rows] : flowTables())
        QVERIFY2(countRows(*m_admin, table) == rows, qPrintable(table));
    QCOMPARE(auditActions(*m_admin), QStringList{QStringLiteral("SocialConnectionCreated")});
}

void TestConnectFaults::lostConnectionDuringReconnectKeepsTheOldRow()
{
    // 1. A connection whose refresh failed: Requires Re-auth.
    startAttempt();
    QVERIFY(m_succeeded->wait(kFlowTimeoutMs) || !m_succeeded->isEmpty());
    m_succeeded->clear();
    QVERIFY(Db::execRaw(*m_admin,
                        QStringLiteral("UPDATE \"SocialCrmIntegrationConnections\" "
                                       "SET \"Status\" = 2, \"StatusReason\" = 'invalid_grant'"),
                        QStringLiteral("test.degrade")));
    const QVariantMap before = readRow(*m_admin, kConnections);
    QVERIFY(!before.isEmpty());

    // 2. Reconnect in place; the session ends right before the update.
    m_faultAt = QStringLiteral("connection-update");
    startAttempt();
    expectLostConnectionFailure(m_faultAt);
    QCOMPARE(readRow(*m_admin, kConnections), before);
    QCOMPARE(auditActions(*m_admin), QStringList{QStringLiteral("SocialConnectionCreated")});
    QCOMPARE(countRows(*m_admin, QStringLiteral("AbpBackgroundJobs")), 2);
    QCOMPARE(countRows(*m_admin, QStringLiteral("SocialCrmConnectionHistory")), 1);

    // 3. The next attempt repairs the same row.
    expectNextAttemptSucceeds(1);
    const QVariantMap after = readRow(*m_admin, kConnections);
    QCOMPARE(after.value(QStringLiteral("Id")), before.value(QStringLiteral("Id")));
    QCOMPARE(after.value(QStringLiteral("Status")).toInt(), 1);
    QCOMPARE(auditActions(*m_admin), (QStringList{QStringLiteral("SocialConnectionCreated"),
                                                  QStringLiteral("SocialConnectionReconnected")}));
}

QTEST_GUILESS_MAIN(TestConnectFaults)
#include "tst_connectfaults.moc"
