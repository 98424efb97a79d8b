#include "app/appshell.h"

#include "app/applogging.h"
#include "app/crmsession.h"
#include "app/databasecontroller.h"
#include "app/passwordstore.h"
#include "app/tenantswitchcontroller.h"
#include "core/service/crmcontract.h"
#include "core/service/refreshscheduler.h"
#include "core/service/systembrowser.h"
#include "models/brandaccountsmodel.h"
#include "models/notificationmodel.h"
#include "models/providerlistmodel.h"
#include "ui/brandaccountspage.h"
#include "ui/databasepage.h"
#include "ui/mainwindow.h"
#include "ui/notificationspanel.h"
#include "ui/providerconfigpage.h"
#include "ui/socialintegrationpage.h"

#include <QApplication>
#include <QDir>
#include <QIdentityProxyModel>
#include <QMenu>
#include <QSettings>
#include <QStyle>
#include <QSystemTrayIcon>

namespace EasyCrm::App {

namespace {

QString signedIn(const SessionUser &user)
{
    if (user.actingOnTenant)
        //: A host administrator working inside a tenant; %2 is the tenant's name.
        return AppShell::tr("Signed in as %1 on the host, acting on tenant %2")
            .arg(user.userName, user.tenantName);
    if (user.tenantName.isEmpty())
        return AppShell::tr("Signed in as %1 on the host").arg(user.userName);
    return AppShell::tr("Signed in as %1 on tenant %2").arg(user.userName, user.tenantName);
}

QString statusLine(const QString &location, const SessionUser &user)
{
    if (user.actingOnTenant)
        //: Status bar: %1 the database, %2 the host user, %3 the tenant everything goes to.
        return AppShell::tr("%1 — signed in as %2 (host), acting on %3")
            .arg(location, user.userName, user.tenantName);
    const QString tenant = user.tenantName.isEmpty() ? AppShell::tr("host") : user.tenantName;
    return AppShell::tr("%1 — signed in as %2 (%3)").arg(location, user.userName, tenant);
}

} // namespace

AppShell::AppShell(const Clock &clock, std::unique_ptr<PasswordStore> passwords,
                   const Options &options, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
    , m_options(options)
    , m_systemBrowser(new SystemBrowser(this))
    , m_browserOpener([browser = m_systemBrowser](const QUrl &url) { return browser->open(url); })
    , m_passwords(std::move(passwords))
    , m_model(std::make_unique<Models::ProviderListModel>(&clock))
    , m_brandModel(std::make_unique<Models::BrandAccountsModel>(&clock))
{
    buildWindow();
    buildTray();
    m_opener = std::make_unique<PostgresOpener>(clock);
    m_opener->setTimeouts(options.timeouts);
    m_opener->setDataProtection(options.protection);
    m_databaseController =
        std::make_unique<DatabaseController>(m_databasePage, m_opener.get(), m_passwords.get());
    connect(m_databaseController.get(), &DatabaseController::postgresOpened, this,
            &AppShell::onPostgresOpened);
    connect(m_databasePage, &Ui::DatabasePage::embeddedRequested, this,
            &AppShell::onEmbeddedRequested);
    m_tenantSwitch = std::make_unique<TenantSwitchController>(this, &m_window->tenantSwitcher());
    // Learnt after open() returned: the attempt is waiting for the browser by then.
    connect(m_systemBrowser, &SystemBrowser::failed, this, [this] {
        if (m_session)
            m_session->service().reportBrowserFailed();
    });
    QSettings settings;
    m_databasePage->setConnection(formFromTarget(loadPostgresTarget(settings)));
}

AppShell::~AppShell()
{
    m_notificationsProxy->setSourceModel(nullptr);
    m_session.reset();
}

void AppShell::buildWindow()
{
    m_window = std::make_unique<Ui::MainWindow>();
    m_socialPage = new Ui::SocialIntegrationPage(m_model.get());
    m_window->addPage(Ui::SocialIntegrationPage::tr("Social Integration"), m_socialPage);
    m_brandPage = new Ui::BrandAccountsPage(m_brandModel.get(), m_model.get());
    m_window->addPage(tr("Brand Accounts"), m_brandPage, Ui::MainWindow::PageLevel::Sub);
    m_window->setPageVisible(m_brandPage, false); // until an open database says who may
    m_providerPage = new Ui::ProviderConfigPage;
    m_window->addPage(tr("Providers"), m_providerPage, Ui::MainWindow::PageLevel::Sub);
    m_window->setPageVisible(m_providerPage, false); // until a signed-in admin may use it
    m_databasePage = new Ui::DatabasePage;
    m_window->addPage(Ui::DatabasePage::tr("Database"), m_databasePage);
    m_databasePage->showCurrentDatabase(tr("No database is open"), {}, {});
    m_notificationsProxy = new QIdentityProxyModel(this);
    m_notificationsPanel = new Ui::NotificationsPanel(m_notificationsProxy);
    m_window->addPage(Ui::NotificationsPanel::tr("Notifications"), m_notificationsPanel);
    connect(m_notificationsPanel, &Ui::NotificationsPanel::openSettingsRequested, this,
            &AppShell::openSocialIntegration);
    connect(m_notificationsPanel, &Ui::NotificationsPanel::markAllReadRequested, this,
            [this] { markNotificationsRead(-1); });
    connect(m_notificationsPanel, &Ui::NotificationsPanel::activated, this, [this](int row) {
        const QUuid connection = m_notificationsProxy->index(row, 0)
                                     .data(Models::NotificationsModel::ConnectionIdRole)
                                     .toUuid();
        markNotificationsRead(row);
        openSettingsFor(connection);
    });
}

// Only where the desktop has a tray: elsewhere the in-app panel is the one place to look.
void AppShell::buildTray()
{
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        return;
    QIcon icon = QApplication::windowIcon();
    if (icon.isNull())
        icon = m_window->style()->standardIcon(QStyle::SP_MessageBoxInformation);
    m_tray = new QSystemTrayIcon(icon, this);
    m_tray->setToolTip(QCoreApplication::applicationName());
    auto *menu = new QMenu(m_window.get());
    menu->addAction(tr("Open Settings — Social Integration"), this,
                    &AppShell::openSocialIntegration);
    m_tray->setContextMenu(menu);
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, &AppShell::openSocialIntegration);
    connect(m_tray, &QSystemTrayIcon::activated, this,
            [this](QSystemTrayIcon::ActivationReason reason) {
                if (reason == QSystemTrayIcon::Trigger)
                    openSocialIntegration();
            });
    m_tray->show();
}

void AppShell::openSocialIntegration()
{
    m_window->showPage(m_socialPage);
    m_window->show();
    m_window->raise();
    m_window->activateWindow();
}

// A brand account's connection is reconnected on Brand Accounts, everything else on Social
// Integration.
void AppShell::openSettingsFor(const QUuid &connectionId)
{
    openSocialIntegration();
    if (m_brandModel->rowOfConnection(connectionId) >= 0 && m_window->isPageVisible(m_brandPage))
        m_window->showPage(m_brandPage);
}

// Each notification is one transition to Requires Re-auth, so announcing each once is
// announcing once per transition however many sweeps see the connection afterwards.
void AppShell::announce(const QList<Db::Notification> &arrived)
{
    for (const Db::Notification &notification : arrived) {
        if (notification.isRead || m_announced.contains(notification.id))
            continue;
        m_announced.insert(notification.id);
        if (m_tray)
            m_tray->showMessage(QCoreApplication::applicationName(), notification.message,
                                QSystemTrayIcon::Warning);
        emit reauthAnnounced(notification.message);
    }
}

// `row` < 0: all of them.
void AppShell::markNotificationsRead(int row)
{
    if (!m_session)
        return;
    Models::NotificationsModel &model = m_session->notifications();
    const Result<void> marked = row < 0 ? model.markAllRead() : model.markRead(row);
    if (!marked)
        m_socialPage->showError(marked.error().message);
}

void AppShell::setBrowserOpener(ConnectionService::BrowserOpener opener)
{
    m_browserOpener = std::move(opener);
}

Result<void> AppShell::openEmbedded()
{
    auto workspace = Workspace::openEmbedded(m_options.embeddedPath, m_clock, m_options.sandbox,
                                             m_options.protection);
    if (!workspace)
        return workspace.error();
    if (Result<void> sandbox = workspace.value()->configureSandbox(m_options.sandbox); !sandbox)
        return sandbox;
    install(std::move(workspace).value());
    showCurrent(tr("Embedded database (SQLite)"), QDir::toNativeSeparators(m_options.embeddedPath));
    return {};
}

void AppShell::showPostgresSignIn(const PostgresTarget &target)
{
    if (!m_session)
        m_socialPage->showInfo(tr("No CRM database is open yet. Sign in on Settings — Database "
                                  "to open one."));
    m_databasePage->setConnection(formFromTarget(target));
    m_window->showPage(m_databasePage);
    //: %1 is a PostgreSQL server and database, such as db.example.com:5432/crm.
    m_databasePage->showInfo(tr("Sign in to EasyCRM to open %1: enter your password, then "
                                "click Connect.")
                                 .arg(target.address()));
    (void)m_databasePage->focusFirstMissing();
}

Result<void> AppShell::actOnTenant(const std::optional<QUuid> &tenantId)
{
    if (!m_session)
        return makeError(ErrorCode::NotFound, tr("No CRM database is open."));
    if (Result<void> acting = m_session->workspace().actOn(tenantId); !acting)
        return acting;
    // The same database and user; the tenant, and with it every part of the session, changes.
    install(m_session->releaseWorkspace());
    showCurrent(m_currentKind, m_currentLocation);
    return {};
}

void AppShell::onPostgresOpened(const PostgresTarget &target)
{
    std::unique_ptr<Workspace> workspace = m_opener->takeWorkspace();
    if (!workspace)
        return;
    const bool firstDatabase = !m_session;
    install(std::move(workspace));
    // Started from the command line: the person came for Social Integration, not the form.
    if (firstDatabase) {
        m_socialPage->showSuccess(tr("%1 is open.").arg(target.address()));
        m_window->showPage(m_socialPage);
    }
    //: %1 is a PostgreSQL server and database, %2 the database user.
    showCurrent(tr("PostgreSQL"), tr("%1 as %2").arg(target.address(), target.user));
}

void AppShell::onEmbeddedRequested()
{
    m_databaseController->cancel();
    if (Result<void> opened = openEmbedded(); !opened) {
        m_databasePage->showConnectError(Ui::DatabasePage::Field::None, opened.error().message);
        return;
    }
    m_databasePage->showOpened(tr("The embedded database is open."));
}

// The old session goes before the new one is wired: a page must never be wired to two
// services, and the old database's connection closes on this thread, where it was opened.
void AppShell::install(std::unique_ptr<Workspace> workspace)
{
    if (m_session) {
        m_socialPage->clearWaiting();
        m_brandPage->clearWaiting();
    }
    m_notificationsProxy->setSourceModel(nullptr);
    m_session.reset();
    m_model->setStatuses({});
    m_brandModel->setStatuses({});
    m_session = std::make_unique<CrmSession>(std::move(workspace), m_clock, m_model.get(),
                                             m_socialPage, m_browserOpener);
    m_session->attachBrandAccounts(m_brandModel.get(), m_brandPage);
    // Who may see brand connections can differ from one database (and user) to the next.
    m_window->setPageVisible(m_brandPage, m_session->workspace().user().isGranted(
                                              Contract::kPermissionUseBrandAccounts));
    m_notificationsProxy->setSourceModel(&m_session->notifications());
    connect(&m_session->notifications(), &Models::NotificationsModel::notificationsArrived, this,
            &AppShell::announce);
    if (m_options.refreshInterval.count() > 0)
        m_session->startRefreshing(m_options.refreshInterval);
    wireProviderPage();
    qCInfo(lcDatabase) << "CRM database switched";
    emit sessionChanged();
}

// Providers is for whoever may configure them on this database; decided again for every
// session, since another database signs in another user.
void AppShell::wireProviderPage()
{
    const bool allowed =
        m_session->workspace().user().isGranted(Contract::kPermissionManageProviders);
    m_window->setPageVisible(m_providerPage, allowed);
    if (allowed)
        m_session->attachProviderPage(m_providerPage);
    else
        m_providerPage->setProviders({});
}

void AppShell::showCurrent(const QString &kind, const QString &location)
{
    m_currentKind = kind;
    m_currentLocation = location;
    const SessionUser &user = m_session->workspace().user();
    m_databasePage->showCurrentDatabase(kind, location, signedIn(user));
    m_window->setStatusText(statusLine(location, user));
}

} // namespace EasyCrm::App
