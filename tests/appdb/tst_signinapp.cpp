// Signing in to a production CRM database through the app, and a host administrator acting on
// a tenant from the window:
//
//   Settings — Database: tenant, user name or e-mail, EasyCRM password ─► Connect
//     ─► PostgresOpener (worker thread): connection, schema, key ring, SignIn ─► session
//     └► refused: SignIn's words under the field to fix, an AbpSecurityLogs row, no switch
//   "Acting on" (host administrators only) ─► AppShell::actOnTenant ─► a new session
//
// Always: the embedded database's local administrator (a tenant user) never sees "Acting on"
// and is refused a switch. Under tests/db/with-postgres.sh also: a sign-in that opens the
// database, each refusal at its field with its security-log row, the CRM password kept
// nowhere, and a host administrator switching tenants in the window.
#include "app/appshell.h"
#include "app/crmsession.h"
#include "app/databasecontroller.h"
#include "core/db/database.h"
#include "core/db/rowhelpers.h"
#include "core/db/sqlstatement.h"
#include "core/service/crmcontract.h"
#include "core/service/workspace.h"
#include "models/translations.h"
#include "tests/appdb/fakepasswordstore.h"
#include "tests/support/logcapture.h"
#include "tests/support/postgrescrm.h"
#include "tests/ui/screenshot.h"
#include "ui/databasepage.h"
#include "ui/mainwindow.h"
#include "ui/socialintegrationpage.h"
#include "ui/tenantswitcher.h"
#include "ui/theme.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPainter>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Testing;
using Field = EasyCrm::Ui::DatabasePage::Field;

Q_DECLARE_METATYPE(EasyCrm::Ui::DatabasePage::Field)

namespace {

constexpr int kOpenTimeoutMs = 30000;
const QString kCrmPassword = QString::fromLatin1(kPostgresCrmPassword);
const QString kWrongCrmPassword = QStringLiteral("wr0ng-crm-pass");
const QString kPgPassword = QStringLiteral("pg-typed-pass");
// Every password these tests type; none may reach a log line.
const QStringList kPasswords{kCrmPassword, kWrongCrmPassword, kPgPassword};
const QString kWrongCredentials =
    QStringLiteral("The user name, e-mail address or password is not correct.");

} // namespace

class TestSignInApp final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void theEmbeddedLocalAdminSeesNoTenantSwitcher();

    void signingInOpensTheDatabaseForThatUser();
    void refusedSignInsAreShownAtTheirField_data();
    void refusedSignInsAreShownAtTheirField();
    void theCrmPasswordIsKeptNowhere();
    void aHostAdminSwitchesTheTenantFromTheWindow();
    void aTenantDeletedMeanwhileIsRefusedAtTheSwitcher();
    void aTenantUserNeverSeesTheSwitcher();

private:
    void makeShell();
    [[nodiscard]] bool createCrm();
    [[nodiscard]] App::PostgresTarget target(const QString &tenant, const QString &user) const;
    // Fills the form, clicks Connect and waits for the outcome; false when none came.
    [[nodiscard]] bool signIn(const QString &tenant, const QString &user,
                              const QString &crmPassword, const QString &pgPassword = {});
    [[nodiscard]] bool isMarked(Field field) const;
    [[nodiscard]] QList<QStringList> securityLog(const QString &userName);
    [[nodiscard]] Ui::TenantSwitcher &switcher() { return m_shell->window().tenantSwitcher(); }
    [[nodiscard]] QAction *menuEntry(const QString &text);
    [[nodiscard]] Db::Driver currentDriver();

    QTemporaryDir m_dir;
    SystemClock m_clock;
    int m_run = 0;
    FakePasswordStore *m_passwords = nullptr;
    std::unique_ptr<App::AppShell> m_shell;
    std::optional<PostgresCrm> m_crm;
    std::unique_ptr<LogCapture> m_log;
};

