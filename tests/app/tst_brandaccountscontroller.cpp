// Brand Accounts and Social Integration on one connection service, as a session wires them:
// the real pages, controllers and service on the embedded database, a scripted provider and
// a browser that follows the redirect. The service runs one attempt at a time for both pages
// and its signals do not say for which: each page must see its own attempts, outcomes and
// disconnects and none of the other's, and hold its actions while the other's attempt runs.
// The service's refusals (the same identity twice, a missing permission, Remove while
// connected) land inline where the person acted.
//
//   page ─► controller ─► ConnectionService ── authorize URL ──► LoopbackBrowser
//   service ── POST /token, GET /me, POST /token/revocation ──► FakeProvider
#include "app/brandaccountscontroller.h"
#include "app/socialintegrationcontroller.h"
#include "core/db/connectionrepository.h"
#include "core/db/database.h"
#include "core/db/entities.h"
#include "core/service/connectionservice.h"
#include "core/service/crmcontract.h"
#include "core/service/workspace.h"
#include "models/brandaccountsmodel.h"
#include "models/providerlistmodel.h"
#include "models/translations.h"
#include "tests/service/fakeprovider.h"
#include "tests/service/loopbackbrowser.h"
#include "ui/addbrandaccountdialog.h"
#include "ui/brandaccountrow.h"
#include "ui/brandaccountspage.h"
#include "ui/connectiondetailsdialog.h"
#include "ui/socialintegrationpage.h"
#include "ui/theme.h"

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

namespace {

constexpr int kFlowTimeoutMs = 10000;
const QByteArray kTokens = R"({"access_token":"brand-access-token-0001",)"
                           R"("refresh_token":"brand-refresh-token-0001",)"
                           R"("token_type":"Bearer","expires_in":3600})";
const QByteArray kApproved = "code=brand-code-0001&state={state}&iss={iss}";
const QString kBusy =
    QStringLiteral("Another connection is in progress. Finish or cancel it first.");

QByteArray profileOf(const char *sub, const char *login)
{
    return QByteArray(R"({"sub":")") + sub + R"(","preferred_username":")" + login +
           R"(","name":"Someone"})";
}

// The strip's text where it shows, else empty.
QString shownMessage(QWidget *root)
{
    for (QLabel *label : root->findChildren<QLabel *>(QStringLiteral("messageText"))) {
        if (label->window() == root->window() && label->isVisible())
            return label->text();
    }
    return {};
}

} // namespace

class TestBrandAccountsController final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void anAddShowsOnlyOnTheBrandPage();
    void theSameIdentityTwiceIsRefusedInTheDialog();
    void aUsersOwnConnectShowsOnlyOnTheSocialPage();
    void aRequestRefusedAsBusyGoesToWhoAsked();
    void disconnectResultsGoToThePageThatAsked();
    void aFailedRevocationIsSaidOnThePageThatAsked();
    void reconnectRepairsInPlace();
    void removeWhileConnectedIsRefusedInline();
    void removeAfterDisconnectRemovesTheAccount();
    void detailsShowTheBrandConnection();
    void withoutManageThereIsNoAddAndTheServiceRefuses();
    void withoutUseNothingIsListed();
    void aNewSessionLeavesNothingHeld();

private:
    void wire(const QSet<QString> &permissions);
    // A new service and controllers behind the same pages, as a database switch does.
    void rewireService();
    // Adds through the dialog as `sub`; true once the dialog has closed on success.
    [[nodiscard]] bool addThroughDialog(const QString &name, const char *sub, const char *login);
    Ui::AddBrandAccountDialog *submitDialog(const QString &name);
    Ui::BrandAccountRow *rowNamed(const QString &name) const;
    QPushButton *rowButton(const QString &name, const char *button) const;
    QPushButton *socialButton() const;
    Db::Database &db() { return m_workspace->database(); }

    QTemporaryDir m_dir;
    SystemClock m_clock;
    int m_run = 0;
    std::unique_ptr<FakeProvider> m_provider;
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<LoopbackBrowser> m_browser;
    std::unique_ptr<ConnectionService> m_service;
    std::unique_ptr<Models::ProviderListModel> m_providers;
    std::unique_ptr<Models::BrandAccountsModel> m_brands;
    std::unique_ptr<Ui::SocialIntegrationPage> m_socialPage;
    std::unique_ptr<Ui::BrandAccountsPage> m_brandPage;
    std::unique_ptr<App::SocialIntegrationController> m_social;
    std::unique_ptr<App::BrandAccountsController> m_brand;
    QSet<QString> m_permissions;
};

