// The app as main() builds it (AppShell on the embedded database): the authorize URL goes to
// the desktop's URL opener, and an opener that finds no browser turns the waiting into the
// "Copy link" fallback instead of a wait that never ends. The refresh scheduler runs as soon
// as a database is open; a revoked grant shows up in the notifications panel and is announced
// once per transition, however many sweeps see the connection afterwards.
#include "app/appshell.h"
#include "app/crmsession.h"
#include "app/passwordstore.h"
#include "app/socialintegrationcontroller.h"
#include "core/crypto/dataprotector.h"
#include "core/db/connectionrepository.h"
#include "core/db/database.h"
#include "core/service/refreshscheduler.h"
#include "core/service/systembrowser.h"
#include "core/service/workspace.h"
#include "models/notificationmodel.h"
#include "models/translations.h"
#include "tests/lifecycle/faketokenendpoint.h"
#include "ui/mainwindow.h"
#include "ui/notificationspanel.h"
#include "ui/socialintegrationpage.h"
#include "ui/theme.h"

#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSystemTrayIcon>
#include <QTemporaryDir>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

namespace {

const QString kNoBrowserNotice = QStringLiteral(
    "The browser could not be opened. Use \"Copy link\" and open the link in your browser.");

} // namespace

class TestAppShell final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void theAuthorizeUrlReachesTheSystemBrowserUnchanged();
    void anOpenerWithoutBrowserOffersCopyLink_data();
    void anOpenerWithoutBrowserOffersCopyLink();

    void theSchedulerRunsOnceADatabaseIsOpen();
    void aRevokedGrantIsListedAndAnnouncedOncePerTransition();
    void aTransientFailureAnnouncesNothing();

private:
    QPushButton *button(const QString &key) const;
    QString message() const;
    QString stateText(const QString &key) const;
    void insertDueConnection();
    [[nodiscard]] bool sweepAndWait();

    FakeTokenEndpoint m_endpoint;
    QTemporaryDir m_dir;
    SystemClock m_clock;
    int m_run = 0;
    std::unique_ptr<App::AppShell> m_shell;
};

void TestAppShell::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(m_endpoint.listen());
    QCoreApplication::setOrganizationName(QStringLiteral("EasyCRM-Test"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_appshell"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                       m_dir.filePath(QStringLiteral("config")));
    QVERIFY(Models::installTranslations(*qApp, QLocale::c()));
    Ui::Theme::applyAppearance(*qApp);
}

void TestAppShell::init()
{
    App::AppShell::Options options;
    options.embeddedPath = m_dir.filePath(QStringLiteral("crm-%1.sqlite").arg(++m_run));
    // The Sandbox provider's token endpoint is the scripted one; its sign-in page is never
    // visited here.
    options.sandbox.issuer = m_endpoint.issuer();
    options.refreshInterval = std::chrono::hours(1);
    m_shell =
        std::make_unique<App::AppShell>(m_clock, std::make_unique<App::NoPasswordStore>(), options);
    const Result<void> opened = m_shell->openEmbedded();
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().detail));
    m_shell->window().resize(1040, 760);
    m_shell->window().show();
    QVERIFY(QTest::qWaitForWindowExposed(&m_shell->window()));
}

void TestAppShell::cleanup()
{
    m_shell.reset();
}

QPushButton *TestAppShell::button(const QString &key) const
{
    return m_shell->window().findChild<QPushButton *>(QStringLiteral("connectButton_") + key);
}

QString TestAppShell::message() const
{
    const auto *label = m_shell->socialPage().findChild<QLabel *>(QStringLiteral("messageText"));
    return label && label->isVisible() ? label->text() : QString();
}

void TestAppShell::theAuthorizeUrlReachesTheSystemBrowserUnchanged()
{
    const QString received = m_dir.filePath(QStringLiteral("url-%1").arg(m_run));
    m_shell->systemBrowser().setOpener(
        QStringLiteral("sh"),
        {QStringLiteral("-c"),
         QStringLiteral("printf %s \"$1\" > '%1'; touch '%1.done'").arg(received),
         QStringLiteral("opener")});
    QTest::mouseClick(button(QStringLiteral("sandbox")), Qt::LeftButton);
    QTRY_VERIFY(QFile::exists(received + u".done"));
    QFile file(received);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QUrl url = m_shell->session()->service().authorizeUrl();
    QVERIFY(url.isValid());
    QCOMPARE(file.readAll(), url.toEncoded());
    QCOMPARE(m_shell->session()->service().phase(), FlowPhase::WaitingForBrowser);
    QVERIFY(message() != kNoBrowserNotice);
}

void TestAppShell::anOpenerWithoutBrowserOffersCopyLink_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QStringList>("arguments");
    // xdg-open exits 3 when it finds no browser, after printing the URL.
    QTest::newRow("no-browser-exit-3")
        << QStringLiteral("sh")
        << QStringList{QStringLiteral("-c"), QStringLiteral("echo \"$1\"; exit 3"),
                       QStringLiteral("opener")};
    QTest::newRow("opener-missing") << QStringLiteral("/nonexistent/xdg-open") << QStringList{};
}

