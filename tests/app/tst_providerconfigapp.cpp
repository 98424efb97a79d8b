// Settings — Social Integration — Providers as the app wires it (AppShell on the embedded
// database, the real Sandbox server): the page is listed under Social Integration for an admin
// who may configure providers and hidden for anyone else, a save enables Connect on Social
// Integration at once, a stale editor is reloaded, "Use host default" removes the tenant's own
// settings, and Test configuration shows its results inline. The README's screenshot
// docs/screenshots/provider-configuration.png comes from this test.
#include "app/appshell.h"
#include "app/crmsession.h"
#include "app/passwordstore.h"
#include "app/providerconfigcontroller.h"
#include "core/db/database.h"
#include "core/db/providerconfigrepository.h"
#include "core/service/crmcontract.h"
#include "core/service/providerconfigservice.h"
#include "core/service/workspace.h"
#include "models/translations.h"
#include "tests/support/sandboxserver.h"
#include "tests/ui/screenshot.h"
#include "ui/mainwindow.h"
#include "ui/providerconfigpage.h"
#include "ui/socialintegrationpage.h"
#include "ui/theme.h"

#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

namespace {

constexpr int kTestTimeoutMs = 20000;
const QString kLinkedIn = QStringLiteral("linkedin");
const QString kUnconfiguredTooltip =
    QStringLiteral("Contact your administrator to enable this provider");

} // namespace

class TestProviderConfigApp final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void thePageIsListedUnderSocialIntegrationForAnAdmin();
    void withoutThePermissionThePageIsHidden();
    void savingEnablesConnectOnSocialIntegrationAtOnce();
    void problemsAreShownAtTheirFieldsAndNothingIsSaved();
    void aStaleEditorIsReloaded();
    void useHostDefaultRemovesTheTenantsOwnSettings();
    void testConfigurationAgainstTheSandboxShowsItsResults();

private:
    template<typename T> T *pageChild(const QString &name) const
    {
        T *found = m_shell->providerPage().findChild<T *>(name);
        if (!found)
            qWarning("no child named %s", qPrintable(name));
        return found;
    }
    QPushButton *connectButton(const QString &key) const;
    QString pageMessage() const;
    Db::Database &db() { return m_shell->session()->workspace().database(); }

    SandboxServer m_sandbox;
    QTemporaryDir m_dir;
    SystemClock m_clock;
    int m_run = 0;
    std::unique_ptr<App::AppShell> m_shell;
};

void TestProviderConfigApp::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
    QCoreApplication::setOrganizationName(QStringLiteral("EasyCRM-Test"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_providerconfigapp"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                       m_dir.filePath(QStringLiteral("config")));
    QVERIFY(Models::installTranslations(*qApp, QLocale::c()));
    Ui::Theme::applyAppearance(*qApp);
}

void TestProviderConfigApp::init()
{
    App::AppShell::Options options;
    options.embeddedPath = m_dir.filePath(QStringLiteral("crm-%1.sqlite").arg(++m_run));
    options.sandbox.issuer = m_sandbox.issuer();
    options.refreshInterval = std::chrono::hours(1);
    m_shell =
        std::make_unique<App::AppShell>(m_clock, std::make_unique<App::NoPasswordStore>(), options);
    const Result<void> opened = m_shell->openEmbedded();
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().detail));
    m_shell->window().resize(1040, 760);
    m_shell->window().show();
    QVERIFY(QTest::qWaitForWindowExposed(&m_shell->window()));
    m_shell->window().showPage(&m_shell->providerPage());
}

void TestProviderConfigApp::cleanup()
{
    m_shell.reset();
}

QPushButton *TestProviderConfigApp::connectButton(const QString &key) const
{
    return m_shell->socialPage().findChild<QPushButton *>(QStringLiteral("connectButton_") + key);
}

QString TestProviderConfigApp::pageMessage() const
{
    return m_shell->providerPage().message();
}

void TestProviderConfigApp::thePageIsListedUnderSocialIntegrationForAnAdmin()
{
    Ui::MainWindow &window = m_shell->window();
    QVERIFY(window.isPageVisible(&m_shell->providerPage()));
    const auto *navigation = window.findChild<QListWidget *>(QStringLiteral("navigationList"));
    QVERIFY(navigation);
    QStringList titles;
    for (int row = 0; row < navigation->count(); ++row)
        titles << navigation->item(row)->text();
    const qsizetype social = titles.indexOf(u"Social Integration"_qs);
    QVERIFY(social >= 0);
    // Under Social Integration: its Brand Accounts first, then Providers.
    QCOMPARE(titles.mid(social + 1, 2), QStringList({u"Brand Accounts"_qs, u"Providers"_qs}));
    QCOMPARE(window.currentPage(), &m_shell->providerPage());
    QVERIFY(m_shell->session()->providerService());
    const auto *list = pageChild<QListWidget>(QStringLiteral("providerConfigList"));
    QCOMPARE(list->count(), ProviderCatalogue::builtIn().providers().size());
}

