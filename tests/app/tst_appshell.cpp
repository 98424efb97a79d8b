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
#include "core/db/connectionhistoryrepository.h"
#include "core/db/connectionrepository.h"
#include "core/db/database.h"
#include "core/service/refreshscheduler.h"
#include "core/service/systembrowser.h"
#include "core/service/workspace.h"
#include "models/notificationmodel.h"
#include "models/translations.h"
#include "tests/lifecycle/faketokenendpoint.h"
#include "tests/ui/screenshot.h"
#include "ui/connectiondetailsdialog.h"
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
#include <QTreeWidget>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

namespace {

// The tokens the tests hand out; not one may reach a widget.
const QByteArray kAccess1 = QByteArrayLiteral("access-token-one-SECRET");
const QByteArray kRefresh1 = QByteArrayLiteral("refresh-token-one-SECRET");
const QByteArray kAccess2 = QByteArrayLiteral("access-token-two-SECRET");
const QByteArray kRefresh2 = QByteArrayLiteral("refresh-token-two-SECRET");

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
    void detailsShowTheLifecycleAndNoToken();

private:
    QPushButton *button(const QString &key) const;
    QString message() const;
    QString stateText(const QString &key) const;
    void insertDueConnection();
    [[nodiscard]] bool sweepAndWait();

