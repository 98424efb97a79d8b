// One desktop client of the many-clients test (tst_manyclients): opens the tenant's
// PostgreSQL CRM database as the app does (Workspace::openProduction), connects the Sandbox
// provider for one user with the scripted browser on the sandbox's real pages, and prints one
// JSON line with the outcome. It links the libraries, never the app.
//
//   easycrm_connectclient --database NAME --tenant NAME --user NAME --login LOGIN
//                         [--hold-at STEP]
//
// The server comes from EASYCRM_TEST_PG_* (tests/db/with-postgres.sh). With --hold-at, the
// client prints {"holding":STEP} when its connect reaches that database step and waits there
// for a line on stdin, so the test can release several clients at the same moment.
// stdout: {"outcome":"connected","handle":…} or {"outcome":"failed","code":…,"message":…},
// each with "statusAfter": the provider's state as this client reads it afterwards.
#include "core/db/database.h"
#include "core/service/connectionservice.h"
#include "core/service/workspace.h"
#include "tests/support/postgrescrm.h"
#include "tests/support/postgrescrmsignin.h"
#include "tests/support/scriptedbrowser.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include <cstdio>
#include <iostream>
#include <string>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

namespace {

constexpr int kGiveUpMs = 90000;

void printLine(const QJsonObject &object)
{
    std::fputs(QJsonDocument(object).toJson(QJsonDocument::Compact).constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

int finish(const QJsonObject &outcome)
{
    printLine(outcome);
    return 0;
}

QString stateName(ConnectionService &service)
{
    const auto statuses = service.providerStatuses();
    if (!statuses)
        return QStringLiteral("unreadable: ") + errorCodeName(statuses.error().code);
    for (const ProviderStatus &status : statuses.value()) {
        if (status.providerKey == u"sandbox")
            return status.state == ConnectionState::Connected ? QStringLiteral("Connected")
                                                              : QStringLiteral("NotConnected");
    }
    return QStringLiteral("missing");
}

// Blocks the client at the named step until the test writes a line to its stdin.
ConnectionService::StepHook holdAt(const QString &holdStep)
{
    return [holdStep](const QString &step) {
        if (step != holdStep)
            return;
        printLine(QJsonObject{{QStringLiteral("holding"), step}});
        std::string line;
        std::getline(std::cin, line);
    };
}

// The browser process ends right after the callback; let it, so it is not killed mid-write.
void waitForBrowser(ScriptedBrowser &browser)
{
    if (browser.openCount() == 0 || browser.finished())
        return;
    QEventLoop loop;
    QObject::connect(&browser, &ScriptedBrowser::done, &loop, &QEventLoop::quit);
    QTimer::singleShot(5000, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption database(QStringLiteral("database"), {}, QStringLiteral("name"));
    const QCommandLineOption tenant(QStringLiteral("tenant"), {}, QStringLiteral("name"));
    const QCommandLineOption user(QStringLiteral("user"), {}, QStringLiteral("name"));
    const QCommandLineOption login(QStringLiteral("login"), {}, QStringLiteral("login"));
    const QCommandLineOption holdStep(QStringLiteral("hold-at"), {}, QStringLiteral("step"));
    parser.addOptions({database, tenant, user, login, holdStep});
    parser.process(app);

    Db::PostgresSettings settings = postgresServerSettings();
    settings.database = parser.value(database);
    SystemClock clock;
    auto workspace = Workspace::openProduction(
        settings, clock, fixtureCredentials(parser.value(tenant), parser.value(user)));
    if (!workspace) {
        return finish({{QStringLiteral("outcome"), QStringLiteral("failed")},
                       {QStringLiteral("code"), errorCodeName(workspace.error().code)},
                       {QStringLiteral("message"), workspace.error().message}});
    }
    Workspace &crm = *workspace.value();
    ConnectionService service(crm.database(), crm.protector(), ProviderCatalogue::builtIn(),
                              crm.user(), clock);
    ScriptedBrowser browser;
    browser.setArguments({QStringLiteral("--login"), parser.value(login),
                          QStringLiteral("--decision"), QStringLiteral("approve")});
    service.setBrowserOpener(browser.opener());
    if (parser.isSet(holdStep))
        service.setStepHook(holdAt(parser.value(holdStep)));

    QJsonObject outcome;
    QObject::connect(&service, &ConnectionService::connectSucceeded, &app,
                     [&](const QString &, const QString &handle) {
                         outcome = {{QStringLiteral("outcome"), QStringLiteral("connected")},
                                    {QStringLiteral("handle"), handle}};
                         app.quit();
                     });
    QObject::connect(&service, &ConnectionService::connectFailed, &app,
                     [&](const QString &, const Error &error) {
                         outcome = {{QStringLiteral("outcome"), QStringLiteral("failed")},
                                    {QStringLiteral("code"), errorCodeName(error.code)},
                                    {QStringLiteral("message"), error.message}};
                         app.quit();
                     });
    QTimer::singleShot(0, &service, [&] { service.startConnect(QStringLiteral("sandbox")); });
    QTimer::singleShot(kGiveUpMs, &app, [&] {
        outcome = {{QStringLiteral("outcome"), QStringLiteral("failed")},
                   {QStringLiteral("code"), QStringLiteral("ClientTimedOut")}};
        app.quit();
    });
    app.exec();
    waitForBrowser(browser);
    // Read after the outcome: proves the session is usable (no aborted transaction left
    // behind) and shows what this client now sees.
    outcome.insert(QStringLiteral("statusAfter"), stateName(service));
    outcome.insert(QStringLiteral("inTransaction"), crm.database().inTransaction());
    return finish(outcome);
}
