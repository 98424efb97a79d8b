#pragma once

#include "core/service/connectionservice.h"

#include <chrono>
#include <memory>

namespace EasyCrm {
class Clock;
class ProviderConfigService;
class RefreshScheduler;
class Workspace;
} // namespace EasyCrm
namespace EasyCrm::Models {
class BrandAccountsModel;
class NotificationsModel;
class ProviderListModel;
} // namespace EasyCrm::Models
namespace EasyCrm::Ui {
class BrandAccountsPage;
class ProviderConfigPage;
class SocialIntegrationPage;
} // namespace EasyCrm::Ui

namespace EasyCrm::App {

class BrandAccountsController;
class ProviderConfigController;
class SocialIntegrationController;

// Everything that belongs to one open CRM database: the workspace, the connection service
// on it, the controller that wires the service to Settings — Social Integration, the refresh
// scheduler that keeps its connections' tokens fresh and the signed-in user's notifications.
// Switching databases replaces the whole session; the models of the pages stay.
class CrmSession final
{
public:
    CrmSession(std::unique_ptr<Workspace> workspace, const Clock &clock,
               Models::ProviderListModel *model, Ui::SocialIntegrationPage *page,
               const ConnectionService::BrowserOpener &opener);
    // Unwires first, then stops the service (a running connect attempt ends), then closes
    // the database.
    ~CrmSession();
    Q_DISABLE_COPY_MOVE(CrmSession)

    Workspace &workspace() { return *m_workspace; }
    ConnectionService &service() { return *m_service; }
    SocialIntegrationController &controller() { return *m_controller; }
    RefreshScheduler &scheduler() { return *m_scheduler; }
    Models::NotificationsModel &notifications() { return *m_notifications; }

    // Hands the workspace over, its database still open, to the session that replaces this
    // one at once (a host administrator acting on another tenant); destroy this one next.
    [[nodiscard]] std::unique_ptr<Workspace> releaseWorkspace();

    // Sweeps now and then every `interval`; after each sweep the provider rows and the
    // notifications are read again, so a change another client made shows up too.
    void startRefreshing(std::chrono::milliseconds interval);
    // Wires Settings — Social Integration — Brand Accounts to this session's service; its
    // rows are read again after every sweep too.
    void attachBrandAccounts(Models::BrandAccountsModel *model, Ui::BrandAccountsPage *page);
    // Null until attachBrandAccounts().
    BrandAccountsController *brandController() { return m_brandController.get(); }
    // Opens the details of `providerKey`'s connection over the page.
    void showDetails(const QString &providerKey);

    // Settings — Social Integration — Providers on this database, for an admin who may
    // configure providers: a saved configuration reloads Social Integration at once.
    void attachProviderPage(Ui::ProviderConfigPage *page);
    // Null until attachProviderPage().
    ProviderConfigService *providerService() { return m_providerService.get(); }
    ProviderConfigController *providerController() { return m_providerController.get(); }

private:
    const Clock &m_clock;
    Models::ProviderListModel *m_model;
    Ui::SocialIntegrationPage *m_page;
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<ConnectionService> m_service;
    std::unique_ptr<SocialIntegrationController> m_controller;
    std::unique_ptr<BrandAccountsController> m_brandController;
    std::unique_ptr<Models::NotificationsModel> m_notifications;
    std::unique_ptr<RefreshScheduler> m_scheduler;
    std::unique_ptr<ProviderConfigService> m_providerService;
    std::unique_ptr<ProviderConfigController> m_providerController;
};

} // namespace EasyCrm::App
