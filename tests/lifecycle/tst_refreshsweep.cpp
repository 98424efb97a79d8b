// The headless `--refresh-sweep` entry point: one sweep, a summary line, an exit code a
// service manager can act on.
#include "app/refreshsweep.h"
#include "core/crypto/dataprotector.h"
#include "core/db/connectionrepository.h"
#include "core/db/database.h"
#include "core/service/workspace.h"
#include "tests/lifecycle/faketokenendpoint.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

class TestRefreshSweep final : public QObject
{
    Q_OBJECT

private slots:
    void exitCodeAndSummary_data();
    void exitCodeAndSummary();
    void nothingDueIsDone();
    void aMissingEmbeddedDatabaseIsNotRunAndNotCreated();
    void theCommandSweepsTheEmbeddedDatabaseItNames();
};

void TestRefreshSweep::exitCodeAndSummary_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("line");
    QTest::newRow("refreshed") << 200 << tokenJson("a2", "r2") << 0
                               << u"refresh sweep: 1 due, 1 refreshed, 0 refreshed elsewhere, "
                                  "0 transient failures, 0 requiring re-authentication, 0 busy, "
                                  "0 failed\n"_qs;
    QTest::newRow("revoked") << 400 << errorJson("invalid_grant") << 0
                             << u"refresh sweep: 1 due, 0 refreshed, 0 refreshed elsewhere, "
                                "0 transient failures, 1 requiring re-authentication, 0 busy, "
                                "0 failed\n"_qs;
    QTest::newRow("503") << 503 << QByteArray() << 2
                         << u"refresh sweep: 1 due, 0 refreshed, 0 refreshed elsewhere, "
                            "1 transient failures, 0 requiring re-authentication, 0 busy, "
                            "0 failed\n"_qs;
}

void TestRefreshSweep::exitCodeAndSummary()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(int, exitCode);
    QFETCH(QString, line);

    FakeTokenEndpoint endpoint;
    QVERIFY(endpoint.listen());
    endpoint.setReply({status, body});
    QTemporaryDir dir;
    ManualClock clock(QDateTime::currentDateTimeUtc());
    SandboxRegistration provider;
    provider.issuer = endpoint.issuer();
    auto workspace =
        Workspace::openEmbedded(dir.filePath(QStringLiteral("crm.sqlite")), clock, provider);
    QVERIFY(workspace.ok());
    Workspace &crm = *workspace.value();

    Db::IntegrationConnection row;
    row.tenantId = crm.user().tenantId;
    row.ownerUserId = crm.user().userId;
    row.providerKey = QStringLiteral("sandbox");
    row.protectedAccessToken = crm.protector().protect("a1").value();
    row.protectedRefreshToken = crm.protector().protect("r1").value();
    row.accessTokenExpiresAt = clock.nowUtc().addSecs(30);
    row.status = Db::ConnectionStatus::Connected;
    row.creationTime = clock.nowUtc();
    QVERIFY(Db::ConnectionRepository(crm.database()).insert(row).ok());

    QString output;
    QTextStream out(&output);
    QCOMPARE(App::runRefreshSweep(crm.database(), crm.protector(), ProviderCatalogue::builtIn(),
                                  clock, out),
             exitCode);
    QCOMPARE(output, line);
    QCOMPARE(endpoint.bodies().size(), 1);
}

void TestRefreshSweep::nothingDueIsDone()
{
    QTemporaryDir dir;
    SystemClock clock;
    auto workspace = Workspace::openEmbedded(dir.filePath(QStringLiteral("crm.sqlite")), clock);
    QVERIFY(workspace.ok());
    QString output;
    QTextStream out(&output);
    QCOMPARE(App::runRefreshSweep(workspace.value()->database(), workspace.value()->protector(),
                                  ProviderCatalogue::builtIn(), clock, out),
             0);
    QVERIFY(output.startsWith(u"refresh sweep: 0 due, 0 refreshed"));
}

void TestRefreshSweep::aMissingEmbeddedDatabaseIsNotRunAndNotCreated()
{
    QTemporaryDir dir;
    SystemClock clock;
    App::RefreshSweepTarget target;
    target.embeddedPath = dir.filePath(QStringLiteral("typo.sqlite"));
    QString output;
    QTextStream out(&output);
    QCOMPARE(App::runRefreshSweepCommand(target, clock, out), 1);
    QCOMPARE(output, u"refresh sweep: not run (%1 does not exist.)\n"_qs.arg(target.embeddedPath));
    QVERIFY(!QFile::exists(target.embeddedPath));
}

// What `easycrm-social-connect --refresh-sweep --database PATH` runs, with no window.
void TestRefreshSweep::theCommandSweepsTheEmbeddedDatabaseItNames()
{
    FakeTokenEndpoint endpoint;
    QVERIFY(endpoint.listen());
    endpoint.setReply({200, tokenJson("a2", "r2")});
    QTemporaryDir dir;
    SystemClock clock;
    SandboxRegistration provider;
    provider.issuer = endpoint.issuer();
    App::RefreshSweepTarget target;
    target.embeddedPath = dir.filePath(QStringLiteral("crm.sqlite"));
    {
        auto workspace = Workspace::openEmbedded(target.embeddedPath, clock, provider);
        QVERIFY(workspace.ok());
        Workspace &crm = *workspace.value();
        Db::IntegrationConnection row;
        row.tenantId = crm.user().tenantId;
        row.ownerUserId = crm.user().userId;
        row.providerKey = QStringLiteral("sandbox");
        row.protectedAccessToken = crm.protector().protect("a1").value();
        row.protectedRefreshToken = crm.protector().protect("r1").value();
        row.accessTokenExpiresAt = clock.nowUtc().addSecs(30);
        row.status = Db::ConnectionStatus::Connected;
        row.creationTime = clock.nowUtc();
        QVERIFY(Db::ConnectionRepository(crm.database()).insert(row).ok());
    }
    QString output;
    QTextStream out(&output);
    QCOMPARE(App::runRefreshSweepCommand(target, clock, out), 0);
    QVERIFY2(output.startsWith(u"refresh sweep: 1 due, 1 refreshed,"), qPrintable(output));
    QCOMPARE(endpoint.bodies().size(), 1);
}

QTEST_GUILESS_MAIN(TestRefreshSweep)
#include "tst_refreshsweep.moc"
