#include "app/appshell.h"
#include "app/passwordstore.h"
#include "app/postgrestarget.h"
#include "app/refreshsweep.h"
#include "core/common/clock.h"
#include "core/service/workspace.h"
#include "models/translations.h"
#include "ui/mainwindow.h"
#include "ui/theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>

#include <cstdio>
#include <cstring>
#include <optional>

using namespace EasyCrm;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("main", text);
}

struct Options
{
    App::AppShell::Options shell;
    std::optional<App::PostgresTarget> postgres; // unset: the embedded default
    bool refreshSweep = false;
};

struct CommandLine
{
    QCommandLineOption database{QStringLiteral("database"),
                                tr("The embedded CRM database file (SQLite)."),
                                QStringLiteral("path")};
    QCommandLineOption sandbox{QStringLiteral("sandbox-url"),
                               tr("Where the Sandbox provider listens."), QStringLiteral("url"),
                               QStringLiteral("http://127.0.0.1:4010")};
    QCommandLineOption postgres{QStringLiteral("postgres"),
                                tr("Open a PostgreSQL CRM database instead of the embedded one."),
                                QStringLiteral("host[:port]/database")};
    QCommandLineOption pgUser{QStringLiteral("pg-user"), tr("The PostgreSQL user."),
                              QStringLiteral("name")};
    QCommandLineOption pgSslMode{QStringLiteral("pg-sslmode"),
                                 tr("disable, prefer, require or verify-full."),
                                 QStringLiteral("mode")};
    QCommandLineOption tenant{QStringLiteral("tenant"),
                              tr("The CRM tenant to sign in to (empty: the host)."),
                              QStringLiteral("name")};
    QCommandLineOption user{QStringLiteral("user"),
                            tr("The CRM user to sign in as (user name or e-mail address); the "
                               "password is asked for in the window."),
                            QStringLiteral("name")};
    QCommandLineOption refreshSweep{QString::fromLatin1(App::kRefreshSweepOption),
                                    tr("Refresh the tokens that are due once, with no window, "
                                       "print a summary line and exit (for a service or timer). "
                                       "Exit code 0: done; 1: not run; 2: some were not "
                                       "refreshed and are retried later.")};
};

[[noreturn]] void failUsage(const QString &message)
{
    std::fputs(qPrintable(message + u'\n'), stderr);
    std::exit(2);
}

// The command line names the database; whatever it leaves out comes from the last
// connection remembered in the settings, then from libpq's own defaults.
App::PostgresTarget postgresTarget(const QCommandLineParser &parser, const CommandLine &options)
{
    QString problem;
    std::optional<App::PostgresTarget> parsed =
        App::parsePostgresAddress(parser.value(options.postgres), &problem);
    if (!parsed)
        failUsage(tr("--postgres: %1").arg(problem));
    QSettings settings;
    const App::PostgresTarget remembered = App::loadPostgresTarget(settings);
    App::PostgresTarget target = *parsed;
    const auto pick = [&parser](const QCommandLineOption &option, const QString &fallback) {
        return parser.isSet(option) ? parser.value(option).trimmed() : fallback;
    };
    target.user = pick(options.pgUser,
                       remembered.user.isEmpty() ? qEnvironmentVariable("USER") : remembered.user);
    target.sslMode = pick(options.pgSslMode, remembered.sslMode);
    target.tenantName = pick(options.tenant, remembered.tenantName);
    target.userName = pick(options.user, remembered.userName.isEmpty() ? QStringLiteral("admin")
                                                                       : remembered.userName);
    if (!App::sslModeNames().contains(target.sslMode))
        failUsage(tr("--pg-sslmode: choose one of %1.")
                      .arg(App::sslModeNames().join(QStringLiteral(", "))));
    return target;
}

