// Settings — Social Integration — Brand Accounts as an admin uses it: the app as main()
// builds it (AppShell on the embedded database) against the real Sandbox provider, its real
// sign-in and consent pages answered by the scripted browser. Two brand accounts are added
// through the page (as alice and as bob), one is degraded by a real refresh sweep after the
// Sandbox revoked its grant, then reconnected, the other disconnected (revoked at the
// Sandbox) and removed, each confirmation answered in its real dialog. The database must
// hold what the CRM server expects: OwnerUserId NULL, BrandAccountId set, an audit entry per
// action. The README's screenshots of the page and of the add dialog come from this test.
#include "app/appshell.h"
#include "app/crmsession.h"
#include "app/passwordstore.h"
#include "core/db/database.h"
#include "core/service/crmcontract.h"
#include "core/service/refreshscheduler.h"
#include "core/service/workspace.h"
#include "models/translations.h"
#include "tests/support/sandboxserver.h"
#include "tests/support/scriptedbrowser.h"
#include "tests/ui/screenshot.h"
#include "ui/addbrandaccountdialog.h"
#include "ui/brandaccountrow.h"
#include "ui/brandaccountspage.h"
#include "ui/mainwindow.h"
#include "ui/notificationspanel.h"
#include "ui/socialintegrationpage.h"
#include "ui/theme.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

namespace {

constexpr int kFlowTimeoutMs = 30000;
// Tokens due for refresh at once (the Sandbox's lead is 60 s), so one sweep finds them.
const QStringList kSandboxArguments{QStringLiteral("--access-token-ttl"), QStringLiteral("30")};
// The README shows these; a path of the test's temporary directory would change every run.
const QString kStatusLine = QStringLiteral("crm.sqlite — signed in as admin (Local)");

} // namespace

class TestBrandAccountsApp final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void thePageSitsUnderSocialIntegrationForWhoMayUseIt();
    void addReconnectDisconnectRemove();

private:
    [[nodiscard]] bool add(const QString &name, const QString &login, bool screenshot = false);
    // Answers the next question box with Yes; its text lands in `asked`.
    void answerNextQuestion(QString *asked);
    [[nodiscard]] int count(const QString &table, const QString &where = {});
    Ui::BrandAccountRow *row(const QString &name) const;
    QPushButton *rowButton(const QString &name, const char *button) const;
    QString stateText(const QString &name) const;
    QString message() const;
    Ui::BrandAccountsPage &page() { return m_shell->brandPage(); }

    SandboxServer m_sandbox;
    QTemporaryDir m_dir;
    SystemClock m_clock;
    int m_run = 0;
    std::unique_ptr<ScriptedBrowser> m_browser;
    std::unique_ptr<App::AppShell> m_shell;
};

void TestBrandAccountsApp::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_sandbox.start(kSandboxArguments), qPrintable(m_sandbox.errorString()));
    QCoreApplication::setOrganizationName(QStringLiteral("EasyCRM-Test"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_brandaccountsapp"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                       m_dir.filePath(QStringLiteral("config")));
    QVERIFY(Models::installTranslations(*qApp, QLocale::c()));
    Ui::Theme::applyAppearance(*qApp);
}

void TestBrandAccountsApp::init()
{
    App::AppShell::Options options;
    options.embeddedPath = m_dir.filePath(QStringLiteral("crm-%1.sqlite").arg(++m_run));
    options.sandbox.issuer = m_sandbox.issuer();
    options.refreshInterval = std::chrono::hours(1); // this test sweeps when it wants
    m_shell =
        std::make_unique<App::AppShell>(m_clock, std::make_unique<App::NoPasswordStore>(), options);
    m_browser = std::make_unique<ScriptedBrowser>();
    m_shell->setBrowserOpener(m_browser->opener());
    const Result<void> opened = m_shell->openEmbedded();
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().detail));
    m_shell->window().resize(1040, 720);
    m_shell->window().setStatusText(kStatusLine);
    m_shell->window().show();
    QVERIFY(QTest::qWaitForWindowExposed(&m_shell->window()));
}