void TestBrandAccountsController::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(Models::installTranslations(*qApp, QLocale::c()));
    Ui::Theme::applyAppearance(*qApp);
}

void TestBrandAccountsController::init()
{
    m_provider = std::make_unique<FakeProvider>();
    QVERIFY(m_provider->listen());
    m_provider->script("/token", {200, kTokens});
    m_provider->script("/token/revocation", {200, {}});
    m_provider->script("/me", {200, profileOf("acme-1", "acme")});
    SandboxRegistration registration;
    registration.issuer = m_provider->issuer();
    auto workspace = Workspace::openEmbedded(
        m_dir.filePath(QStringLiteral("crm-%1.sqlite").arg(++m_run)), m_clock, registration);
    QVERIFY2(workspace.ok(), qPrintable(workspace.ok() ? QString() : workspace.error().detail));
    m_workspace = std::move(workspace).value();
    m_browser = std::make_unique<LoopbackBrowser>();
    m_browser->setIssuer(m_provider->issuer());
    m_browser->setVisits({kApproved});
    wire(QSet<QString>(Contract::kSocialCrmPermissions.cbegin(),
                       Contract::kSocialCrmPermissions.cend()));
}

void TestBrandAccountsController::wire(const QSet<QString> &permissions)
{
    m_brand.reset();
    m_social.reset();
    m_brandPage.reset();
    m_socialPage.reset();
    m_service.reset();
    m_providers = std::make_unique<Models::ProviderListModel>(&m_clock);
    m_brands = std::make_unique<Models::BrandAccountsModel>(&m_clock);
    m_socialPage = std::make_unique<Ui::SocialIntegrationPage>(m_providers.get());
    m_brandPage = std::make_unique<Ui::BrandAccountsPage>(m_brands.get(), m_providers.get());
    m_permissions = permissions;
    rewireService();
    m_socialPage->resize(760, 700);
    m_brandPage->resize(760, 700);
    m_socialPage->show();
    m_brandPage->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_brandPage.get()));
}

void TestBrandAccountsController::rewireService()
{
    m_brand.reset();
    m_social.reset();
    m_service.reset();
    SessionUser user = m_workspace->user();
    user.permissions = m_permissions;
    m_service = std::make_unique<ConnectionService>(db(), m_workspace->protector(),
                                                    ProviderCatalogue::builtIn(), user, m_clock);
    m_service->setBrowserOpener(m_browser->opener());
    m_social = std::make_unique<App::SocialIntegrationController>(
        m_service.get(), m_providers.get(), m_socialPage.get());
    m_brand = std::make_unique<App::BrandAccountsController>(m_service.get(), db(), m_brands.get(),
                                                             m_brandPage.get());
    m_social->setConfirmDisconnect([](const QString &) { return true; });
    m_brand->setConfirmDisconnect([](const QString &) { return true; });
    m_brand->setConfirmRemove([](const QString &) { return true; });
}

void TestBrandAccountsController::cleanup()
{
    m_brand.reset();
    m_social.reset();
    m_brandPage.reset();
    m_socialPage.reset();
    m_service.reset();
    m_brands.reset();
    m_providers.reset();
    m_browser.reset();
    m_workspace.reset();
    m_provider.reset();
}

Ui::AddBrandAccountDialog *TestBrandAccountsController::submitDialog(const QString &name)
{
    auto *add = m_brandPage->findChild<QPushButton *>(QStringLiteral("addBrandAccountButton"));
    if (!add || !add->isVisible() || !add->isEnabled())
        return nullptr;
    QTest::mouseClick(add, Qt::LeftButton);
    Ui::AddBrandAccountDialog *dialog = m_brandPage->addDialog();
    if (!dialog)
        return nullptr;
    dialog->findChild<QLineEdit *>(QStringLiteral("brandNameEdit"))->setText(name);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("connectBrandButton")),
                      Qt::LeftButton);
    return dialog;
}