// The embedded database grants its admin every permission again on each open; a trigger takes
// ManageProviders away for good, as a CRM server's admin would by editing the role.
void TestProviderConfigApp::withoutThePermissionThePageIsHidden()
{
    QSqlQuery query(db().handle());
    QVERIFY(query.exec(QStringLiteral(
        "CREATE TRIGGER \"NoManageProviders\" AFTER INSERT ON \"AbpPermissionGrants\" "
        "WHEN NEW.\"Name\" = 'EasyCrm.SocialCrm.ManageProviders' "
        "BEGIN DELETE FROM \"AbpPermissionGrants\" WHERE \"Id\" = NEW.\"Id\"; END")));
    QVERIFY(query.exec(QStringLiteral("DELETE FROM \"AbpPermissionGrants\" WHERE \"Name\" = "
                                      "'EasyCrm.SocialCrm.ManageProviders'")));

    QVERIFY(m_shell->openEmbedded().ok());
    QVERIFY(
        !m_shell->session()->workspace().user().isGranted(Contract::kPermissionManageProviders));
    QVERIFY(!m_shell->window().isPageVisible(&m_shell->providerPage()));
    QVERIFY(m_shell->window().currentPage() != &m_shell->providerPage());
    QVERIFY(!m_shell->session()->providerService());
    QCOMPARE(pageChild<QListWidget>(QStringLiteral("providerConfigList"))->count(), 0);
    // Social Integration itself stays for the user.
    QVERIFY(m_shell->window().isPageVisible(&m_shell->socialPage()));
}

void TestProviderConfigApp::savingEnablesConnectOnSocialIntegrationAtOnce()
{
    QPushButton *connect = connectButton(kLinkedIn);
    QVERIFY(connect && !connect->isEnabled());
    QCOMPARE(connect->toolTip(), kUnconfiguredTooltip);

    m_shell->providerPage().selectProvider(kLinkedIn);
    pageChild<QCheckBox>(QStringLiteral("enabledCheck"))->setChecked(true);
    QTest::keyClicks(pageChild<QLineEdit>(QStringLiteral("clientIdEdit")),
                     QStringLiteral("78abc-linkedin"));
    QTest::keyClicks(pageChild<QLineEdit>(QStringLiteral("clientSecretEdit")),
                     QStringLiteral("linkedin-secret-typed"));
    QTest::mouseClick(pageChild<QPushButton>(QStringLiteral("saveProviderButton")), Qt::LeftButton);
    QCOMPARE(pageMessage(), QStringLiteral("The LinkedIn settings were saved."));
    QVERIFY(pageChild<QLineEdit>(QStringLiteral("clientSecretEdit"))->text().isEmpty());
    QCOMPARE(pageChild<QLabel>(QStringLiteral("entryState_linkedin"))->text(),
             QStringLiteral("Enabled · this tenant"));

    connect = connectButton(kLinkedIn);
    QVERIFY(connect->isEnabled());
    QVERIFY(connect->toolTip().isEmpty());

    pageChild<QCheckBox>(QStringLiteral("enabledCheck"))->setChecked(false);
    QTest::mouseClick(pageChild<QPushButton>(QStringLiteral("saveProviderButton")), Qt::LeftButton);
    connect = connectButton(kLinkedIn);
    QVERIFY(!connect->isEnabled());
    QCOMPARE(connect->toolTip(), kUnconfiguredTooltip);
}

void TestProviderConfigApp::problemsAreShownAtTheirFieldsAndNothingIsSaved()
{
    const std::optional<QUuid> tenant = m_shell->session()->workspace().user().tenantId;
    const QString stamp =
        Db::ProviderConfigRepository(db()).find(tenant, kLinkedIn).value()->concurrencyStamp;
    m_shell->providerPage().selectProvider(kLinkedIn);
    pageChild<QCheckBox>(QStringLiteral("enabledCheck"))->setChecked(true);
    QTest::mouseClick(pageChild<QPushButton>(QStringLiteral("saveProviderButton")), Qt::LeftButton);
    QCOMPARE(m_shell->providerPage().fieldError(ProviderField::ClientId),
             QStringLiteral("Enter the client ID to enable LinkedIn."));
    QVERIFY(pageMessage().isEmpty());
    QCOMPARE(Db::ProviderConfigRepository(db()).find(tenant, kLinkedIn).value()->concurrencyStamp,
             stamp);
    QVERIFY(!connectButton(kLinkedIn)->isEnabled());
}

