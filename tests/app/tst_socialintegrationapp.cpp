// Settings — Social Integration as the person uses it: the real page, controller and service
// on the embedded database (or, under tests/db/with-postgres.sh, on a CRM server's PostgreSQL
// database opened as production opens it), a click on Connect, the sandbox's real pages
// answered by the scripted browser. The README's screenshot comes from this test: a connect
// clicked in the whole app window, as scripts/run.sh opens it (embedded database only).
#include "app/appshell.h"
#include "app/passwordstore.h"
#include "app/socialintegrationcontroller.h"
#include "core/db/database.h"
#include "core/db/entities.h"
#include "core/db/providerconfigrepository.h"
#include "core/service/connectionservice.h"
#include "core/service/workspace.h"
#include "models/providerlistmodel.h"
#include "models/translations.h"
#include "tests/support/postgrescrm.h"
#include "tests/support/postgrescrmsignin.h"
#include "tests/support/sandboxserver.h"
#include "tests/support/scriptedbrowser.h"
#include "tests/ui/screenshot.h"
#include "ui/mainwindow.h"
#include "ui/socialintegrationpage.h"
#include "ui/theme.h"

#include <QApplication>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

namespace {
const QString kUnconfiguredTooltip =
    QStringLiteral("Contact your administrator to enable this provider");
constexpr int kFlowTimeoutMs = 30000;
} // namespace

class TestSocialIntegrationApp final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void unconfiguredProvidersAreDisabledWithTheAdminTooltip_data();
    void unconfiguredProvidersAreDisabledWithTheAdminTooltip();
    void connectShowsTheHandleAndDisconnectReturnsToNotConnected();
    void failedRevocationIsSaidInline();
    void denyShowsTheMessageInline();
    void connectInTheAppWindow();

private:
    [[nodiscard]] Result<std::unique_ptr<Workspace>> openWorkspace();
    QPushButton *button(const QString &key) const;
    QString stateText(const QString &key) const;

    SandboxServer m_sandbox;
    QTemporaryDir m_dir;
    SystemClock m_clock;
    int m_run = 0;
    std::optional<PostgresCrm> m_crm;
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<ConnectionService> m_service;
    std::unique_ptr<ScriptedBrowser> m_browser;
    std::unique_ptr<Models::ProviderListModel> m_model;
    std::unique_ptr<Ui::MainWindow> m_window;
    Ui::SocialIntegrationPage *m_page = nullptr;
    std::unique_ptr<App::SocialIntegrationController> m_controller;
};

