#pragma once

#include "app/postgresopener.h"
#include "app/postgrestarget.h"
#include "core/common/result.h"
#include "core/service/connectionservice.h"
#include "core/service/workspace.h"

#include <QObject>
#include <QSet>
#include <QUuid>

#include <chrono>
#include <memory>
#include <optional>

class QIdentityProxyModel;
class QSystemTrayIcon;

namespace EasyCrm {
class SystemBrowser;
}
namespace EasyCrm::Db {
struct Notification;
}
namespace EasyCrm::Models {
class BrandAccountsModel;
class ProviderListModel;
} // namespace EasyCrm::Models
namespace EasyCrm::Ui {
class BrandAccountsPage;
class DatabasePage;
class MainWindow;
class NotificationsPanel;
class ProviderConfigPage;
class SocialIntegrationPage;
} // namespace EasyCrm::Ui

namespace EasyCrm::App {

class CrmSession;
class DatabaseController;
class PasswordStore;
class TenantSwitchController;

// The app as the person sees it: the window with Settings — Social Integration and
// Settings — Database, and the session of the CRM database open now. Opening another
// database (PostgreSQL from the Database page or the command line, or the embedded one)
// replaces the session: a new workspace, service and controller behind the same pages. So
// does a host administrator choosing another tenant to act on (same database, same user).
class AppShell final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AppShell)

public:
    struct Options
    {
        QString embeddedPath; // the SQLite file "Use the embedded database" opens
        SandboxRegistration sandbox;
        DataProtectionSettings protection;
        PostgresOpener::Timeouts timeouts;
        // How often the open database's connections are swept for due refreshes.
        std::chrono::milliseconds refreshInterval{std::chrono::minutes(1)};
    };

    // `clock` must outlive the shell.
    AppShell(const Clock &clock, std::unique_ptr<PasswordStore> passwords, const Options &options,
             QObject *parent = nullptr);
    ~AppShell() override;

    // How a connect attempt opens the browser (tests script it); applies from the next
    // database opened. The default is systemBrowser().
    void setBrowserOpener(ConnectionService::BrowserOpener opener);
    // The desktop's URL opener; when it finds no browser, the running attempt says so and
    // offers "Copy link" instead of waiting for a browser that never comes.
    SystemBrowser &systemBrowser() { return *m_systemBrowser; }

    // The embedded SQLite database: local, so opened at once.
    [[nodiscard]] Result<void> openEmbedded();
    // Settings — Database filled in with `target` (the command line's --postgres), the focus
    // on what is still missing: the EasyCRM password at least, since a production database
    // is only opened by someone who signs in. Connect does the rest.
    void showPostgresSignIn(const PostgresTarget &target);
    // The open session's user acts on `tenantId` (empty: the host) from now on: a new session
    // with the same user and permissions. Host administrators only (PermissionDenied).
    [[nodiscard]] Result<void> actOnTenant(const std::optional<QUuid> &tenantId);

    Ui::MainWindow &window() { return *m_window; }
    Ui::SocialIntegrationPage &socialPage() { return *m_socialPage; }
    // Offered only to a user holding UseBrandAccounts on the open database.
    Ui::BrandAccountsPage &brandPage() { return *m_brandPage; }
    Ui::DatabasePage &databasePage() { return *m_databasePage; }
    Ui::ProviderConfigPage &providerPage() { return *m_providerPage; }
    Ui::NotificationsPanel &notificationsPanel() { return *m_notificationsPanel; }
    // Null where the desktop has no system tray.
    QSystemTrayIcon *trayIcon() { return m_tray; }
    DatabaseController &databaseController() { return *m_databaseController; }
    PostgresOpener &postgresOpener() { return *m_opener; }
    // The open database's session, or null while none is open.
    CrmSession *session() { return m_session.get(); }

public slots:
    // Brings the window up on Settings — Social Integration, where Reconnect is.
    void openSocialIntegration();

signals:
    // A new database is open and wired; session() is its session.
    void sessionChanged();
    // A connection of the signed-in user went to Requires Re-auth (once per transition); the
    // tray shows `message` where there is one.
    void reauthAnnounced(const QString &message);

private:
    void buildWindow();
    void buildTray();
    void announce(const QList<Db::Notification> &arrived);
    void markNotificationsRead(int row);
    void openSettingsFor(const QUuid &connectionId);
    void install(std::unique_ptr<Workspace> workspace);
    void wireProviderPage();
    void showCurrent(const QString &kind, const QString &location);
    void onPostgresOpened(const PostgresTarget &target);
    void onEmbeddedRequested();

    const Clock &m_clock;
    Options m_options;
    SystemBrowser *m_systemBrowser = nullptr;
    ConnectionService::BrowserOpener m_browserOpener;
    std::unique_ptr<PasswordStore> m_passwords;
    std::unique_ptr<Models::ProviderListModel> m_model;
    std::unique_ptr<Models::BrandAccountsModel> m_brandModel;
    std::unique_ptr<Ui::MainWindow> m_window;
    Ui::SocialIntegrationPage *m_socialPage = nullptr;
    Ui::BrandAccountsPage *m_brandPage = nullptr;
    Ui::ProviderConfigPage *m_providerPage = nullptr;
    Ui::DatabasePage *m_databasePage = nullptr;
    // The panel shows the open session's notifications through this proxy, which follows
    // the session when the database changes.
    QIdentityProxyModel *m_notificationsProxy = nullptr;
    Ui::NotificationsPanel *m_notificationsPanel = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    QSet<QUuid> m_announced;
    std::unique_ptr<PostgresOpener> m_opener;
    std::unique_ptr<DatabaseController> m_databaseController;
    std::unique_ptr<TenantSwitchController> m_tenantSwitch;
    // What showCurrent() last named, for the status after switching tenants.
    QString m_currentKind;
    QString m_currentLocation;
    // Last, so it goes first: it is wired to the pages and the model.
    std::unique_ptr<CrmSession> m_session;
};

} // namespace EasyCrm::App