void checkPostgresOnly(const QCommandLineParser &parser, const CommandLine &options)
{
    for (const QCommandLineOption *option :
         {&options.pgUser, &options.pgSslMode, &options.tenant, &options.user}) {
        if (parser.isSet(*option) && !parser.isSet(options.postgres))
            failUsage(tr("--%1 applies to --postgres only.").arg(option->names().constFirst()));
    }
}

Options parseOptions(const QCoreApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Connects social-media accounts to EasyCRM and keeps them healthy."));
    parser.addHelpOption();
    parser.addVersionOption();
    const CommandLine options;
    for (const QCommandLineOption *option :
         {&options.database, &options.sandbox, &options.postgres, &options.pgUser,
          &options.pgSslMode, &options.tenant, &options.user, &options.refreshSweep})
        parser.addOption(*option);
    parser.process(app);
    checkPostgresOnly(parser, options);

    // Command line first, then the saved setting, then the user's data location.
    QSettings settings;
    const QString defaultPath =
        QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/crm.sqlite";
    Options parsed;
    parsed.shell.embeddedPath =
        parser.isSet(options.database)
            ? parser.value(options.database)
            : settings.value(QStringLiteral("database/path"), defaultPath).toString();
    parsed.shell.sandbox.issuer = QUrl(parser.value(options.sandbox), QUrl::StrictMode);
    // The CRM server's Data Protection settings, when they differ from EasyCRM's defaults.
    DataProtectionSettings &protection = parsed.shell.protection;
    protection.applicationName =
        settings.value(QStringLiteral("dataProtection/applicationName"), protection.applicationName)
            .toString();
    protection.purpose =
        settings.value(QStringLiteral("dataProtection/purpose"), protection.purpose).toString();
    if (parser.isSet(options.postgres))
        parsed.postgres = postgresTarget(parser, options);
    parsed.refreshSweep = parser.isSet(options.refreshSweep);
    return parsed;
}

void setApplicationNames()
{
    QCoreApplication::setOrganizationName(QStringLiteral("EasyCRM"));
    QCoreApplication::setApplicationName(QStringLiteral("EasyCRM Social Connect"));
    QCoreApplication::setApplicationVersion(QStringLiteral("0.1.0"));
}

// Decided before any application object exists: the sweep must run where there is no
// display at all, so it never creates a QApplication.
bool wantsRefreshSweep(int argc, char *argv[])
{
    const QByteArray option = QByteArray("--") + App::kRefreshSweepOption;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], option.constData()) == 0)
            return true;
    }
    return false;
}

int runRefreshSweep(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    setApplicationNames();
    const Options options = parseOptions(app);
    App::RefreshSweepTarget target;
    target.embeddedPath = options.shell.embeddedPath;
    target.postgres = options.postgres;
    target.protection = options.shell.protection;
    SystemClock clock;
    QTextStream out(stdout);
    return App::runRefreshSweepCommand(target, clock, out);
}

} // namespace

int main(int argc, char *argv[])
{
    if (wantsRefreshSweep(argc, argv))
        return runRefreshSweep(argc, argv);
    QApplication app(argc, argv);
    setApplicationNames();
    if (!Models::installTranslations(app))
        qWarning("The translations could not be loaded; texts fall back to their source form");
    Ui::Theme::applyAppearance(app);
    const Options options = parseOptions(app);

    SystemClock clock;
    App::AppShell shell(clock, App::PasswordStore::system(), options.shell);
    if (options.postgres) {
        // Signing in needs the CRM password, which never comes from the command line: the
        // Database page waits for it, filled in with the rest.
        shell.window().show();
        shell.showPostgresSignIn(*options.postgres);
        return app.exec();
    }
    QDir().mkpath(QFileInfo(options.shell.embeddedPath).absolutePath());
    if (Result<void> opened = shell.openEmbedded(); !opened) {
        QMessageBox::critical(nullptr, QCoreApplication::applicationName(), opened.error().message);
        return 1;
    }
    shell.window().show();
    return app.exec();
}