void TestSocialIntegrationApp::initTestCase()
{
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
    QCoreApplication::setOrganizationName(QStringLiteral("EasyCRM-Test"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_socialintegrationapp"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                       m_dir.filePath(QStringLiteral("config")));
    QVERIFY(Models::installTranslations(*qApp));
    Ui::Theme::applyAppearance(*qApp);
}

Result<std::unique_ptr<Workspace>> TestSocialIntegrationApp::openWorkspace()
{
    SandboxRegistration sandbox;
    sandbox.issuer = m_sandbox.issuer();
    ++m_run;
    if (!postgresAvailable())
        return Workspace::openEmbedded(m_dir.filePath(QStringLiteral("crm-%1.sqlite").arg(m_run)),
                                       m_clock, sandbox);
    auto crm = createPostgresCrm(QStringLiteral("socialintegrationapp_%1").arg(m_run));
    if (!crm)
        return crm.error();
    m_crm = crm.value();
    auto workspace =
        Workspace::openProduction(m_crm->settings, m_clock, fixtureCredentials(*m_crm));
    if (!workspace)
        return workspace;
    if (Result<void> configured = workspace.value()->configureSandbox(sandbox); !configured)
        return configured.error();
    return workspace;
}

void TestSocialIntegrationApp::init()
{
    auto workspace = openWorkspace();
    QVERIFY2(workspace.ok(), qPrintable(workspace.ok() ? QString() : workspace.error().detail));
    m_workspace = std::move(workspace).value();
    m_service = std::make_unique<ConnectionService>(
        m_workspace->database(), m_workspace->protector(), ProviderCatalogue::builtIn(),
        m_workspace->user(), m_clock);
    m_browser = std::make_unique<ScriptedBrowser>();
    m_service->setBrowserOpener(m_browser->opener());
    m_model = std::make_unique<Models::ProviderListModel>(&m_clock);
    m_window = std::make_unique<Ui::MainWindow>();
    m_page = new Ui::SocialIntegrationPage(m_model.get());
    m_window->addPage(QStringLiteral("Social Integration"), m_page);
    m_window->setStatusText(QStringLiteral("Database: crm.sqlite (embedded) · Signed in as admin"));
    m_controller =
        std::make_unique<App::SocialIntegrationController>(m_service.get(), m_model.get(), m_page);
    m_controller->setConfirmDisconnect([](const QString &) { return true; });
    m_window->resize(1040, 720);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestSocialIntegrationApp::cleanup()
{
    m_controller.reset();
    m_window.reset();
    m_model.reset();
    m_service.reset();
    m_browser.reset();
    m_workspace.reset();
    if (m_crm)
        QVERIFY(dropPostgresCrm(*m_crm).ok());
    m_crm.reset();
}

QPushButton *TestSocialIntegrationApp::button(const QString &key) const
{
    return m_window->findChild<QPushButton *>(QStringLiteral("connectButton_") + key);
}

QString TestSocialIntegrationApp::stateText(const QString &key) const
{
    const auto *label = m_window->findChild<QLabel *>(QStringLiteral("stateLabel_") + key);
    return label ? label->text() : QStringLiteral("<no state label for %1>").arg(key);
}

void TestSocialIntegrationApp::unconfiguredProvidersAreDisabledWithTheAdminTooltip_data()
{
    QTest::addColumn<QString>("key");
    for (const char *key :
         {"linkedin", "x", "facebook", "instagram", "youtube", "tiktok", "mastodon"})
        QTest::newRow(key) << QString::fromLatin1(key);
}

void TestSocialIntegrationApp::unconfiguredProvidersAreDisabledWithTheAdminTooltip()
{
    QFETCH(QString, key);
    QPushButton *connect = button(key);
    QVERIFY(connect);
    QVERIFY(!connect->isEnabled());
    QCOMPARE(connect->toolTip(), kUnconfiguredTooltip);
    QCOMPARE(stateText(key), QStringLiteral("Not Connected"));
    QVERIFY(button(QStringLiteral("sandbox"))->isEnabled());
}

void TestSocialIntegrationApp::connectShowsTheHandleAndDisconnectReturnsToNotConnected()
{
    m_browser->setArguments({QStringLiteral("--login"), QStringLiteral("alice"),
                             QStringLiteral("--decision"), QStringLiteral("approve")});
    QCOMPARE(stateText(QStringLiteral("sandbox")), QStringLiteral("Not Connected"));

    // 1. The person clicks Connect; the page waits for the browser, then shows the handle.
    QTest::mouseClick(button(QStringLiteral("sandbox")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(stateText(QStringLiteral("sandbox")),
                              QStringLiteral("Connected as @alice. Last sync: just now."),
                              kFlowTimeoutMs);
    QCOMPARE(m_browser->openCount(), 1);
    QTRY_VERIFY(!m_window->findChild<QWidget *>(QStringLiteral("waitingPanel"))->isVisible());
    QCOMPARE(button(QStringLiteral("sandbox"))->text(), QStringLiteral("Disconnect"));
    QVERIFY(!saveScreenshot(*m_window, QStringLiteral("social-integration")).isEmpty());

    // 2. Disconnect revokes and the row goes back to Not Connected.
    QTest::mouseClick(button(QStringLiteral("sandbox")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(stateText(QStringLiteral("sandbox")), QStringLiteral("Not Connected"),
                              kFlowTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_sandbox.stats().value(u"revocation").toInt(), 1, kFlowTimeoutMs);
}

// Disconnect while the provider's revocation endpoint cannot be reached: Not Connected here,
// and the page says that the provider was not told.
void TestSocialIntegrationApp::failedRevocationIsSaidInline()
{
    m_browser->setArguments({QStringLiteral("--login"), QStringLiteral("alice"),
                             QStringLiteral("--decision"), QStringLiteral("approve")});
    QTest::mouseClick(button(QStringLiteral("sandbox")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(stateText(QStringLiteral("sandbox")),
                              QStringLiteral("Connected as @alice. Last sync: just now."),
                              kFlowTimeoutMs);

    // 1. The admin's revocation address now leads nowhere: a port nobody listens on.
    QTcpServer vacated;
    QVERIFY(vacated.listen(QHostAddress::LocalHost));
    const quint16 port = vacated.serverPort();
    vacated.close();
    Db::ProviderConfigRepository configs(m_workspace->database());
    auto found = configs.find(m_workspace->user().tenantId, QStringLiteral("sandbox"));
    QVERIFY(found.ok() && found.value());
    Db::ProviderConfig config = *found.value();
    config.revocationEndpoint = QStringLiteral("http://127.0.0.1:%1/revoke").arg(port);
    config.lastModificationTime = m_clock.nowUtc();
    QVERIFY(configs.upsert(config).ok());

    // 2. Disconnect: removed here, and the failure said where the person clicked.
    const int revocations = m_sandbox.stats().value(u"revocation").toInt();
    QTest::mouseClick(button(QStringLiteral("sandbox")), Qt::LeftButton);
    const auto *message = m_window->findChild<QLabel *>(QStringLiteral("messageText"));
    QVERIFY(message);
    QTRY_COMPARE_WITH_TIMEOUT(message->text(),
                              QStringLiteral("Sandbox was disconnected here, but revoking its "
                                             "access at the provider failed: The provider could "
                                             "not be reached."),
                              kFlowTimeoutMs);
    QVERIFY(message->isVisible());
    QCOMPARE(stateText(QStringLiteral("sandbox")), QStringLiteral("Not Connected"));
    QCOMPARE(m_sandbox.stats().value(u"revocation").toInt(), revocations);
}

void TestSocialIntegrationApp::denyShowsTheMessageInline()
{
    m_browser->setArguments({QStringLiteral("--login"), QStringLiteral("alice"),
                             QStringLiteral("--decision"), QStringLiteral("deny")});
    QTest::mouseClick(button(QStringLiteral("sandbox")), Qt::LeftButton);
    const auto *message = m_window->findChild<QLabel *>(QStringLiteral("messageText"));
    QVERIFY(message);
    QTRY_COMPARE_WITH_TIMEOUT(message->text(),
                              QStringLiteral("Social connection was not authorized. The required "
                                             "scopes are needed for listening and engagement"),
                              kFlowTimeoutMs);
    QVERIFY(message->isVisible());
    QCOMPARE(stateText(QStringLiteral("sandbox")), QStringLiteral("Not Connected"));
    QVERIFY(button(QStringLiteral("sandbox"))->isEnabled());
    QVERIFY(!saveScreenshot(*m_window, QStringLiteral("social-integration-denied")).isEmpty());
}

// The whole window as scripts/run.sh shows it on the embedded database: Connect clicked on
// Settings — Social Integration, the Sandbox's pages answered, the handle shown; the README's
// screenshot (docs/screenshots/social-integration.png, see readmeScreenshotDirectory()).
void TestSocialIntegrationApp::connectInTheAppWindow()
{
    if (m_crm)
        QSKIP("The README's window is the embedded default's");
    cleanup(); // this one is the app's own window, not the page wired by init()
    App::AppShell::Options options;
    options.embeddedPath = m_dir.filePath(QStringLiteral("crm-shell.sqlite"));
    options.sandbox.issuer = m_sandbox.issuer();
    options.refreshInterval = std::chrono::hours(1);
    App::AppShell shell(m_clock, std::make_unique<App::NoPasswordStore>(), options);
    ScriptedBrowser browser;
    browser.setArguments({QStringLiteral("--login"), QStringLiteral("alice"),
                          QStringLiteral("--decision"), QStringLiteral("approve")});
    shell.setBrowserOpener(browser.opener());
    QVERIFY(shell.openEmbedded().ok());
    Ui::MainWindow &window = shell.window();
    window.resize(1040, 720);
    // The temporary directory's path would change the picture on every run.
    window.setStatusText(QStringLiteral("crm.sqlite — signed in as admin (Local)"));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.currentPage(), &shell.socialPage());

    auto *connect = window.findChild<QPushButton *>(QStringLiteral("connectButton_sandbox"));
    QVERIFY(connect && connect->isEnabled());
    QTest::mouseClick(connect, Qt::LeftButton);
    const auto stateOf = [&window] {
        const auto *label = window.findChild<QLabel *>(QStringLiteral("stateLabel_sandbox"));
        return label ? label->text() : QString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(
        stateOf(), QStringLiteral("Connected as @alice. Last sync: just now."), kFlowTimeoutMs);
    QCOMPARE(browser.openCount(), 1);
    QTRY_VERIFY(
        !shell.socialPage().findChild<QWidget *>(QStringLiteral("waitingPanel"))->isVisible());
    const QString directory = readmeScreenshotDirectory();
    QVERIFY(!saveScreenshot(window, QStringLiteral("social-integration"), directory).isEmpty());
}

QTEST_MAIN(TestSocialIntegrationApp)
#include "tst_socialintegrationapp.moc"
