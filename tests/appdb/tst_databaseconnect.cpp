// Settings — Database wired into the app: a click on Connect opens a PostgreSQL CRM database
// off the UI thread, errors land inline at the field to fix, and success switches the whole
// app (service, model, Social Integration) to that database.
//
// Always: an unreachable server (a port nothing listens on), a server that accepts and never
// answers (the event loop keeps running meanwhile), cancel, and the keychain's part.
// Under tests/db/with-postgres.sh (EASYCRM_TEST_DRIVER=postgres) also: bad credentials, an
// unknown database, databases that are not CRM databases, and a real switch to a seeded CRM
// database and back to the embedded one. The CRM sign-in itself: tst_signinapp.
#include "app/appshell.h"
#include "app/crmsession.h"
#include "app/databasecontroller.h"
#include "app/passwordstore.h"
#include "core/db/database.h"
#include "core/db/sqlstatement.h"
#include "core/service/crmcontract.h"
#include "models/translations.h"
#include "tests/appdb/fakepasswordstore.h"
#include "tests/support/logcapture.h"
#include "tests/support/postgrescrm.h"
#include "tests/ui/screenshot.h"
#include "ui/brandaccountspage.h"
#include "ui/databasepage.h"
#include "ui/mainwindow.h"
#include "ui/socialintegrationpage.h"
#include "ui/theme.h"

#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace EasyCrm;
using namespace EasyCrm::Testing;
using Field = EasyCrm::Ui::DatabasePage::Field;

Q_DECLARE_METATYPE(EasyCrm::Ui::DatabasePage::Field)

namespace {

constexpr int kOpenTimeoutMs = 30000;
// The CRM password of the fixture's users.
const QString kCrmPassword = QString::fromLatin1(kPostgresCrmPassword);
// Every password these tests type or keep; none may reach a log line.
const QStringList kPasswords{QStringLiteral("s3cret"), QStringLiteral("wr0ng-pass"),
                             QStringLiteral("typed-pass"), QStringLiteral("kept-pass"),
                             kCrmPassword};

// A port on 127.0.0.1 that nothing listens on: bound once, then released.
quint16 closedPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost))
        return 0;
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

App::PostgresTarget target(const QString &host, int port, const QString &database)
{
    App::PostgresTarget target;
    target.host = host;
    target.port = port;
    target.database = database;
    target.user = QStringLiteral("crm_app");
    target.sslMode = QStringLiteral("disable");
    target.userName = QStringLiteral("admin");
    return target;
}

App::PostgresTarget targetOf(const PostgresCrm &crm)
{
    App::PostgresTarget t = target(crm.settings.host, crm.settings.port, crm.settings.database);
    t.user = crm.settings.user;
    t.tenantName = crm.tenantName;
    if (!crm.userName.isEmpty()) // an unseeded database has no user: keep the form's "admin"
        t.userName = crm.userName;
    return t;
}

} // namespace

class TestDatabaseConnect final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void startsOnTheEmbeddedDatabase();
    void unreachableServerIsShownAtTheHostField();
    void theEventLoopKeepsRunningWhileAConnectIsPending();
    void anAbandonedAttemptNeverOverwritesANewerOne();
    void anEmptyPasswordIsLookedUpInTheKeychain();
    void withoutAKeychainNothingIsReadOrSaved();
    void aCommandLineOpenWaitsForTheCrmPassword();

    void badCredentialsAreShownAtTheUserField();
    void anUnknownDatabaseIsShownAtTheDatabaseField();
    void aDatabaseThatIsNotACrmDatabaseNamesWhatIsMissing_data();
    void aDatabaseThatIsNotACrmDatabaseNamesWhatIsMissing();
    void connectingSwitchesTheAppToPostgresAndBack();
    void aCommandLineOpenUsesTheKeychainAndShowsSocialIntegration();

private:
    void makeShell(bool keychain, const App::PostgresOpener::Timeouts &timeouts = {},
                   bool embedded = true);
    void fillForm(const App::PostgresTarget &target, const QString &password = {},
                  const QString &crmPassword = kCrmPassword);
    void clickConnect();
    bool connectAndWait(const App::PostgresTarget &target, const QString &password = {});
    [[nodiscard]] bool isMarked(Field field) const;
    [[nodiscard]] QString message() const { return m_shell->databasePage().message(); }
    [[nodiscard]] Db::Driver currentDriver();
    PostgresCrm createCrm(const PostgresCrmOptions &options);

    QTemporaryDir m_dir;
    SystemClock m_clock;
    int m_run = 0;
    FakePasswordStore *m_passwords = nullptr;
    std::unique_ptr<App::AppShell> m_shell;
    QList<PostgresCrm> m_crms;
    std::unique_ptr<LogCapture> m_log;
};