bool TestBrandAccountsController::addThroughDialog(const QString &name, const char *sub,
                                                   const char *login)
{
    m_provider->script("/me", {200, profileOf(sub, login)});
    if (!submitDialog(name))
        return false;
    // Closed, and its row shown (a row added to a visible list shows on the next event loop).
    return QTest::qWaitFor(
        [this, &name] {
            const Ui::BrandAccountRow *row = rowNamed(name);
            return !m_brandPage->addDialog() && row && row->isVisible();
        },
        kFlowTimeoutMs);
}

Ui::BrandAccountRow *TestBrandAccountsController::rowNamed(const QString &name) const
{
    for (Ui::BrandAccountRow *row : m_brandPage->rows()) {
        if (row->accountName() == name)
            return row;
    }
    return nullptr;
}

QPushButton *TestBrandAccountsController::rowButton(const QString &name, const char *button) const
{
    Ui::BrandAccountRow *row = rowNamed(name);
    return row ? row->findChild<QPushButton *>(QString::fromLatin1(button)) : nullptr;
}

QPushButton *TestBrandAccountsController::socialButton() const
{
    return m_socialPage->findChild<QPushButton *>(QStringLiteral("connectButton_sandbox"));
}

void TestBrandAccountsController::anAddShowsOnlyOnTheBrandPage()
{
    m_provider->script("/me", {200, profileOf("acme-1", "acme")});
    Ui::AddBrandAccountDialog *dialog = submitDialog(QStringLiteral("Acme"));
    QVERIFY(dialog);
    // 1. While it runs, the other page starts nothing and shows nothing of it.
    QVERIFY(m_brandPage->isWaiting());
    QVERIFY(!socialButton()->isEnabled());
    QVERIFY(m_socialPage->waitingProviderKey().isEmpty());

    // 2. The outcome: the dialog closes, the page says who is connected.
    QTRY_VERIFY_WITH_TIMEOUT(!m_brandPage->addDialog(), kFlowTimeoutMs);
    QCOMPARE(shownMessage(m_brandPage.get()), QStringLiteral("\"Acme\" is connected as @acme."));
    QCOMPARE(m_brands->rowCount(), 1);
    QCOMPARE(
        rowNamed(QStringLiteral("Acme"))->findChild<QLabel *>(QStringLiteral("stateLabel"))->text(),
        QStringLiteral("Connected as @acme. Last sync: just now."));
    QVERIFY(shownMessage(m_socialPage.get()).isEmpty());
    QVERIFY(socialButton()->isEnabled());
    // The user's own Sandbox connection is another matter: still not connected.
    QCOMPARE(m_socialPage->findChild<QLabel *>(QStringLiteral("stateLabel_sandbox"))->text(),
             QStringLiteral("Not Connected"));
}