void TestProviderConfigApp::aStaleEditorIsReloaded()
{
    m_shell->providerPage().selectProvider(kLinkedIn);
    // Another admin, on another computer, saves the same provider first.
    Workspace &workspace = m_shell->session()->workspace();
    ProviderConfigService other(workspace.database(), workspace.protector(),
                                ProviderCatalogue::builtIn(), workspace.user(), m_clock);
    const ProviderSettings shown = other.settings(kLinkedIn).value();
    ProviderEdit theirs;
    theirs.providerKey = kLinkedIn;
    theirs.shownOrigin = shown.origin;
    theirs.shownStamp = shown.concurrencyStamp;
    theirs.clientId = QStringLiteral("saved-by-another-admin");
    theirs.enabledScopes = shown.enabledScopes;
    QVERIFY(other.save(theirs).ok());

    auto *clientId = pageChild<QLineEdit>(QStringLiteral("clientIdEdit"));
    QTest::keyClicks(clientId, QStringLiteral("mine"));
    QTest::mouseClick(pageChild<QPushButton>(QStringLiteral("saveProviderButton")), Qt::LeftButton);
    QCOMPARE(pageMessage(),
             QStringLiteral("The LinkedIn settings were changed elsewhere and have been "
                            "reloaded; nothing was saved. Check them and try again."));
    QCOMPARE(clientId->text(), QStringLiteral("saved-by-another-admin"));
    QCOMPARE(m_shell->providerPage().selectedProvider(), kLinkedIn);
}

void TestProviderConfigApp::useHostDefaultRemovesTheTenantsOwnSettings()
{
    QString asked;
    m_shell->session()->providerController()->setConfirmUseHostDefault(
        [&asked](const QString &name, bool hostDefaultExists) {
            asked = name + (hostDefaultExists ? u" with"_qs : u" without"_qs);
            return true;
        });
    m_shell->providerPage().selectProvider(QStringLiteral("sandbox"));
    auto *useHost = pageChild<QPushButton>(QStringLiteral("useHostDefaultButton"));
    QVERIFY(useHost->isVisible());
    QTest::mouseClick(useHost, Qt::LeftButton);
    QCOMPARE(asked, QStringLiteral("Sandbox without"));
    QCOMPARE(pageMessage(), QStringLiteral("This tenant's own Sandbox settings were removed."));
    QCOMPARE(pageChild<QLabel>(QStringLiteral("entryState_sandbox"))->text(),
             QStringLiteral("Not configured"));
    QVERIFY(!useHost->isVisible());
    // Nobody of this tenant can connect the Sandbox any more.
    QVERIFY(!connectButton(QStringLiteral("sandbox"))->isEnabled());
}

void TestProviderConfigApp::testConfigurationAgainstTheSandboxShowsItsResults()
{
    m_shell->providerPage().selectProvider(QStringLiteral("sandbox"));
    QTest::mouseClick(pageChild<QPushButton>(QStringLiteral("testConfigurationButton")),
                      Qt::LeftButton);
    QVERIFY(m_shell->providerPage().isTesting());
    QTRY_VERIFY_WITH_TIMEOUT(!m_shell->providerPage().isTesting(), kTestTimeoutMs);
    const QList<ConfigCheck> checks = m_shell->providerPage().testResults();
    QCOMPARE(checks.size(), 7);
    for (const ConfigCheck &check : checks)
        QVERIFY2(check.verdict == CheckVerdict::Passed,
                 qPrintable(check.title + u": "_qs + check.text));
    QCOMPARE(pageChild<QLabel>(QStringLiteral("checkSummary"))->text(),
             QStringLiteral("Every check passed. Connecting still needs a person to sign in."));

    // The screenshot shows the whole page: the window as tall as the page, scrolled to its top.
    m_shell->window().setStatusText(QStringLiteral("crm.sqlite — signed in as admin (Local)"));
    auto *scroll = pageChild<QScrollArea>(QStringLiteral("providerConfigScroll"));
    QApplication::sendPostedEvents();
    m_shell->window().resize(1040, 760 + scroll->verticalScrollBar()->maximum());
    QApplication::sendPostedEvents();
    scroll->verticalScrollBar()->setValue(0);
    QTRY_COMPARE(scroll->verticalScrollBar()->maximum(), 0);
    const QString shots = readmeScreenshotDirectory();
    QVERIFY(!saveScreenshot(m_shell->window(), QStringLiteral("provider-configuration"), shots)
                 .isEmpty());
}

QTEST_MAIN(TestProviderConfigApp)
#include "tst_providerconfigapp.moc"