void TestSignInApp::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_log = std::make_unique<LogCapture>();
    QCoreApplication::setOrganizationName(QStringLiteral("EasyCRM-Test"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_signinapp"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                       m_dir.filePath(QStringLiteral("config")));
    QVERIFY(Models::installTranslations(*qApp, QLocale::c()));
    Ui::Theme::applyAppearance(*qApp);
}

void TestSignInApp::init()
{
    const bool needsServer =
        QTest::currentTestFunction() != QByteArray("theEmbeddedLocalAdminSeesNoTenantSwitcher");
    if (needsServer && !postgresAvailable())
        QSKIP("needs PostgreSQL: run under tests/db/with-postgres.sh");
    makeShell();
    if (needsServer)
        QVERIFY(createCrm());
}

void TestSignInApp::cleanup()
{
    m_shell.reset();
    // With every easycrm category at debug, no password any test typed was logged.
    for (const QString &line : m_log->lines()) {
        for (const QString &password : kPasswords)
            QVERIFY2(!line.contains(password), qPrintable(line));
    }
    if (m_crm)
        QVERIFY(dropPostgresCrm(*m_crm).ok());
    m_crm.reset();
    QSettings().clear();
}

void TestSignInApp::makeShell()
{
    auto passwords = std::make_unique<FakePasswordStore>(true);
    m_passwords = passwords.get();
    App::AppShell::Options options;
    options.embeddedPath = m_dir.filePath(QStringLiteral("crm-%1.sqlite").arg(++m_run));
    m_shell = std::make_unique<App::AppShell>(m_clock, std::move(passwords), options);
    m_shell->setBrowserOpener([](const QUrl &) { return false; });
    const Result<void> opened = m_shell->openEmbedded();
    QVERIFY2(opened.ok(), qPrintable(opened.error().detail));
    m_shell->window().resize(1040, 900);
    m_shell->window().show();
    m_shell->window().showPage(&m_shell->databasePage());
    QVERIFY(QTest::qWaitForWindowExposed(&m_shell->window()));
}

bool TestSignInApp::createCrm()
{
    PostgresCrmOptions options;
    options.signInUsers = true;
    auto crm = createPostgresCrm(QStringLiteral("signinapp"), options);
    if (!crm) {
        qWarning().noquote() << "fixture:" << crm.error().detail;
        return false;
    }
    m_crm = crm.value();
    return true;
}

App::PostgresTarget TestSignInApp::target(const QString &tenant, const QString &user) const
{
    App::PostgresTarget t;
    t.host = m_crm->settings.host;
    t.port = m_crm->settings.port;
    t.database = m_crm->settings.database;
    t.user = m_crm->settings.user;
    t.sslMode = QStringLiteral("disable");
    t.tenantName = tenant;
    t.userName = user;
    return t;
}

bool TestSignInApp::signIn(const QString &tenant, const QString &user, const QString &crmPassword,
                           const QString &pgPassword)
{
    auto &page = m_shell->databasePage();
    Ui::DatabasePage::Connection form = App::formFromTarget(target(tenant, user));
    page.setConnection(form);
    page.findChild<QLineEdit *>(QStringLiteral("passwordEdit"))->setText(pgPassword);
    QTest::keyClicks(page.findChild<QLineEdit *>(QStringLiteral("crmPasswordEdit")), crmPassword);
    QSignalSpy opened(&m_shell->postgresOpener(), &App::PostgresOpener::opened);
    QSignalSpy failed(&m_shell->postgresOpener(), &App::PostgresOpener::failed);
    QTest::mouseClick(page.findChild<QPushButton *>(QStringLiteral("connectDatabaseButton")),
                      Qt::LeftButton);
    return QTest::qWaitFor([&] { return opened.size() + failed.size() == 1; }, kOpenTimeoutMs) &&
           !page.isConnecting();
}

bool TestSignInApp::isMarked(Field field) const
{
    static const QHash<Field, QString> inputs{
        {Field::Tenant, QStringLiteral("tenantEdit")},
        {Field::UserName, QStringLiteral("userNameEdit")},
        {Field::CrmPassword, QStringLiteral("crmPasswordEdit")}};
    const auto *input = m_shell->databasePage().findChild<QWidget *>(inputs.value(field));
    return input && input->property("invalid").toString() == u"true";
}

// Action, TenantName and ApplicationName of each AbpSecurityLogs row for `userName`.
QList<QStringList> TestSignInApp::securityLog(const QString &userName)
{
    QList<QStringList> rows;
    auto db = Db::Database::openPostgres(m_crm->settings);
    if (!db)
        return {{u"<open failed>"_qs}};
    Db::SqlStatement st(*db.value(), QStringLiteral("test.security-log"));
    st.prepare(QStringLiteral("SELECT \"Action\", \"TenantName\", \"ApplicationName\", "
                              "\"Identity\" FROM \"AbpSecurityLogs\" WHERE \"UserName\" = :Name "
                              "ORDER BY \"CreationTime\""));
    st.bind(QStringLiteral(":Name"), userName);
    if (!st.exec())
        return {{u"<query failed>"_qs}};
    while (st.next()) {
        rows << QStringList{Db::Rows::text(st, "Action"), Db::Rows::text(st, "TenantName"),
                            Db::Rows::text(st, "ApplicationName"), Db::Rows::text(st, "Identity")};
    }
    return rows;
}

QAction *TestSignInApp::menuEntry(const QString &text)
{
    for (QAction *action : switcher().menu()->actions()) {
        if (action->text() == text)
            return action;
    }
    return nullptr;
}

Db::Driver TestSignInApp::currentDriver()
{
    return m_shell->session()->workspace().database().driver();
}

void TestSignInApp::theEmbeddedLocalAdminSeesNoTenantSwitcher()
{
    // The local administrator holds every SocialCrm permission, in the tenant Local.
    const SessionUser &user = m_shell->session()->workspace().user();
    QVERIFY(user.isGranted(Contract::kPermissionManageProviders));
    QVERIFY(user.tenantId);
    QVERIFY(switcher().isHidden());

    App::CrmSession *before = m_shell->session();
    const Result<void> switched = m_shell->actOnTenant(std::nullopt);
    QVERIFY(!switched.ok());
    QCOMPARE(switched.error().code, ErrorCode::PermissionDenied);
    QCOMPARE(m_shell->session(), before);
    QCOMPARE(m_shell->session()->workspace().user().tenantId, user.tenantId);
}

void TestSignInApp::signingInOpensTheDatabaseForThatUser()
{
    QSignalSpy switched(m_shell.get(), &App::AppShell::sessionChanged);
    // The e-mail address works as well as the user name, as on the CRM's own login page.
    QVERIFY(signIn(m_crm->tenantName, u"admin@example.com"_qs, kCrmPassword));

    QCOMPARE(switched.size(), 1);
    QCOMPARE(currentDriver(), Db::Driver::Postgres);
    const SessionUser &user = m_shell->session()->workspace().user();
    QCOMPARE(user.userId, m_crm->userId);
    QCOMPARE(user.tenantId, std::optional(m_crm->tenantId));
    QVERIFY(m_shell->window().statusText().endsWith(u"signed in as admin (Acme)"_qs));
    // One sign-in, one row: the UI thread's reopen did not sign in again.
    QCOMPARE(securityLog(u"admin"_qs), (QList<QStringList>{{u"LoginSucceeded"_qs, u"Acme"_qs,
                                                            u"EasyCrm"_qs, u"Identity"_qs}}));
    // Signed in, the password field is empty again.
    QVERIFY(m_shell->databasePage()
                .findChild<QLineEdit *>(QStringLiteral("crmPasswordEdit"))
                ->text()
                .isEmpty());
}

void TestSignInApp::refusedSignInsAreShownAtTheirField_data()
{
    QTest::addColumn<QString>("tenant");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<Field>("field");
    QTest::addColumn<QString>("message");    // the field's text starts with it
    QTest::addColumn<QString>("loggedAs");   // the security-log row's user name
    QTest::addColumn<QString>("action");     // empty: no row
    QTest::addColumn<QString>("screenshot"); // empty: none

    QTest::newRow("wrong-password")
        << u"Acme"_qs << u"admin"_qs << kWrongCrmPassword << Field::CrmPassword << kWrongCredentials
        << u"admin"_qs << u"LoginFailed"_qs << u"signin-wrong-password"_qs;
    // An unknown user and a wrong password are never told apart.
    QTest::newRow("unknown-user") << u"Acme"_qs << u"mallory"_qs << kCrmPassword
                                  << Field::CrmPassword << kWrongCredentials << u"mallory"_qs
                                  << u"LoginInvalidUserName"_qs << QString();
    QTest::newRow("another-tenants-user")
        << u"Acme"_qs << u"globex.admin"_qs << kCrmPassword << Field::CrmPassword
        << kWrongCredentials << u"globex.admin"_qs << u"LoginInvalidUserName"_qs << QString();
    QTest::newRow("unknown-tenant")
        << u"Umbrella"_qs << u"admin"_qs << kCrmPassword << Field::Tenant
        << u"The CRM has no tenant named Umbrella."_qs << u"admin"_qs << QString() << QString();
    QTest::newRow("inactive-user") << u"Acme"_qs << u"sleeper"_qs << kCrmPassword << Field::UserName
                                   << u"The CRM user sleeper is not active."_qs << u"sleeper"_qs
                                   << u"LoginNotAllowed"_qs << QString();
    QTest::newRow("locked-out-user")
        << u"Acme"_qs << u"locked.out"_qs << kCrmPassword << Field::UserName
        << u"Too many failed sign-ins: this account is locked until "_qs << u"locked.out"_qs
        << u"LoginLockedout"_qs << u"signin-locked-out"_qs;
}

void TestSignInApp::refusedSignInsAreShownAtTheirField()
{
    QFETCH(QString, tenant);
    QFETCH(QString, user);
    QFETCH(QString, password);
    QFETCH(Field, field);
    QFETCH(QString, message);
    QFETCH(QString, loggedAs);
    QFETCH(QString, action);
    QFETCH(QString, screenshot);
    App::CrmSession *before = m_shell->session();

    QVERIFY(signIn(tenant, user, password));

    // 1. SignIn's words, under the field to fix, which has the focus; nothing else is said.
    auto &page = m_shell->databasePage();
    QVERIFY2(page.fieldError(field).startsWith(message), qPrintable(page.fieldError(field)));
    QVERIFY(isMarked(field));
    QTRY_COMPARE(QApplication::focusWidget()->objectName(),
                 field == Field::Tenant     ? u"tenantEdit"_qs
                 : field == Field::UserName ? u"userNameEdit"_qs
                                            : u"crmPasswordEdit"_qs);
    QVERIFY(page.message().isEmpty());
    QVERIFY(!page.fieldError(field).contains(password));
    // 2. Nothing switched: the embedded database stays open and wired.
    QCOMPARE(m_shell->session(), before);
    QCOMPARE(currentDriver(), Db::Driver::Sqlite);
    // 3. ABP's login wrote its row (none for a tenant that does not exist).
    const QList<QStringList> rows = securityLog(loggedAs);
    if (action.isEmpty()) {
        QVERIFY(rows.isEmpty());
    } else {
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first(), (QStringList{action, tenant, u"EasyCrm"_qs, u"Identity"_qs}));
    }
    if (!screenshot.isEmpty())
        QVERIFY(!saveScreenshot(m_shell->window(), screenshot).isEmpty());
}

