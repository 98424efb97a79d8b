#include "app/refreshsweep.h"

#include "core/db/database.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFileInfo>

namespace EasyCrm::App {

QString refreshSweepSummary(const SweepSummary &summary)
{
    // A line for service logs and scripts: fixed English words, counts in a fixed order.
    return QStringLiteral("refresh sweep: %1 due, %2 refreshed, %3 refreshed elsewhere, "
                          "%4 transient failures, %5 requiring re-authentication, %6 busy, "
                          "%7 failed")
        .arg(summary.due)
        .arg(summary.refreshed)
        .arg(summary.refreshedElsewhere)
        .arg(summary.transientFailures)
        .arg(summary.requiresReauth)
        .arg(summary.busy)
        .arg(summary.failed);
}

int runRefreshSweep(Db::Database &database, const Crypto::DataProtector &protector,
                    const ProviderCatalogue &catalogue, const Clock &clock, QTextStream &out,
                    std::chrono::milliseconds networkTimeout)
{
    if (!QCoreApplication::instance()) {
        out << "refresh sweep: not run (no application object)\n";
        out.flush();
        return int(RefreshSweepExit::NotRun);
    }
    RefreshScheduler scheduler(database, protector, catalogue, clock);
    RefreshScheduler::Settings settings = scheduler.settings();
    settings.networkTimeout = networkTimeout;
    scheduler.setSettings(settings);

    SweepSummary summary;
    QEventLoop loop;
    QObject::connect(&scheduler, &RefreshScheduler::sweepFinished, &loop,
                     [&](const SweepSummary &finished) {
                         summary = finished;
                         loop.quit();
                     });
    scheduler.sweep();
    loop.exec();

    out << refreshSweepSummary(summary) << '\n';
    out.flush();
    // Failing before any connection was looked at means the database could not be read.
    if (summary.due == 0 && summary.failed > 0)
        return int(RefreshSweepExit::NotRun);
    return int(summary.allSucceeded() ? RefreshSweepExit::Done
                                      : RefreshSweepExit::SomeNotRefreshed);
}

namespace {

Result<std::unique_ptr<Workspace>> openTarget(const RefreshSweepTarget &target, const Clock &clock)
{
    if (target.postgres) {
        const PostgresTarget &pg = *target.postgres;
        // No one signs in: the sweep does the CRM server's own background work, for no user.
        return Workspace::openUnattended(pg.settings({}, int(target.connectTimeout.count())), clock,
                                         target.protection);
    }
    if (!QFileInfo::exists(target.embeddedPath))
        return makeError(ErrorCode::NotFound,
                         QCoreApplication::translate("RefreshSweep", "%1 does not exist.")
                             .arg(target.embeddedPath));
    return Workspace::openEmbedded(target.embeddedPath, clock, SandboxRegistration(),
                                   target.protection);
}

} // namespace

int runRefreshSweepCommand(const RefreshSweepTarget &target, const Clock &clock, QTextStream &out)
{
    auto workspace = openTarget(target, clock);
    if (!workspace) {
        // The message names the database, never its password.
        out << "refresh sweep: not run (" << workspace.error().message << ")\n";
        out.flush();
        return int(RefreshSweepExit::NotRun);
    }
    Workspace &crm = *workspace.value();
    return runRefreshSweep(crm.database(), crm.protector(), ProviderCatalogue::builtIn(), clock,
                           out);
}

} // namespace EasyCrm::App