void TestBrandAccountsApp::cleanup()
{
    m_shell.reset();
    m_browser.reset();
}

int TestBrandAccountsApp::count(const QString &table, const QString &where)
{
    QSqlQuery query(m_shell->session()->workspace().database().handle());
    const QString sql = u"SELECT COUNT(*) FROM \""_qs + table + u"\""_qs +
                        (where.isEmpty() ? QString() : u" WHERE "_qs + where);
    if (!query.exec(sql) || !query.next())
        return -1;
    return query.value(0).toInt();
}

Ui::BrandAccountRow *TestBrandAccountsApp::row(const QString &name) const
{
    for (Ui::BrandAccountRow *candidate : m_shell->brandPage().rows()) {
        if (candidate->accountName() == name)
            return candidate;
    }
    return nullptr;
}

QPushButton *TestBrandAccountsApp::rowButton(const QString &name, const char *button) const
{
    Ui::BrandAccountRow *found = row(name);
    return found ? found->findChild<QPushButton *>(QString::fromLatin1(button)) : nullptr;
}

QString TestBrandAccountsApp::stateText(const QString &name) const
{
    Ui::BrandAccountRow *found = row(name);
    const auto *label = found ? found->findChild<QLabel *>(QStringLiteral("stateLabel")) : nullptr;
    return label ? label->text() : QStringLiteral("<no row %1>").arg(name);
}

QString TestBrandAccountsApp::message() const
{
    for (QLabel *label : m_shell->brandPage().findChildren<QLabel *>(u"messageText"_qs)) {
        if (label->window() == &m_shell->window())
            return label->isVisible() ? label->text() : QString();
    }
    return {};
}

bool TestBrandAccountsApp::add(const QString &name, const QString &login, bool screenshot)
{
    m_browser->setArguments({QStringLiteral("--login"), login, QStringLiteral("--decision"),
                             QStringLiteral("approve")});
    auto *addButton = page().findChild<QPushButton *>(QStringLiteral("addBrandAccountButton"));
    if (!addButton || !addButton->isVisible() || !addButton->isEnabled())
        return false;
    QTest::mouseClick(addButton, Qt::LeftButton);
    Ui::AddBrandAccountDialog *dialog = page().addDialog();
    if (!dialog || !QTest::qWaitForWindowExposed(dialog))
        return false;
    QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("brandNameEdit")), name);
    if (dialog->providerKey() != u"sandbox")
        return false;
    if (screenshot &&
        saveScreenshot(*dialog, QStringLiteral("add-brand-account"), readmeScreenshotDirectory())
            .isEmpty())
        return false;
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("connectBrandButton")),
                      Qt::LeftButton);
    return QTest::qWaitFor(
        [this, &name] {
            const Ui::BrandAccountRow *added = row(name);
            return !page().addDialog() && added && added->isVisible();
        },
        kFlowTimeoutMs);
}

void TestBrandAccountsApp::answerNextQuestion(QString *asked)
{
    auto *timer = new QTimer(this);
    timer->setInterval(10);
    connect(timer, &QTimer::timeout, this, [timer, asked] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        *asked = box->text();
        box->button(QMessageBox::Yes)->click();
        timer->stop();
        timer->deleteLater();
    });
    timer->start();
}

void TestBrandAccountsApp::thePageSitsUnderSocialIntegrationForWhoMayUseIt()
{
    // The embedded database's administrator holds every SocialCrm permission.
    QVERIFY(
        m_shell->session()->workspace().user().isGranted(Contract::kPermissionUseBrandAccounts));
    QVERIFY(m_shell->window().isPageVisible(&page()));
    const auto *navigation = m_shell->window().findChild<QListWidget *>(u"navigationList"_qs);
    QVERIFY(navigation);
    QCOMPARE(navigation->item(0)->text(), QStringLiteral("Social Integration"));
    QCOMPARE(navigation->item(1)->text(), QStringLiteral("Brand Accounts"));
    QVERIFY(page().canManage());

    // A new tenant: no brand accounts yet, and the page says what they are for.
    m_shell->window().showPage(&page());
    const auto *empty = page().findChild<QWidget *>(QStringLiteral("brandEmptyState"));
    QVERIFY(empty && empty->isVisible());
}