    FakeTokenEndpoint m_endpoint;
    QTemporaryDir m_dir;
    ManualClock m_clock{QDateTime::currentDateTimeUtc()};
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
    const auto *waiting =
        m_shell->socialPage().findChild<QWidget *>(QStringLiteral("waitingPanel"));
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
    row.externalDisplayName = QStringLiteral("Alice Example");
    row.protectedAccessToken = crm.protector().protect(kAccess1).value();
    row.protectedRefreshToken = crm.protector().protect(kRefresh1).value();
    row.accessTokenExpiresAt = m_clock.nowUtc().addSecs(30);
    row.grantedScopes = {QStringLiteral("openid"), QStringLiteral("profile"),
                         QStringLiteral("offline_access")};
    row.status = Db::ConnectionStatus::Connected;
    row.lastSyncTime = m_clock.nowUtc();
    row.creationTime = m_clock.nowUtc().addSecs(-3600);
    QVERIFY(Db::ConnectionRepository(crm.database()).insert(row).ok());
    // As the connect flow records it.
    Db::ConnectionHistoryEntry connected;
    connected.tenantId = row.tenantId;
    connected.connectionId = row.id;
    connected.toStatus = Db::ConnectionStatus::Connected;
    connected.reason = QStringLiteral("SocialConnectionCreated");
    connected.creationTime = row.creationTime;
    QVERIFY(Db::ConnectionHistoryRepository(crm.database()).append(connected).ok());
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
        if (candidate->text() == u"Open Social Integration")
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

// Every text a widget of `root` shows: labels, buttons, tree cells, the window title.
static QStringList visibleTexts(QWidget &root)
{
    QStringList texts{root.windowTitle()};
    for (const QLabel *label : root.findChildren<QLabel *>())
        texts << label->text() << label->toolTip();
    for (const QAbstractButton *button : root.findChildren<QAbstractButton *>())
        texts << button->text() << button->toolTip();
    for (const QTreeWidget *tree : root.findChildren<QTreeWidget *>()) {
        for (int row = 0; row < tree->topLevelItemCount(); ++row) {
            for (int column = 0; column < tree->columnCount(); ++column)
                texts << tree->topLevelItem(row)->text(column);
        }
    }
    return texts;
}

void TestAppShell::detailsShowTheLifecycleAndNoToken()
{
    insertDueConnection();
    m_shell->session()->controller().reload();
    QPushButton *details =
        m_shell->socialPage().findChild<QPushButton *>(QStringLiteral("detailsButton_sandbox"));
    QVERIFY(details && details->isVisible());
    // A provider never connected has no details to show.
    QVERIFY(!m_shell->socialPage()
                 .findChild<QPushButton *>(QStringLiteral("detailsButton_linkedin"))
                 ->isVisible());

    // 1. A refresh that works, then, an hour later, a grant revoked at the provider.
    m_endpoint.setReply({200, tokenJson(kAccess2, kRefresh2)});
    QVERIFY(sweepAndWait());
    m_clock.advance(3600);
    m_endpoint.setReply({400, errorJson("invalid_grant")});
    QVERIFY(sweepAndWait());
    QCOMPARE(stateText(QStringLiteral("sandbox")), QStringLiteral("Requires Re-auth"));

    // 2. Details, from the row.
    QTest::mouseClick(details, Qt::LeftButton);
    auto *dialog = m_shell->socialPage().findChild<Ui::ConnectionDetailsDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    const auto label = [dialog](const char *name) {
        const auto *found = dialog->findChild<QLabel *>(QString::fromLatin1(name));
        return found ? found->text() : QStringLiteral("<no %1>").arg(QLatin1String(name));
    };
    QCOMPARE(label("detailsTitle"), QStringLiteral("Sandbox"));
    QCOMPARE(label("detailsAccount"), QStringLiteral("@alice (Alice Example)"));
    QCOMPARE(label("detailsState"), QStringLiteral("Requires Re-auth — RefreshTokenRejected"));
    QVERIFY2(label("detailsLastRefresh").endsWith(u" — RefreshTokenRejected:invalid_grant"),
             qPrintable(label("detailsLastRefresh")));
    QVERIFY(label("detailsAccessExpiry") != u"—");

    // Granted versus enabled: the admin enabled mentions.read, the grant does not hold it.
    const auto *scopes = dialog->findChild<QTreeWidget *>(QStringLiteral("detailsScopes"));
    QVERIFY(scopes);
    const auto scopeRow = [scopes](const QString &scope) {
        const auto found = scopes->findItems(scope, Qt::MatchExactly, 0);
        return found.size() == 1 ? QStringList{found[0]->text(1), found[0]->text(2)}
                                 : QStringList{};
    };
    QCOMPARE(scopeRow(QStringLiteral("profile")), QStringList({u"Yes"_qs, u"Yes"_qs}));
    QCOMPARE(scopeRow(QStringLiteral("mentions.read")), QStringList({u"Yes"_qs, u"No"_qs}));

    // History, newest first: what, when, why, the provider's error code.
    const auto *history = dialog->findChild<QTreeWidget *>(QStringLiteral("detailsHistory"));
    QVERIFY(history);
    QCOMPARE(history->topLevelItemCount(), 2);
    const QTreeWidgetItem *degraded = history->topLevelItem(0);
    QCOMPARE(degraded->text(0), Ui::ConnectionDetailsDialog::timeText(m_clock.nowUtc()));
    QCOMPARE(degraded->text(1), QStringLiteral("Connected → Requires Re-auth"));
    // The reason in words, its code at hand; the provider's code as the provider sent it.
    QCOMPARE(degraded->text(2), QStringLiteral("Refresh token revoked or expired"));
    QCOMPARE(degraded->toolTip(2), QStringLiteral("RefreshTokenRejected"));
    QCOMPARE(degraded->text(3), QStringLiteral("invalid_grant"));
    QCOMPARE(history->topLevelItem(1)->text(1), QStringLiteral("Not Connected → Connected"));
    QCOMPARE(history->topLevelItem(1)->text(2), QStringLiteral("Connected"));

    // 3. Never a token, in clear or protected.
    for (const QString &text : visibleTexts(*dialog)) {
        for (const QByteArray &token : {kAccess1, kRefresh1, kAccess2, kRefresh2})
            QVERIFY2(!text.contains(QString::fromLatin1(token)), qPrintable(text));
        QVERIFY2(!text.contains(u"CfDJ8"), qPrintable(text));
    }
    QVERIFY(!saveScreenshot(*dialog, QStringLiteral("connection-details")).isEmpty());
    dialog->close();
}

QTEST_MAIN(TestAppShell)
#include "tst_appshell.moc"
