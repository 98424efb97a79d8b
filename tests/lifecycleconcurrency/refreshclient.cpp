// One desktop client of the refresh concurrency test (tst_pg_refreshconcurrency): opens the
// tenant's PostgreSQL CRM database as the headless sweep does (Workspace::openUnattended: the
// sweep works for no signed-in user) and runs the refresh scheduler's sweep again and again,
// one sweep per round, as the app's timer would. It links the libraries, never the app.
//
//   easycrm_refreshclient --database NAME --rounds N --round-ms MS
//
// The server comes from EASYCRM_TEST_PG_* (tests/db/with-postgres.sh). A round starts no
// sooner than MS after the previous one started. stdout, once all rounds are done: one line
// {"rounds":N,"due":…,"refreshed":…,"elsewhere":…,"transient":…,"reauth":…,"busy":…,
// "failed":…} summed over the rounds, or {"failed":1,"open":CODE} when the database did not
// open.
#include "core/service/refreshscheduler.h"
#include "core/service/workspace.h"
#include "tests/support/postgrescrm.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include <cstdio>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

namespace {

void printLine(const QJsonObject &object)
{
    std::fputs(QJsonDocument(object).toJson(QJsonDocument::Compact).constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

SweepSummary sweepOnce(RefreshScheduler &scheduler)
{
    SweepSummary summary;
    QEventLoop loop;
    QObject::connect(&scheduler, &RefreshScheduler::sweepFinished, &loop,
                     [&](const SweepSummary &finished) {
                         summary = finished;
                         loop.quit();
                     });
    scheduler.sweep();
    loop.exec();
    return summary;
}

void add(SweepSummary &total, const SweepSummary &round)
{
    total.due += round.due;
    total.refreshed += round.refreshed;
    total.refreshedElsewhere += round.refreshedElsewhere;
    total.transientFailures += round.transientFailures;
    total.requiresReauth += round.requiresReauth;
    total.busy += round.busy;
    total.failed += round.failed;
}

void waitUntil(const QElapsedTimer &since, qint64 ms)
{
    const qint64 left = ms - since.elapsed();
    if (left <= 0)
        return;
    QEventLoop loop;
    QTimer::singleShot(int(left), &loop, &QEventLoop::quit);
    loop.exec();
}

QJsonObject toJson(int rounds, const SweepSummary &total)
{
    return {{QStringLiteral("rounds"), rounds},
            {QStringLiteral("due"), total.due},
            {QStringLiteral("refreshed"), total.refreshed},
            {QStringLiteral("elsewhere"), total.refreshedElsewhere},
            {QStringLiteral("transient"), total.transientFailures},
            {QStringLiteral("reauth"), total.requiresReauth},
            {QStringLiteral("busy"), total.busy},
            {QStringLiteral("failed"), total.failed}};
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption database(QStringLiteral("database"), {}, QStringLiteral("name"));
    const QCommandLineOption rounds(QStringLiteral("rounds"), {}, QStringLiteral("n"));
    const QCommandLineOption roundMs(QStringLiteral("round-ms"), {}, QStringLiteral("ms"));
    parser.addOptions({database, rounds, roundMs});
    parser.process(app);

    Db::PostgresSettings settings = postgresServerSettings();
    settings.database = parser.value(database);
    SystemClock clock;
    auto workspace = Workspace::openUnattended(settings, clock);
    if (!workspace) {
        printLine({{QStringLiteral("failed"), 1},
                   {QStringLiteral("open"), errorCodeName(workspace.error().code)}});
        return 1;
    }
    Workspace &crm = *workspace.value();
    RefreshScheduler scheduler(crm.database(), crm.protector(), ProviderCatalogue::builtIn(),
                               clock);
    const int roundCount = parser.value(rounds).toInt();
    SweepSummary total;
    for (int round = 0; round < roundCount; ++round) {
        QElapsedTimer started;
        started.start();
        add(total, sweepOnce(scheduler));
        waitUntil(started, parser.value(roundMs).toLongLong());
    }
    printLine(toJson(roundCount, total));
    return 0;
}
