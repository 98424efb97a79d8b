#pragma once

#include "core/service/connectionservice.h"

#include <memory>

namespace EasyCrm {
class Clock;
class Workspace;
} // namespace EasyCrm
namespace EasyCrm::Models {
class ProviderListModel;
}
namespace EasyCrm::Ui {
class SocialIntegrationPage;
}

namespace EasyCrm::App {

class SocialIntegrationController;

// Everything that belongs to one open CRM database: the workspace, the connection service
// on it and the controller that wires the service to Settings — Social Integration.
// Switching databases replaces the whole session; the model and the pages stay.
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

private:
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<ConnectionService> m_service;
    std::unique_ptr<SocialIntegrationController> m_controller;
};

} // namespace EasyCrm::App
