// The connect flow's cost against a peer, measured in one run: the product's whole flow
// (pending authorization, loopback listener, Qt flow, token and profile requests, Data
// Protection, one transaction) against sandbox/bare-client.mjs doing the same HTTP requests
// against the same sandbox with nothing else. Both use the sandbox's scripted approval, so
// neither pays for rendering pages. On the embedded SQLite database, or under
// tests/db/with-postgres.sh on a CRM server's PostgreSQL database.
#include "core/db/database.h"
#include "core/service/connectionservice.h"
#include "core/service/workspace.h"
#include "tests/support/postgrescrm.h"
#include "tests/support/postgrescrmsignin.h"
#include "tests/support/sandboxserver.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

namespace {
constexpr int kRounds = 30;
// The product may cost this many times the bare client before the benchmark fails.
constexpr double kRatioLimit = 3.0;

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}
} // namespace

class TestConnectBench final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void connectFlowAgainstBareClient();
    void cleanupTestCase();

private:
    [[nodiscard]] Result<std::unique_ptr<Workspace>> openWorkspace(const Clock &clock);
    [[nodiscard]] double bareClientMedianMs();
    [[nodiscard]] bool browse(const QUrl &url);

    SandboxServer m_sandbox;
    QNetworkAccessManager m_browser;
    QTemporaryDir m_dir;
    std::optional<PostgresCrm> m_crm;
};

void TestConnectBench::initTestCase()
{
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
}

void TestConnectBench::cleanupTestCase()
{
    if (m_crm)
        (void)dropPostgresCrm(*m_crm);
}

Result<std::unique_ptr<Workspace>> TestConnectBench::openWorkspace(const Clock &clock)
{
    SandboxRegistration sandbox;
    sandbox.issuer = m_sandbox.issuer();
    if (!postgresAvailable())
        return Workspace::openEmbedded(m_dir.filePath(QStringLiteral("crm.sqlite")), clock,
                                       sandbox);
    auto crm = createPostgresCrm(QStringLiteral("connectbench"));
    if (!crm)
        return crm.error();
    m_crm = crm.value();
    auto workspace = Workspace::openProduction(m_crm->settings, clock, fixtureCredentials(*m_crm));
    if (workspace) {
        if (Result<void> configured = workspace.value()->configureSandbox(sandbox); !configured)
            return configured.error();
    }
    return workspace;
}

// The browser part without pages: the sandbox approves the next authorization by itself,
// so following the redirects from the authorize URL ends at the app's loopback listener.
bool TestConnectBench::browse(const QUrl &url)
{
    if (!m_sandbox.nextInteraction(QStringLiteral("alice"), QStringLiteral("approve")))
        return false;
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::NoLessSafeRedirectPolicy);
    QNetworkReply *reply = m_browser.get(request);
    QObject::connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
    return true;
}

double TestConnectBench::bareClientMedianMs()
{
    QProcess bare;
    bare.start(nodeExecutable(),
               {sandboxDirectory() + u"/bare-client.mjs"_qs, QStringLiteral("--issuer"),
                m_sandbox.issuer().toString(), QStringLiteral("--client-id"), m_sandbox.clientId(),
                QStringLiteral("--client-secret"), QString::fromLatin1(m_sandbox.clientSecret()),
                QStringLiteral("--rounds"), QString::number(kRounds)});
    if (!bare.waitForFinished(120000) || bare.exitCode() != 0)
        return -1;
    return QJsonDocument::fromJson(bare.readAllStandardOutput())
        .object()
        .value(u"medianMs")
        .toDouble(-1);
}

void TestConnectBench::connectFlowAgainstBareClient()
{
    SystemClock clock;
    auto workspace = openWorkspace(clock);
    QVERIFY2(workspace.ok(), qPrintable(workspace.ok() ? QString() : workspace.error().detail));
    ConnectionService service(workspace.value()->database(), workspace.value()->protector(),
                              ProviderCatalogue::builtIn(), workspace.value()->user(), clock);
    service.setBrowserOpener([this](const QUrl &url) { return browse(url); });
    QSignalSpy succeeded(&service, &ConnectionService::connectSucceeded);
    QSignalSpy failed(&service, &ConnectionService::connectFailed);

    QList<double> product;
    // Where the time goes, by phase of the flow (the browser part includes the sandbox's
    // scripted approval round trip, as the bare client's does).
    QElapsedTimer phaseClock;
    QMap<int, double> phaseTotals;
    int lastPhase = -1;
    connect(&service, &ConnectionService::phaseChanged, this, [&](FlowPhase phase) {
        if (lastPhase >= 0)
            phaseTotals[lastPhase] += phaseClock.nsecsElapsed() / 1e6;
        lastPhase = static_cast<int>(phase);
        phaseClock.start();
    });
    for (int round = 0; round < kRounds; ++round) {
        QElapsedTimer timer;
        timer.start();
        service.startConnect(QStringLiteral("sandbox"));
        // QSignalSpy::wait returns when the signal comes; QTRY_* would round up to its poll.
        QVERIFY(succeeded.size() == round + 1 || succeeded.wait(30000));
        product << timer.nsecsElapsed() / 1e6;
        QVERIFY(failed.isEmpty());
        // Make room for the next round; not measured.
        QSqlQuery reset(workspace.value()->database().handle());
        QVERIFY(reset.exec(QStringLiteral("DELETE FROM \"SocialCrmIntegrationConnections\"")));
    }
    static const char *const names[] = {"idle",       "preparing", "waiting for browser",
                                        "exchanging", "verifying", "saving"};
    for (auto it = phaseTotals.begin(); it != phaseTotals.end(); ++it) {
        if (it.key() > 0)
            qInfo("  %s: %.1f ms per connect", names[it.key()], it.value() / kRounds);
    }
    const double bare = bareClientMedianMs();
    QVERIFY2(bare > 0, "the bare client failed");
    const double ratio = median(product) / bare;
    qInfo().noquote() << QStringLiteral(
                             "connect flow on %6: product median %1 ms, bare client median %2 ms, "
                             "ratio %3 (limit %4), %5 rounds each")
                             .arg(median(product), 0, 'f', 1)
                             .arg(bare, 0, 'f', 1)
                             .arg(ratio, 0, 'f', 2)
                             .arg(kRatioLimit, 0, 'f', 1)
                             .arg(kRounds)
                             .arg(m_crm ? u"PostgreSQL"_qs : u"SQLite"_qs);
    QVERIFY2(ratio <= kRatioLimit, "the connect flow costs too much against the bare client");
}

QTEST_GUILESS_MAIN(TestConnectBench)
#include "tst_connectbench.moc"