void TestDatabaseConnect::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_log = std::make_unique<LogCapture>();
    // The remembered connection goes to a settings file of this test, not the person's.
    QCoreApplication::setOrganizationName(QStringLiteral("EasyCRM-Test"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_databaseconnect"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                       m_dir.filePath(QStringLiteral("config")));
    QVERIFY(Models::installTranslations(*qApp, QLocale::c()));
    Ui::Theme::applyAppearance(*qApp);
}

void TestDatabaseConnect::init()
{
    makeShell(true);
}

void TestDatabaseConnect::makeShell(bool keychain, const App::PostgresOpener::Timeouts &timeouts,
                                    bool embedded)
{
    m_shell.reset();
    auto passwords = std::make_unique<FakePasswordStore>(keychain);
    m_passwords = passwords.get();
    App::AppShell::Options options;
    options.embeddedPath = m_dir.filePath(QStringLiteral("crm-%1.sqlite").arg(++m_run));
    options.timeouts = timeouts;
    m_shell = std::make_unique<App::AppShell>(m_clock, std::move(passwords), options);
    m_shell->setBrowserOpener([](const QUrl &) { return false; });
    if (embedded) {
        const Result<void> opened = m_shell->openEmbedded();
        QVERIFY2(opened.ok(), qPrintable(opened.error().detail));
    }
    m_shell->window().resize(1040, 900);
    m_shell->window().show();
    m_shell->window().showPage(&m_shell->databasePage());
    QVERIFY(QTest::qWaitForWindowExposed(&m_shell->window()));
}

void TestDatabaseConnect::cleanup()
{
    m_shell.reset();
    // With every easycrm category at debug, nothing any test typed as a password was logged.
    const QStringList lines = m_log->lines();
    QVERIFY(!lines.isEmpty());
    for (const QString &line : lines) {
        for (const QString &password : kPasswords)
            QVERIFY2(!line.contains(password), qPrintable(line));
    }
    for (const PostgresCrm &crm : std::as_const(m_crms))
        QVERIFY(dropPostgresCrm(crm).ok());
    m_crms.clear();
    QSettings().clear();
}

void TestDatabaseConnect::fillForm(const App::PostgresTarget &target, const QString &password,
                                   const QString &crmPassword)
{
    auto &page = m_shell->databasePage();
    const auto set = [&page](const char *name, const QString &text) {
        page.findChild<QLineEdit *>(QString::fromLatin1(name))->setText(text);
    };
    set("hostEdit", target.host);
    page.findChild<QSpinBox *>(QStringLiteral("portSpin"))->setValue(target.port);
    set("databaseEdit", target.database);
    set("userEdit", target.user);
    set("passwordEdit", password);
    set("tenantEdit", target.tenantName);
    set("userNameEdit", target.userName);
    set("crmPasswordEdit", crmPassword);
    Ui::DatabasePage::Connection form = page.connection();
    form.sslMode = target.sslMode;
    page.setConnection(form);
}

void TestDatabaseConnect::clickConnect()
{
    auto *button =
        m_shell->databasePage().findChild<QPushButton *>(QStringLiteral("connectDatabaseButton"));
    QTest::mouseClick(button, Qt::LeftButton);
}

// True once the attempt the click started has ended, opened or failed. (A refused loopback
// connection can fail before the click returns, so "connecting" is not waited for first.)
bool TestDatabaseConnect::connectAndWait(const App::PostgresTarget &target, const QString &password)
{
    fillForm(target, password);
    QSignalSpy requested(&m_shell->databasePage(), &Ui::DatabasePage::connectRequested);
    QSignalSpy opened(&m_shell->postgresOpener(), &App::PostgresOpener::opened);
    QSignalSpy failed(&m_shell->postgresOpener(), &App::PostgresOpener::failed);
    clickConnect();
    if (requested.size() != 1)
        return false;
    return QTest::qWaitFor([&] { return opened.size() + failed.size() == 1; }, kOpenTimeoutMs) &&
           !m_shell->databasePage().isConnecting();
}

bool TestDatabaseConnect::isMarked(Field field) const
{
    static const QHash<Field, QString> inputs{{Field::Host, QStringLiteral("hostEdit")},
                                              {Field::Database, QStringLiteral("databaseEdit")},
                                              {Field::User, QStringLiteral("userEdit")},
                                              {Field::Password, QStringLiteral("passwordEdit")},
                                              {Field::Tenant, QStringLiteral("tenantEdit")},
                                              {Field::UserName, QStringLiteral("userNameEdit")}};
    const auto *input = m_shell->databasePage().findChild<QWidget *>(inputs.value(field));
    return input && input->property("invalid").toString() == u"true";
}

Db::Driver TestDatabaseConnect::currentDriver()
{
    return m_shell->session()->workspace().database().driver();
}

PostgresCrm TestDatabaseConnect::createCrm(const PostgresCrmOptions &options)
{
    Result<PostgresCrm> crm = createPostgresCrm(QStringLiteral("appdb"), options);
    if (!crm) {
        qWarning().noquote() << "fixture:" << crm.error().detail;
        return {};
    }
    m_crms << crm.value();
    return crm.value();
}

void TestDatabaseConnect::startsOnTheEmbeddedDatabase()
{
    QVERIFY(m_shell->session());
    QCOMPARE(currentDriver(), Db::Driver::Sqlite);
    auto *kind = m_shell->databasePage().findChild<QLabel *>(QStringLiteral("currentDatabaseKind"));
    QCOMPARE(kind->text(), QStringLiteral("Embedded database (SQLite)"));
    QVERIFY(m_shell->window().statusText().contains(u"crm-"));
}

void TestDatabaseConnect::unreachableServerIsShownAtTheHostField()
{
    const quint16 port = closedPort();
    QVERIFY(port != 0);
    App::CrmSession *before = m_shell->session();

    QVERIFY(connectAndWait(target(QStringLiteral("127.0.0.1"), port, QStringLiteral("crm"))));

    const QString server = QStringLiteral("127.0.0.1:%1").arg(port);
    QVERIFY2(message().startsWith(QStringLiteral("No PostgreSQL server answers at ") + server),
             qPrintable(message()));
    QVERIFY(isMarked(Field::Host));
    // Nothing switched: the embedded database stays open and wired.
    QCOMPARE(m_shell->session(), before);
    QCOMPARE(currentDriver(), Db::Driver::Sqlite);
    QVERIFY(!Testing::saveScreenshot(m_shell->window(), QStringLiteral("database-unreachable"))
                 .isEmpty());
}

void TestDatabaseConnect::theEventLoopKeepsRunningWhileAConnectIsPending()
{
    // A server that accepts the connection and never says a word: libpq waits for its
    // connect timeout, which must not be the UI thread's wait.
    makeShell(true, {/*checkSeconds*/ 3, /*openSeconds*/ 2});
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    int ticks = 0;
    QTimer heartbeat;
    connect(&heartbeat, &QTimer::timeout, this, [&ticks] { ++ticks; });
    heartbeat.start(20);

    fillForm(target(QStringLiteral("127.0.0.1"), silent.serverPort(), QStringLiteral("crm")));
    clickConnect();
    QVERIFY(m_shell->databasePage().isConnecting());
    QTRY_VERIFY(silent.hasPendingConnections());
    const int ticksAtAccept = ticks;
    QTRY_VERIFY(ticks >= ticksAtAccept + 25);        // half a second of timer ticks …
    QVERIFY(m_shell->databasePage().isConnecting()); // … while the connect still waits

    QTRY_VERIFY_WITH_TIMEOUT(!m_shell->databasePage().isConnecting(), kOpenTimeoutMs);
    QVERIFY2(message().startsWith(QStringLiteral("No PostgreSQL server answers")),
             qPrintable(message()));
    QVERIFY(isMarked(Field::Host));
}

void TestDatabaseConnect::anAbandonedAttemptNeverOverwritesANewerOne()
{
    makeShell(true, {/*checkSeconds*/ 2, /*openSeconds*/ 2});
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    fillForm(target(QStringLiteral("127.0.0.1"), silent.serverPort(), QStringLiteral("crm")));
    clickConnect();
    QTRY_VERIFY(silent.hasPendingConnections());
    QTest::mouseClick(
        m_shell->databasePage().findChild<QPushButton *>(QStringLiteral("cancelConnectButton")),
        Qt::LeftButton);
    QVERIFY(!m_shell->databasePage().isConnecting());
    QVERIFY(message().contains(u"cancelled"));

    // A newer attempt, then the abandoned one ends (its server sees libpq give up).
    const quint16 port = closedPort();
    QVERIFY(connectAndWait(target(QStringLiteral("127.0.0.1"), port, QStringLiteral("crm"))));
    const QString newer = message();
    QVERIFY(newer.contains(QStringLiteral("127.0.0.1:%1").arg(port)));
    QList<QTcpSocket *> seen; // the reachability probe's connection, then libpq's
    const auto allClosed = [&silent, &seen] {
        while (silent.hasPendingConnections())
            seen << silent.nextPendingConnection();
        return seen.size() >= 2 && std::all_of(seen.cbegin(), seen.cend(), [](QTcpSocket *s) {
                   return s->state() == QAbstractSocket::UnconnectedState;
               });
    };
    QTRY_VERIFY_WITH_TIMEOUT(allClosed(), kOpenTimeoutMs);
    QTRY_COMPARE(m_shell->postgresOpener().runningChecks(), 0);
    QCoreApplication::processEvents();
    QCOMPARE(message(), newer);
    QCOMPARE(currentDriver(), Db::Driver::Sqlite);
}

void TestDatabaseConnect::anEmptyPasswordIsLookedUpInTheKeychain()
{
    const App::PostgresTarget unreachable =
        target(QStringLiteral("127.0.0.1"), closedPort(), QStringLiteral("crm"));
    QVERIFY(connectAndWait(unreachable));
    QCOMPARE(m_passwords->reads, QStringList{unreachable.keychainAccount()});
    QVERIFY(!unreachable.keychainAccount().contains(u"s3cret"));

    // A typed password is used as typed, and a failed attempt saves nothing.
    QVERIFY(connectAndWait(unreachable, QStringLiteral("s3cret")));
    QCOMPARE(m_passwords->reads.size(), 1);
    QVERIFY(m_passwords->entries.isEmpty());
}

void TestDatabaseConnect::withoutAKeychainNothingIsReadOrSaved()
{
    makeShell(false);
    auto *remember =
        m_shell->databasePage().findChild<QWidget *>(QStringLiteral("rememberPasswordCheck"));
    QVERIFY(remember->isHidden());
    QVERIFY(connectAndWait(target(QStringLiteral("127.0.0.1"), closedPort(), QStringLiteral("crm")),
                           QStringLiteral("s3cret")));
    QVERIFY(m_passwords->reads.isEmpty());
    QVERIFY(m_passwords->entries.isEmpty());
}

void TestDatabaseConnect::aCommandLineOpenWaitsForTheCrmPassword()
{
    makeShell(true, {}, false);
    QVERIFY(!m_shell->session());
    const App::PostgresTarget t =
        target(QStringLiteral("127.0.0.1"), closedPort(), QStringLiteral("crm"));
    QSignalSpy failed(&m_shell->postgresOpener(), &App::PostgresOpener::failed);

    m_shell->showPostgresSignIn(t);

    // 1. Nothing is tried without the CRM password: the form waits for it, filled in.
    QCOMPARE(m_shell->window().currentPage(), &m_shell->databasePage());
    QVERIFY(!m_shell->postgresOpener().isBusy());
    QVERIFY(!m_shell->databasePage().isConnecting());
    QCOMPARE(App::targetFromForm(m_shell->databasePage().connection()), t);
    QTRY_COMPARE(QApplication::focusWidget()->objectName(), QStringLiteral("crmPasswordEdit"));
    QVERIFY2(message().startsWith(u"Sign in to EasyCRM to open "_qs + t.address()),
             qPrintable(message()));
    auto *socialMessage = m_shell->socialPage().findChild<QLabel *>(QStringLiteral("messageText"));
    QVERIFY(socialMessage->text().startsWith(QStringLiteral("No CRM database is open yet.")));
    QVERIFY(m_passwords->reads.isEmpty());

    // 2. The person types it and connects: the open goes as from the page.
    QTest::keyClicks(QApplication::focusWidget(), kCrmPassword);
    clickConnect();
    QTRY_COMPARE(failed.size(), 1);
    QVERIFY(!m_shell->session());
    QVERIFY(message().startsWith(QStringLiteral("No PostgreSQL server answers")));
    QCOMPARE(m_passwords->reads, QStringList{t.keychainAccount()});
}

void TestDatabaseConnect::badCredentialsAreShownAtTheUserField()
{
    if (!postgresAvailable())
        QSKIP("needs PostgreSQL: run under tests/db/with-postgres.sh");
    App::PostgresTarget t = targetOf(createCrm({}));
    QVERIFY(!t.database.isEmpty());
    t.user = QStringLiteral("no_such_role");

    QVERIFY(connectAndWait(t, QStringLiteral("wr0ng-pass")));

    QVERIFY2(message().startsWith(
                 QStringLiteral("The server refused to sign in no_such_role. Check the user "
                                "name and the password.")),
             qPrintable(message()));
    QVERIFY(isMarked(Field::User));
    QVERIFY(!message().contains(u"wr0ng-pass"));
    QCOMPARE(currentDriver(), Db::Driver::Sqlite);
}

void TestDatabaseConnect::anUnknownDatabaseIsShownAtTheDatabaseField()
{
    if (!postgresAvailable())
        QSKIP("needs PostgreSQL: run under tests/db/with-postgres.sh");
    const Db::PostgresSettings server = postgresServerSettings();
    App::PostgresTarget t =
        target(server.host, server.port, QStringLiteral("easycrm_no_such_database"));
    t.user = server.user;

    QVERIFY(connectAndWait(t));

    QVERIFY2(message().startsWith(QStringLiteral("The server at %1:%2 has no database named "
                                                 "easycrm_no_such_database.")
                                      .arg(server.host)
                                      .arg(server.port)),
             qPrintable(message()));
    QVERIFY(isMarked(Field::Database));
}

void TestDatabaseConnect::aDatabaseThatIsNotACrmDatabaseNamesWhatIsMissing_data()
{
    QTest::addColumn<int>("contents");
    QTest::addColumn<QString>("dropColumn"); // "Table.Column" removed after seeding
    QTest::addColumn<QString>("named");
    using Contents = PostgresCrmOptions::Contents;
    QTest::newRow("empty-database")
        << int(Contents::Empty) << QString() << QStringLiteral("none of the CRM server's tables");
    QTest::newRow("abp-column-missing")
        << int(Contents::Seeded) << QStringLiteral("AbpSecurityLogs.CorrelationId")
        << QStringLiteral("AbpSecurityLogs.CorrelationId");
    QTest::newRow("key-ring-table-missing")
        << int(Contents::Seeded) << QStringLiteral("DataProtectionKeys.")
        << QStringLiteral("DataProtectionKeys");
}

void TestDatabaseConnect::aDatabaseThatIsNotACrmDatabaseNamesWhatIsMissing()
{
    if (!postgresAvailable())
        QSKIP("needs PostgreSQL: run under tests/db/with-postgres.sh");
    QFETCH(int, contents);
    QFETCH(QString, dropColumn);
    QFETCH(QString, named);
    PostgresCrmOptions options;
    options.contents = PostgresCrmOptions::Contents(contents);
    const PostgresCrm crm = createCrm(options);
    QVERIFY(!crm.settings.database.isEmpty());
    if (!dropColumn.isEmpty()) {
        auto db = Db::Database::openPostgres(crm.settings);
        QVERIFY(db.ok());
        const QStringList parts = dropColumn.split(u'.');
        const QString sql = parts.at(1).isEmpty()
                                ? QStringLiteral("DROP TABLE \"%1\"").arg(parts.at(0))
                                : QStringLiteral("ALTER TABLE \"%1\" DROP COLUMN \"%2\"")
                                      .arg(parts.at(0), parts.at(1));
        QVERIFY(Db::execRaw(*db.value(), sql, QStringLiteral("test.break-contract")).ok());
    }

    QVERIFY(connectAndWait(targetOf(crm)));

    QVERIFY2(message().contains(named), qPrintable(message()));
    QVERIFY(isMarked(Field::Database));
    QCOMPARE(currentDriver(), Db::Driver::Sqlite);
    if (qstrcmp(QTest::currentDataTag(), "abp-column-missing") == 0)
        QVERIFY(!Testing::saveScreenshot(m_shell->window(),
                                         QStringLiteral("database-not-a-crm-database"))
                     .isEmpty());
}

void TestDatabaseConnect::connectingSwitchesTheAppToPostgresAndBack()
{
    if (!postgresAvailable())
        QSKIP("needs PostgreSQL: run under tests/db/with-postgres.sh");
    const PostgresCrm crm = createCrm({});
    QVERIFY(!crm.settings.database.isEmpty());
    const App::PostgresTarget t = targetOf(crm);
    QSignalSpy switched(m_shell.get(), &App::AppShell::sessionChanged);

    // 1. A typed password, to be remembered: the server trusts loopback, so any works.
    QVERIFY(connectAndWait(t, QStringLiteral("typed-pass")));

    QCOMPARE(switched.size(), 1);
    QVERIFY2(message().startsWith(t.address() + QStringLiteral(" is open.")),
             qPrintable(message()));
    QCOMPARE(currentDriver(), Db::Driver::Postgres);
    QCOMPARE(m_shell->session()->workspace().user().userName, crm.userName);
    auto &page = m_shell->databasePage();
    QCOMPARE(page.findChild<QLabel *>(QStringLiteral("currentDatabaseKind"))->text(),
             QStringLiteral("PostgreSQL"));
    QVERIFY(m_shell->window().statusText().startsWith(t.address()));
    // Social Integration now lists what the PostgreSQL database holds, one row per provider.
    const auto statuses = m_shell->session()->service().providerStatuses();
    QVERIFY(statuses.ok());
    QVERIFY(!statuses.value().isEmpty());
    const QRegularExpression rowButton(QStringLiteral("^connectButton_"));
    QTRY_COMPARE(m_shell->socialPage().findChildren<QPushButton *>(rowButton).size(),
                 statuses.value().size());
    // Its CRM user holds no SocialCrm permission: Brand Accounts is not offered.
    QVERIFY(!m_shell->session()->workspace().user().isGranted(
        Contract::kPermissionUseBrandAccounts));
    QVERIFY(!m_shell->window().isPageVisible(&m_shell->brandPage()));
    // 2. The keychain got the typed password; the settings the connection, never the password.
    QCOMPARE(m_passwords->entries.value(t.keychainAccount()), QStringLiteral("typed-pass"));
    QSettings settings;
    QCOMPARE(settings.value(QStringLiteral("postgres/database")).toString(), t.database);
    QCOMPARE(settings.value(QStringLiteral("postgres/userName")).toString(), t.userName);
    settings.sync();
    QFile file(settings.fileName());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray stored = file.readAll();
    QVERIFY(!stored.contains("typed-pass"));
    QVERIFY(!stored.contains(kPostgresCrmPassword));
    QVERIFY(!Testing::saveScreenshot(m_shell->window(), QStringLiteral("database-postgres-open"))
                 .isEmpty());

    // 3. Back to the embedded database: a new session on SQLite behind the same pages.
    QTest::mouseClick(page.findChild<QPushButton *>(QStringLiteral("useEmbeddedButton")),
                      Qt::LeftButton);
    QCOMPARE(switched.size(), 2);
    QCOMPARE(currentDriver(), Db::Driver::Sqlite);
    // Its administrator holds them: the page is back.
    QVERIFY(m_shell->window().isPageVisible(&m_shell->brandPage()));
}

void TestDatabaseConnect::aCommandLineOpenUsesTheKeychainAndShowsSocialIntegration()
{
    if (!postgresAvailable())
        QSKIP("needs PostgreSQL: run under tests/db/with-postgres.sh");
    makeShell(true, {}, false);
    const PostgresCrm crm = createCrm({});
    QVERIFY(!crm.settings.database.isEmpty());
    const App::PostgresTarget t = targetOf(crm);
    m_passwords->entries.insert(t.keychainAccount(), QStringLiteral("kept-pass"));
    QSignalSpy switched(m_shell.get(), &App::AppShell::sessionChanged);

    m_shell->showPostgresSignIn(t);
    QTRY_COMPARE(QApplication::focusWidget()->objectName(), QStringLiteral("crmPasswordEdit"));
    QTest::keyClicks(QApplication::focusWidget(), kCrmPassword);
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);

    QTRY_COMPARE_WITH_TIMEOUT(switched.size(), 1, kOpenTimeoutMs);
    QCOMPARE(m_passwords->reads, QStringList{t.keychainAccount()});
    QCOMPARE(currentDriver(), Db::Driver::Postgres);
    QCOMPARE(m_shell->window().currentPage(), &m_shell->socialPage());
    // Nothing new to save: the password came from the keychain.
    QCOMPARE(m_passwords->entries.size(), 1);
}

QTEST_MAIN(TestDatabaseConnect)
#include "tst_databaseconnect.moc"
