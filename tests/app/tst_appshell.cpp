// The app as main() builds it (AppShell on the embedded database): the authorize URL goes to
// the desktop's URL opener, and an opener that finds no browser turns the waiting into the
// "Copy link" fallback instead of a wait that never ends.
#include "app/appshell.h"
#include "app/crmsession.h"
#include "app/passwordstore.h"
#include "core/service/systembrowser.h"
#include "models/translations.h"
#include "ui/mainwindow.h"
#include "ui/socialintegrationpage.h"
#include "ui/theme.h"

#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace EasyCrm;

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

private:
    QPushButton *button(const QString &key) const;
    QString message() const;

    QTemporaryDir m_dir;
    SystemClock m_clock;
    int m_run = 0;
    std::unique_ptr<App::AppShell> m_shell;
};

void TestAppShell::initTestCase()
{
    QVERIFY(m_dir.isValid());
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

QTEST_MAIN(TestAppShell)
#include "tst_appshell.moc"
