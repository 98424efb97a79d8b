#include "app/crmsession.h"

#include "app/socialintegrationcontroller.h"
#include "core/common/providercatalogue.h"
#include "core/service/workspace.h"

namespace EasyCrm::App {

CrmSession::CrmSession(std::unique_ptr<Workspace> workspace, const Clock &clock,
                       Models::ProviderListModel *model, Ui::SocialIntegrationPage *page,
                       const ConnectionService::BrowserOpener &opener)
    : m_workspace(std::move(workspace))
{
    m_service = std::make_unique<ConnectionService>(
        m_workspace->database(), m_workspace->protector(), ProviderCatalogue::builtIn(),
        m_workspace->user(), clock);
    m_service->setBrowserOpener(opener);
    m_controller = std::make_unique<SocialIntegrationController>(m_service.get(), model, page);
}

CrmSession::~CrmSession()
{
    m_controller.reset();
    m_service.reset();
    m_workspace.reset();
}

} // namespace EasyCrm::App
