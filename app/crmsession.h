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
class NotificationsModel;
class ProviderListModel;
} // namespace EasyCrm::Models
namespace EasyCrm::Ui {
class ProviderConfigPage;
class SocialIntegrationPage;
} // namespace EasyCrm::Ui

namespace EasyCrm::App {

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

    // Sweeps now and then every `interval`; after each sweep the provider rows and the
    // notifications are read again, so a change another client made shows up too.
    void startRefreshing(std::chrono::milliseconds interval);
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
    std::unique_ptr<Models::NotificationsModel> m_notifications;
    std::unique_ptr<RefreshScheduler> m_scheduler;
    std::unique_ptr<ProviderConfigService> m_providerService;
    std::unique_ptr<ProviderConfigController> m_providerController;
};

} // namespace EasyCrm::App
