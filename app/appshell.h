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

class QIdentityProxyModel;
class QSystemTrayIcon;

namespace EasyCrm {
class SystemBrowser;
}
namespace EasyCrm::Db {
struct Notification;
}
namespace EasyCrm::Models {
class ProviderListModel;
}
namespace EasyCrm::Ui {
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

// The app as the person sees it: the window with Settings — Social Integration and
// Settings — Database, and the session of the CRM database open now. Opening another
// database (PostgreSQL from the Database page or the command line, or the embedded one)
// replaces the session: a new workspace, service and controller behind the same pages.
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
    // Starts opening a PostgreSQL database off the UI thread, with the keychain's password
    // if there is one; the Database page shows the progress and the outcome.
    void openPostgres(const PostgresTarget &target);

    Ui::MainWindow &window() { return *m_window; }
    Ui::SocialIntegrationPage &socialPage() { return *m_socialPage; }
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
    std::unique_ptr<Ui::MainWindow> m_window;
    Ui::SocialIntegrationPage *m_socialPage = nullptr;
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
    // Last, so it goes first: it is wired to the pages and the model.
    std::unique_ptr<CrmSession> m_session;
};

} // namespace EasyCrm::App