void TestBrandAccountsController::theSameIdentityTwiceIsRefusedInTheDialog()
{
    QVERIFY(addThroughDialog(QStringLiteral("Acme"), "acme-1", "acme"));
    m_provider->script("/me", {200, profileOf("acme-1", "acme")});
    Ui::AddBrandAccountDialog *dialog = submitDialog(QStringLiteral("Acme again"));
    QVERIFY(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(!m_brandPage->isWaiting(), kFlowTimeoutMs);

    QVERIFY(m_brandPage->addDialog() && dialog->isVisible());
    QCOMPARE(shownMessage(dialog),
             QStringLiteral("@acme is already connected to the brand account \"Acme\". "
                            "Reconnect that brand account instead of adding the account "
                            "again."));
    QVERIFY(dialog->findChild<QLineEdit *>(QStringLiteral("brandNameEdit"))->isEnabled());
    QCOMPARE(m_brands->rowCount(), 1);
    QVERIFY(shownMessage(m_socialPage.get()).isEmpty());
    dialog->reject();
}

void TestBrandAccountsController::aUsersOwnConnectShowsOnlyOnTheSocialPage()
{
    m_provider->script("/me", {200, profileOf("u-alice", "alice")});
    QTest::mouseClick(socialButton(), Qt::LeftButton);
    auto *add = m_brandPage->findChild<QPushButton *>(QStringLiteral("addBrandAccountButton"));
    QVERIFY(!add->isEnabled());
    QVERIFY(!m_brandPage->isWaiting());

    QTRY_COMPARE_WITH_TIMEOUT(shownMessage(m_socialPage.get()),
                              QStringLiteral("Sandbox is connected."), kFlowTimeoutMs);
    QVERIFY(add->isEnabled());
    QVERIFY(shownMessage(m_brandPage.get()).isEmpty());
    QCOMPARE(m_brands->rowCount(), 0);
}

void TestBrandAccountsController::aRequestRefusedAsBusyGoesToWhoAsked()
{
    m_browser->setVisits({}); // the person never comes back from the browser
    Ui::AddBrandAccountDialog *dialog = submitDialog(QStringLiteral("Acme"));
    QVERIFY(dialog);
    QTRY_COMPARE(m_service->phase(), FlowPhase::WaitingForBrowser);

    // A request that slipped past the disabled button (a notification, a script).
    emit m_socialPage->connectRequested(QStringLiteral("sandbox"));
    QCOMPARE(shownMessage(m_socialPage.get()), kBusy);
    // The running attempt goes on, undisturbed, in its dialog.
    QCOMPARE(m_service->phase(), FlowPhase::WaitingForBrowser);
    QVERIFY(dialog->isWaiting());
    QVERIFY(shownMessage(dialog).isEmpty());
    QVERIFY(!socialButton()->isEnabled());

    // Cancel in the dialog: the dialog says so, the other page is free again.
    auto *waiting = dialog->findChild<QWidget *>(QStringLiteral("waitingPanel"));
    QTest::mouseClick(waiting->findChild<QPushButton *>(QStringLiteral("cancelButton")),
                      Qt::LeftButton);
    QCOMPARE(m_service->phase(), FlowPhase::Idle);
    QCOMPARE(shownMessage(dialog), QStringLiteral("Connecting was cancelled."));
    QCOMPARE(shownMessage(m_socialPage.get()), kBusy); // nothing new there
    QVERIFY(socialButton()->isEnabled());
    dialog->reject();
}

void TestBrandAccountsController::disconnectResultsGoToThePageThatAsked()
{
    QVERIFY(addThroughDialog(QStringLiteral("Acme"), "acme-1", "acme"));
    m_provider->script("/me", {200, profileOf("u-alice", "alice")});
    QTest::mouseClick(socialButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(shownMessage(m_socialPage.get()),
                              QStringLiteral("Sandbox is connected."), kFlowTimeoutMs);
    m_socialPage->findChild<QWidget *>(QStringLiteral("messageStrip"))->hide();

    // 1. The brand account's disconnect: revoked at the provider, said on its page only.
    const int revocations = m_provider->count("/token/revocation");
    QTest::mouseClick(rowButton(QStringLiteral("Acme"), "disconnectButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(shownMessage(m_brandPage.get()),
                              QStringLiteral("\"Acme\" was disconnected."), kFlowTimeoutMs);
    QCOMPARE(m_provider->count("/token/revocation"), revocations + 1);
    QVERIFY(shownMessage(m_socialPage.get()).isEmpty());
    QTRY_COMPARE(
        rowNamed(QStringLiteral("Acme"))->findChild<QLabel *>(QStringLiteral("stateLabel"))->text(),
        QStringLiteral("Not Connected"));
    QCOMPARE(m_socialPage->findChild<QLabel *>(QStringLiteral("stateLabel_sandbox"))->text(),
             QStringLiteral("Connected as @alice. Last sync: just now."));

    // 2. The user's own: on the Social Integration page only.
    QTest::mouseClick(socialButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(shownMessage(m_socialPage.get()),
                              QStringLiteral("Sandbox was disconnected."), kFlowTimeoutMs);
    QCOMPARE(shownMessage(m_brandPage.get()), QStringLiteral("\"Acme\" was disconnected."));
}

// The provider could not revoke: the account is disconnected here all the same, and the page
// says both halves, with the provider's answer, where the person clicked.
void TestBrandAccountsController::aFailedRevocationIsSaidOnThePageThatAsked()
{
    QVERIFY(addThroughDialog(QStringLiteral("Acme"), "acme-1", "acme"));
    m_provider->script("/token/revocation",
                       {503, QByteArray("<html>Service Unavailable</html>"), "text/html"});

    QTest::mouseClick(rowButton(QStringLiteral("Acme"), "disconnectButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(shownMessage(m_brandPage.get()),
                              QStringLiteral("\"Acme\" was disconnected here, but revoking its "
                                             "access at the provider failed: The provider "
                                             "refused the request (HTTP 503)."),
                              kFlowTimeoutMs);
    QCOMPARE(m_provider->count("/token/revocation"), 1);
    QTRY_COMPARE(
        rowNamed(QStringLiteral("Acme"))->findChild<QLabel *>(QStringLiteral("stateLabel"))->text(),
        QStringLiteral("Not Connected"));
    QVERIFY(shownMessage(m_socialPage.get()).isEmpty());
    auto row = Db::ConnectionRepository(db()).findById(m_brands->statuses().first().connectionId);
    QVERIFY(row.ok() && row.value());
    QVERIFY(row.value()->protectedAccessToken.isEmpty());
    QVERIFY(row.value()->protectedRefreshToken.isEmpty());
}

void TestBrandAccountsController::reconnectRepairsInPlace()
{
    QVERIFY(addThroughDialog(QStringLiteral("Acme"), "acme-1", "acme"));
    const BrandAccountStatus added = m_brands->statuses().first();
    // As a refresh sweep leaves it when the provider rejects the refresh token.
    auto row = Db::ConnectionRepository(db()).findById(added.connectionId);
    QVERIFY(row.ok() && row.value());
    Db::IntegrationConnection degraded = *row.value();
    degraded.status = Db::ConnectionStatus::RequiresReauth;
    degraded.statusReason = QStringLiteral("RefreshTokenRejected");
    QVERIFY(Db::ConnectionRepository(db()).update(degraded, degraded.concurrencyStamp).ok());
    m_brand->reload();
    QPushButton *reconnect = rowButton(QStringLiteral("Acme"), "reconnectButton");
    QTRY_VERIFY(reconnect && reconnect->isVisible());

    QTest::mouseClick(reconnect, Qt::LeftButton);
    QVERIFY(!socialButton()->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(shownMessage(m_brandPage.get()),
                              QStringLiteral("\"Acme\" is connected again as @acme."),
                              kFlowTimeoutMs);
    QCOMPARE(m_brands->rowCount(), 1);
    QCOMPARE(m_brands->statuses().first().connectionId, added.connectionId);
    QCOMPARE(m_brands->statuses().first().state, ConnectionState::Connected);
    QVERIFY(shownMessage(m_socialPage.get()).isEmpty());
    QVERIFY(socialButton()->isEnabled());
}

void TestBrandAccountsController::removeWhileConnectedIsRefusedInline()
{
    QVERIFY(addThroughDialog(QStringLiteral("Acme"), "acme-1", "acme"));
    // The row offers no Remove while connected; asked anyway, the service refuses.
    QVERIFY(!rowButton(QStringLiteral("Acme"), "removeButton")->isVisible());
    emit m_brandPage->removeRequested(m_brands->statuses().first().brandAccountId);
    QCOMPARE(shownMessage(m_brandPage.get()),
             QStringLiteral("Disconnect \"Acme\" before removing it."));
    QCOMPARE(m_brands->rowCount(), 1);
}

void TestBrandAccountsController::removeAfterDisconnectRemovesTheAccount()
{
    QVERIFY(addThroughDialog(QStringLiteral("Acme"), "acme-1", "acme"));
    QVERIFY(addThroughDialog(QStringLiteral("Acme Support"), "acme-2", "acmesupport"));
    QTest::mouseClick(rowButton(QStringLiteral("Acme"), "disconnectButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(shownMessage(m_brandPage.get()),
                              QStringLiteral("\"Acme\" was disconnected."), kFlowTimeoutMs);
    QPushButton *remove = rowButton(QStringLiteral("Acme"), "removeButton");
    QTRY_VERIFY(remove && remove->isVisible());

    QTest::mouseClick(remove, Qt::LeftButton);
    QCOMPARE(shownMessage(m_brandPage.get()), QStringLiteral("\"Acme\" was removed."));
    QTRY_VERIFY(!rowNamed(QStringLiteral("Acme")));
    QVERIFY(rowNamed(QStringLiteral("Acme Support")));
    QCOMPARE(m_brands->rowCount(), 1);
}

void TestBrandAccountsController::detailsShowTheBrandConnection()
{
    QVERIFY(addThroughDialog(QStringLiteral("Acme"), "acme-1", "acme"));
    QTest::mouseClick(rowButton(QStringLiteral("Acme"), "detailsButton"), Qt::LeftButton);
    auto *dialog = m_brandPage->findChild<Ui::ConnectionDetailsDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QCOMPARE(dialog->windowTitle(), QStringLiteral("Acme (Sandbox) connection details"));
    QCOMPARE(dialog->findChild<QLabel *>(QStringLiteral("detailsAccount"))->text(),
             QStringLiteral("@acme (Someone)"));
    for (const QLabel *label : dialog->findChildren<QLabel *>()) {
        QVERIFY2(!label->text().contains(u"brand-access-token"), qPrintable(label->text()));
        QVERIFY(!label->text().contains(u"CfDJ8"));
    }
    dialog->close();
}

void TestBrandAccountsController::withoutManageThereIsNoAddAndTheServiceRefuses()
{
    QVERIFY(addThroughDialog(QStringLiteral("Acme"), "acme-1", "acme"));
    QTest::mouseClick(rowButton(QStringLiteral("Acme"), "disconnectButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(rowButton(QStringLiteral("Acme"), "removeButton")->isVisible(),
                             kFlowTimeoutMs);

    // Support staff: they see and repair brand accounts, they do not add or remove them.
    wire({Contract::kPermissionUseBrandAccounts});
    QCOMPARE(m_brands->rowCount(), 1);
    QVERIFY(!m_brandPage->findChild<QPushButton *>(QStringLiteral("addBrandAccountButton"))
                 ->isVisible());
    QVERIFY(!rowButton(QStringLiteral("Acme"), "removeButton")->isVisible());
    QVERIFY(rowButton(QStringLiteral("Acme"), "detailsButton")->isVisible());

    // Asked anyway, the service refuses, and the page says so where the person looks.
    emit m_brandPage->addRequested(QStringLiteral("Sneaky"), QStringLiteral("sandbox"));
    const QString denied =
        QStringLiteral("You do not have the permission to do this. Ask your administrator.");
    QCOMPARE(shownMessage(m_brandPage.get()), denied);
    QVERIFY(!m_brandPage->isWaiting());
    emit m_brandPage->removeRequested(m_brands->statuses().first().brandAccountId);
    QCOMPARE(shownMessage(m_brandPage.get()), denied);
    QCOMPARE(m_brands->rowCount(), 1);
    QCOMPARE(m_browser->openCount(), 1); // only the first add reached a browser
}

void TestBrandAccountsController::withoutUseNothingIsListed()
{
    QVERIFY(addThroughDialog(QStringLiteral("Acme"), "acme-1", "acme"));
    wire({});
    QCOMPARE(m_brands->rowCount(), 0);
    QVERIFY(shownMessage(m_brandPage.get()).isEmpty()); // not an error: not theirs to see
    QVERIFY(!m_brandPage->canManage());
}

void TestBrandAccountsController::aNewSessionLeavesNothingHeld()
{
    m_browser->setVisits({});
    QVERIFY(submitDialog(QStringLiteral("Acme")));
    QTRY_COMPARE(m_service->phase(), FlowPhase::WaitingForBrowser);
    QVERIFY(!socialButton()->isEnabled());

    // Another database is opened: its service ran nothing yet, so nothing is held.
    m_brandPage->clearWaiting();
    m_brandPage->addDialog()->reject();
    rewireService();
    QVERIFY(socialButton()->isEnabled());
    QVERIFY(m_brandPage->findChild<QPushButton *>(QStringLiteral("addBrandAccountButton"))
                ->isEnabled());
}

QTEST_MAIN(TestBrandAccountsController)
#include "tst_brandaccountscontroller.moc"