void TestBrandAccountsApp::addReconnectDisconnectRemove()
{
    m_shell->window().showPage(&page());

    // 1. Two brand accounts, one signed in as alice, one as bob.
    QVERIFY(add(QStringLiteral("Acme News"), QStringLiteral("alice"), true));
    QCOMPARE(message(), QStringLiteral("\"Acme News\" is connected as @alice."));
    QVERIFY(add(QStringLiteral("Acme Support"), QStringLiteral("bob")));
    QCOMPARE(message(), QStringLiteral("\"Acme Support\" is connected as @bob."));
    QCOMPARE(m_browser->openCount(), 2);
    QCOMPARE(stateText(u"Acme News"_qs),
             QStringLiteral("Connected as @alice. Last sync: just now."));
    QCOMPARE(stateText(u"Acme Support"_qs),
             QStringLiteral("Connected as @bob. Last sync: just now."));
    // As the CRM server reads them: the tenant's, no owner user, a brand account each.
    QCOMPARE(count(u"SocialCrmBrandAccounts"_qs), 2);
    QCOMPARE(count(u"SocialCrmIntegrationConnections"_qs,
                   u"\"OwnerUserId\" IS NULL AND \"BrandAccountId\" IS NOT NULL AND "
                   u"\"ProviderKey\" = 'sandbox' AND \"Status\" = 1"_qs),
             2);
    QCOMPARE(count(u"SocialCrmIntegrationConnections"_qs,
                   u"\"ExternalHandle\" IN ('alice', 'bob') AND \"ProtectedAccessToken\" LIKE "
                   u"'CfDJ8%' AND \"BrandAccountId\" IN (SELECT \"Id\" FROM "
                   u"\"SocialCrmBrandAccounts\")"_qs),
             2);
    QCOMPARE(count(u"AbpAuditLogActions"_qs, u"\"MethodName\" = 'SocialConnectionCreated' AND "
                                             u"\"Parameters\" LIKE '%brandAccountId%'"_qs),
             2);
    // The admin's own Sandbox connection is not among them.
    QCOMPARE(m_shell->socialPage().findChild<QLabel *>(u"stateLabel_sandbox"_qs)->text(),
             QStringLiteral("Not Connected"));

    // 2. The Sandbox ends bob's grant; the next refresh sweep finds out and the page shows it
    //    without being asked.
    QVERIFY(m_sandbox.revokeGrants(QStringLiteral("bob")));
    RefreshScheduler &scheduler = m_shell->session()->scheduler();
    QSignalSpy swept(&scheduler, &RefreshScheduler::sweepFinished);
    scheduler.sweep();
    QVERIFY(swept.wait(kFlowTimeoutMs));
    QTRY_COMPARE(stateText(u"Acme Support"_qs), QStringLiteral("Requires Re-auth"));
    QCOMPARE(row(u"Acme Support"_qs)->findChild<QLabel *>(u"reasonLabel"_qs)->text(),
             QStringLiteral("Sandbox no longer accepts the stored refresh token: it was "
                            "revoked or it expired."));
    QCOMPARE(stateText(u"Acme News"_qs),
             QStringLiteral("Connected as @alice. Last sync: just now."));
    // Its notification leads to this page, where Reconnect is.
    m_shell->window().showPage(&m_shell->notificationsPanel());
    QAbstractItemView *notifications = m_shell->notificationsPanel().view();
    QCOMPARE(notifications->model()->rowCount(), 1);
    QCOMPARE(notifications->model()->index(0, 0).data().toString(),
             QStringLiteral("Your Sandbox connection needs re-authentication"));
    emit notifications->activated(notifications->model()->index(0, 0));
    QCOMPARE(m_shell->window().currentPage(), &page());
    QPushButton *reconnect = rowButton(u"Acme Support"_qs, "reconnectButton");
    QTRY_VERIFY(reconnect && reconnect->isVisible());
    page().findChild<QWidget *>(u"messageStrip"_qs)->hide();
    QVERIFY(!saveScreenshot(m_shell->window(), QStringLiteral("brand-accounts"),
                            readmeScreenshotDirectory())
                 .isEmpty());

    // 3. Reconnect, in place, as the same identity.
    const int connections = count(u"SocialCrmIntegrationConnections"_qs);
    m_browser->setArguments({QStringLiteral("--login"), QStringLiteral("bob"),
                             QStringLiteral("--decision"), QStringLiteral("approve")});
    QTest::mouseClick(reconnect, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(
        message(), QStringLiteral("\"Acme Support\" is connected again as @bob."), kFlowTimeoutMs);
    QCOMPARE(stateText(u"Acme Support"_qs),
             QStringLiteral("Connected as @bob. Last sync: just now."));
    QCOMPARE(count(u"SocialCrmIntegrationConnections"_qs), connections);
    QCOMPARE(count(u"AbpAuditLogActions"_qs,
                   u"\"MethodName\" = 'SocialConnectionReconnected' AND \"Parameters\" LIKE "
                   u"'%brandAccountId%'"_qs),
             1);

    // 4. Disconnect, confirmed in its dialog: revoked at the Sandbox, tokens gone.
    QVERIFY(m_sandbox.resetStats());
    QString asked;
    answerNextQuestion(&asked);
    QTest::mouseClick(rowButton(u"Acme News"_qs, "disconnectButton"), Qt::LeftButton);
    QVERIFY2(asked.startsWith(u"Disconnect \"Acme News\"?"), qPrintable(asked));
    QTRY_COMPARE_WITH_TIMEOUT(message(), QStringLiteral("\"Acme News\" was disconnected."),
                              kFlowTimeoutMs);
    QCOMPARE(m_sandbox.stats().value(u"revocation").toInt(), 1);
    QTRY_COMPARE(stateText(u"Acme News"_qs), QStringLiteral("Not Connected"));
    QCOMPARE(count(u"SocialCrmIntegrationConnections"_qs,
                   u"\"ExternalHandle\" = 'alice' AND \"Status\" = 0 AND "
                   u"COALESCE(\"ProtectedAccessToken\", '') = '' AND "
                   u"COALESCE(\"ProtectedRefreshToken\", '') = ''"_qs),
             1);
    QCOMPARE(count(u"AbpAuditLogActions"_qs, u"\"MethodName\" = 'SocialConnectionRevoked'"_qs), 1);

    // 5. Remove, once disconnected, confirmed in its dialog.
    QPushButton *remove = rowButton(u"Acme News"_qs, "removeButton");
    QTRY_VERIFY(remove && remove->isVisible());
    answerNextQuestion(&asked);
    QTest::mouseClick(remove, Qt::LeftButton);
    QVERIFY2(asked.startsWith(u"Remove the brand account \"Acme News\""), qPrintable(asked));
    QCOMPARE(message(), QStringLiteral("\"Acme News\" was removed."));
    QTRY_VERIFY(!row(u"Acme News"_qs));
    QVERIFY(row(u"Acme Support"_qs));
    QCOMPARE(count(u"SocialCrmBrandAccounts"_qs), 1);
    QCOMPARE(count(u"SocialCrmIntegrationConnections"_qs), 1);
    QCOMPARE(count(u"AbpAuditLogActions"_qs, u"\"MethodName\" = 'SocialBrandAccountRemoved'"_qs),
             1);
}

QTEST_MAIN(TestBrandAccountsApp)
#include "tst_brandaccountsapp.moc"