void TestSignInApp::theCrmPasswordIsKeptNowhere()
{
    // A failed sign-in, then a successful one with a typed PostgreSQL password to remember.
    QVERIFY(signIn(m_crm->tenantName, m_crm->userName, kWrongCrmPassword, kPgPassword));
    QVERIFY(signIn(m_crm->tenantName, m_crm->userName, kCrmPassword, kPgPassword));
    QCOMPARE(currentDriver(), Db::Driver::Postgres);

    // The keychain holds the PostgreSQL password alone.
    const App::PostgresTarget t = target(m_crm->tenantName, m_crm->userName);
    QCOMPARE(m_passwords->entries.keys(), QStringList{t.keychainAccount()});
    QCOMPARE(m_passwords->entries.value(t.keychainAccount()), kPgPassword);
    // The settings remember who signed in, never with what.
    QSettings settings;
    QCOMPARE(settings.value(QStringLiteral("postgres/userName")).toString(), m_crm->userName);
    QCOMPARE(settings.value(QStringLiteral("postgres/tenant")).toString(), m_crm->tenantName);
    settings.sync();
    QFile file(settings.fileName());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray stored = file.readAll();
    QVERIFY(!stored.isEmpty());
    QVERIFY(!stored.contains(kCrmPassword.toUtf8()));
    QVERIFY(!stored.contains(kWrongCrmPassword.toUtf8()));
    QVERIFY(!stored.contains(kPgPassword.toUtf8()));
    // No widget of the window shows it (the log lines are checked in cleanup()).
    for (const QLineEdit *edit : m_shell->window().findChildren<QLineEdit *>())
        QVERIFY2(!edit->text().contains(kCrmPassword), qPrintable(edit->objectName()));
    for (const QLabel *label : m_shell->window().findChildren<QLabel *>())
        QVERIFY2(!label->text().contains(kCrmPassword), qPrintable(label->objectName()));
}

