#include "app/socialintegrationcontroller.h"
#include "core/common/clock.h"
#include "core/db/database.h"
#include "core/service/connectionservice.h"
#include "core/service/workspace.h"
#include "models/providerlistmodel.h"
#include "models/translations.h"
#include "ui/mainwindow.h"
#include "ui/socialintegrationpage.h"
#include "ui/theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDesktopServices>
#include <QDir>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>

using namespace EasyCrm;

namespace {

struct Options
{
    QString databasePath;
    SandboxRegistration sandbox;
    DataProtectionSettings protection;
};

Options parseOptions(const QApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "Connects social-media accounts to EasyCRM and keeps them healthy."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption database(
        QStringLiteral("database"),
        QCoreApplication::translate("main", "The embedded CRM database file (SQLite)."),
        QStringLiteral("path"));
    const QCommandLineOption sandbox(
        QStringLiteral("sandbox-url"),
        QCoreApplication::translate("main", "Where the Sandbox provider listens."),
        QStringLiteral("url"), QStringLiteral("http://127.0.0.1:4010"));
    parser.addOption(database);
    parser.addOption(sandbox);
    parser.process(app);

    // Command line first, then the saved setting, then the user's data location.
    QSettings settings;
    const QString defaultPath =
        QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/crm.sqlite";
    Options options;
    options.databasePath = parser.isSet(database)
                               ? parser.value(database)
                               : settings.value(QStringLiteral("database/path"), defaultPath)
                                     .toString();
    options.sandbox.issuer = QUrl(parser.value(sandbox), QUrl::StrictMode);
    // The CRM server's Data Protection settings, when they differ from EasyCRM's defaults.
    options.protection.applicationName =
        settings.value(QStringLiteral("dataProtection/applicationName"),
                       options.protection.applicationName)
            .toString();
    options.protection.purpose =
        settings.value(QStringLiteral("dataProtection/purpose"), options.protection.purpose)
            .toString();
    return options;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("EasyCRM"));
    QCoreApplication::setApplicationName(QStringLiteral("EasyCRM Social Connect"));
    QCoreApplication::setApplicationVersion(QStringLiteral("0.1.0"));
    if (!Models::installTranslations(app))
        qWarning("The translations could not be loaded; texts fall back to their source form");
    Ui::Theme::applyAppearance(app);
    const Options options = parseOptions(app);

    QDir().mkpath(QFileInfo(options.databasePath).absolutePath());
    SystemClock clock;
    auto workspace = Workspace::openEmbedded(options.databasePath, clock, options.sandbox,
                                             options.protection);
    if (!workspace) {
        QMessageBox::critical(nullptr, QCoreApplication::applicationName(),
                              workspace.error().message);
        return 1;
    }
    Workspace &crm = *workspace.value();
    if (Result<void> sandbox = crm.configureSandbox(options.sandbox); !sandbox) {
        QMessageBox::critical(nullptr, QCoreApplication::applicationName(),
                              sandbox.error().message);
        return 1;
    }

    ConnectionService service(crm.database(), crm.protector(), ProviderCatalogue::builtIn(),
                              crm.user(), clock);
    service.setBrowserOpener([](const QUrl &url) { return QDesktopServices::openUrl(url); });

    Models::ProviderListModel model(&clock);
    Ui::MainWindow window;
    auto *page = new Ui::SocialIntegrationPage(&model);
    window.addPage(Ui::SocialIntegrationPage::tr("Social Integration"), page);
    App::SocialIntegrationController controller(&service, &model, page);
    window.setStatusText(QCoreApplication::translate("main", "%1 — signed in as %2 (%3)")
                             .arg(QDir::toNativeSeparators(options.databasePath),
                                  crm.user().userName, crm.user().tenantName));
    window.show();
    return app.exec();
}