void TestAppShell::anOpenerWithoutBrowserOffersCopyLink()
{
    QFETCH(QString, program);
    QFETCH(QStringList, arguments);
    m_shell->systemBrowser().setOpener(program, arguments);
    QTest::mouseClick(button(QStringLiteral("sandbox")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(message(), kNoBrowserNotice, 10000);
    // Still waiting, with the link to copy and Cancel: the person can go on by hand.
    QCOMPARE(m_shell->session()->service().phase(), FlowPhase::WaitingForBrowser);
    const auto *waiting = m_shell->window().findChild<QWidget *>(QStringLiteral("waitingPanel"));
    QVERIFY(waiting && waiting->isVisible());
    const auto *copyLink = waiting->findChild<QPushButton *>(QStringLiteral("copyLinkButton"));
    QVERIFY(copyLink && copyLink->isVisible() && copyLink->isEnabled());
}

QString TestAppShell::stateText(const QString &key) const
{
    const auto *label =
        m_shell->socialPage().findChild<QLabel *>(QStringLiteral("stateLabel_") + key);
    return label ? label->text() : QString();
}

// A Sandbox connection of the signed-in user whose access token expires within the lead time.
void TestAppShell::insertDueConnection()
{
    Workspace &crm = m_shell->session()->workspace();
    Db::IntegrationConnection row;
    row.tenantId = crm.user().tenantId;
    row.ownerUserId = crm.user().userId;
    row.providerKey = QStringLiteral("sandbox");
    row.externalUserId = QStringLiteral("u-alice");
    row.externalHandle = QStringLiteral("alice");
    row.protectedAccessToken = crm.protector().protect("a1").value();
    row.protectedRefreshToken = crm.protector().protect("r1").value();
    row.accessTokenExpiresAt = m_clock.nowUtc().addSecs(30);
    row.grantedScopes = {QStringLiteral("profile")};
    row.status = Db::ConnectionStatus::Connected;
    row.lastSyncTime = m_clock.nowUtc();
    row.creationTime = m_clock.nowUtc();
    QVERIFY(Db::ConnectionRepository(crm.database()).insert(row).ok());
}

bool TestAppShell::sweepAndWait()
{
    RefreshScheduler &scheduler = m_shell->session()->scheduler();
    QSignalSpy finished(&scheduler, &RefreshScheduler::sweepFinished);
    scheduler.sweep();
    return finished.wait(10000);
}

void TestAppShell::theSchedulerRunsOnceADatabaseIsOpen()
{
    QVERIFY(m_shell->session()->scheduler().isActive());
    QVERIFY(m_shell->window().findChild<Ui::NotificationsPanel *>());
    // Offscreen there is no tray: nothing is created that could not be shown.
    QCOMPARE(m_shell->trayIcon() != nullptr, QSystemTrayIcon::isSystemTrayAvailable());
}

void TestAppShell::aRevokedGrantIsListedAndAnnouncedOncePerTransition()
{
    m_endpoint.setReply({400, errorJson("invalid_grant")});
    insertDueConnection();
    m_shell->session()->controller().reload();
    QSignalSpy announced(m_shell.get(), &App::AppShell::reauthAnnounced);

    // 1. The sweep finds the grant revoked: the row, the panel and the announcement say so.
    QVERIFY(sweepAndWait());
    const QString expected = QStringLiteral("Your Sandbox connection needs re-authentication");
    QCOMPARE(announced.size(), 1);
    QCOMPARE(announced.at(0).at(0).toString(), expected);
    QCOMPARE(stateText(QStringLiteral("sandbox")), QStringLiteral("Requires Re-auth"));
    QAbstractItemModel *listed = m_shell->notificationsPanel().view()->model();
    QCOMPARE(listed->rowCount(), 1);
    QCOMPARE(listed->index(0, 0).data().toString(), expected);

    // 2. Later sweeps see the same degraded connection: no second announcement.
    QVERIFY(sweepAndWait());
    QVERIFY(sweepAndWait());
    QCOMPARE(announced.size(), 1);
    QCOMPARE(listed->rowCount(), 1);

    // 3. The panel's action opens Settings — Social Integration, where Reconnect is.
    m_shell->window().showPage(&m_shell->notificationsPanel());
    QPushButton *open = nullptr;
    for (QPushButton *candidate : m_shell->notificationsPanel().findChildren<QPushButton *>()) {
        if (candidate->text() == u"Open Settings")
            open = candidate;
    }
    QVERIFY(open);
    QTest::mouseClick(open, Qt::LeftButton);
    QCOMPARE(m_shell->window().currentPage(), &m_shell->socialPage());
    QCOMPARE(button(QStringLiteral("sandbox"))->text(), QStringLiteral("Reconnect"));
}

void TestAppShell::aTransientFailureAnnouncesNothing()
{
    m_endpoint.setReply({503, {}});
    insertDueConnection();
    QSignalSpy announced(m_shell.get(), &App::AppShell::reauthAnnounced);
    QVERIFY(sweepAndWait());
    QVERIFY(sweepAndWait());
    QVERIFY(announced.isEmpty());
    QCOMPARE(m_shell->notificationsPanel().view()->model()->rowCount(), 0);
}

QTEST_MAIN(TestAppShell)
#include "tst_appshell.moc"