void TestSignInApp::aHostAdminSwitchesTheTenantFromTheWindow()
{
    const SignInUsers &users = m_crm->signInUsers;
    QVERIFY(signIn(QString(), users.hostAdmin, kCrmPassword));
    QCOMPARE(currentDriver(), Db::Driver::Postgres);

    // 1. On the host: "Acting on: Host", the tenants by name in the menu.
    QVERIFY(switcher().isVisible());
    QCOMPARE(switcher().currentName(), u"Host"_qs);
    QStringList entries;
    for (const Ui::TenantSwitcher::Choice &choice : switcher().choices())
        entries << choice.name;
    QCOMPARE(entries, (QStringList{u"Host"_qs, u"Acme"_qs, u"Globex"_qs}));
    QVERIFY(m_shell->window().statusText().endsWith(u"signed in as host.admin (host)"_qs));

    // 2. Acme: a new session, the same user and permissions, Acme's id on what it writes.
    App::CrmSession *onHost = m_shell->session();
    const SessionUser hostUser = onHost->workspace().user();
    QSignalSpy switched(m_shell.get(), &App::AppShell::sessionChanged);
    menuEntry(u"Acme"_qs)->trigger();
    QCOMPARE(switched.size(), 1);
    const SessionUser &acting = m_shell->session()->workspace().user();
    QCOMPARE(acting.tenantId, std::optional(m_crm->tenantId));
    QCOMPARE(acting.userId, hostUser.userId);
    QCOMPARE(acting.permissions, hostUser.permissions);
    QCOMPARE(m_shell->session()->service().user().tenantId, std::optional(m_crm->tenantId));
    QCOMPARE(currentDriver(), Db::Driver::Postgres);
    // … and the window says so.
    QCOMPARE(switcher().currentName(), u"Acme"_qs);
    QVERIFY(menuEntry(u"Acme"_qs)->isChecked());
    QVERIFY2(m_shell->window().statusText().endsWith(
                 u"signed in as host.admin (host), acting on Acme"_qs),
             qPrintable(m_shell->window().statusText()));
    QCOMPARE(
        m_shell->databasePage().findChild<QLabel *>(QStringLiteral("currentDatabaseUser"))->text(),
        u"Signed in as host.admin on the host, acting on tenant Acme"_qs);
    // The sign-in was once, on the host; switching is no sign-in.
    QCOMPARE(securityLog(users.hostAdmin).size(), 1);

    // 3. The screenshot, with the menu open over the window.
    m_shell->window().showPage(&m_shell->socialPage());
    QVERIFY(!saveScreenshot(m_shell->window(), u"acting-on-tenant"_qs).isEmpty());
    QMenu *menu = switcher().menu();
    auto *button = switcher().findChild<QWidget *>(QStringLiteral("tenantSwitcherButton"));
    menu->popup(button->mapToGlobal(QPoint(0, button->height())));
    QVERIFY(QTest::qWaitForWindowExposed(menu));
    QPixmap shot = m_shell->window().grab();
    QPainter painter(&shot);
    painter.drawPixmap(m_shell->window().mapFromGlobal(menu->pos()), menu->grab());
    painter.end();
    menu->close();
    const QString dir = QFileInfo(saveScreenshot(switcher(), u"acting-on-switcher"_qs)).path();
    QVERIFY(shot.save(QDir(dir).filePath(u"acting-on-tenant-menu.png"_qs), "PNG"));

    // 4. Back to the host.
    menuEntry(u"Host"_qs)->trigger();
    QCOMPARE(switched.size(), 2);
    QVERIFY(!m_shell->session()->workspace().user().tenantId);
    QVERIFY(!m_shell->session()->workspace().user().actingOnTenant);
    QCOMPARE(switcher().currentName(), u"Host"_qs);
    QVERIFY(m_shell->window().statusText().endsWith(u"signed in as host.admin (host)"_qs));
}

void TestSignInApp::aTenantDeletedMeanwhileIsRefusedAtTheSwitcher()
{
    QVERIFY(signIn(QString(), m_crm->signInUsers.hostAdmin, kCrmPassword));
    QVERIFY(menuEntry(u"Globex"_qs));
    {
        // Another administrator deletes Globex in the CRM.
        auto db = Db::Database::openPostgres(m_crm->settings);
        QVERIFY(db.ok());
        QVERIFY(Db::execRaw(*db.value(),
                            u"UPDATE \"AbpTenants\" SET \"IsDeleted\" = TRUE WHERE \"Name\" = "
                            u"'Globex'"_qs,
                            u"test.delete-tenant"_qs)
                    .ok());
    }
    App::CrmSession *before = m_shell->session();

    menuEntry(u"Globex"_qs)->trigger();

    QCOMPARE(m_shell->session(), before);
    QCOMPARE(switcher().error(), u"That tenant no longer exists in the CRM."_qs);
    QCOMPARE(switcher().currentName(), u"Host"_qs);
    QVERIFY(!menuEntry(u"Globex"_qs)); // the menu was read again
}

void TestSignInApp::aTenantUserNeverSeesTheSwitcher()
{
    // Even holding the module's host permission inside its tenant.
    {
        auto db = Db::Database::openPostgres(m_crm->settings);
        QVERIFY(db.ok());
        QVERIFY(insertAbpRole(*db.value(), m_crm->tenantId, u"providers"_qs, m_crm->userId,
                              {Contract::kPermissionManageProviders})
                    .ok());
    }
    QVERIFY(signIn(m_crm->tenantName, m_crm->userName, kCrmPassword));
    QCOMPARE(currentDriver(), Db::Driver::Postgres);
    QVERIFY(m_shell->session()->workspace().user().isGranted(Contract::kPermissionManageProviders));

    QVERIFY(switcher().isHidden());
    const Result<void> switched = m_shell->actOnTenant(m_crm->signInUsers.otherTenantId);
    QVERIFY(!switched.ok());
    QCOMPARE(switched.error().code, ErrorCode::PermissionDenied);
    QCOMPARE(m_shell->session()->workspace().user().tenantId, std::optional(m_crm->tenantId));
}

QTEST_MAIN(TestSignInApp)
#include "tst_signinapp.moc"
