#include "app/crmsession.h"

#include "app/applogging.h"
#include "app/brandaccountscontroller.h"
#include "app/providerconfigcontroller.h"
#include "app/socialintegrationcontroller.h"
#include "core/common/providercatalogue.h"
#include "core/service/providerconfigservice.h"
#include "core/service/refreshscheduler.h"
#include "core/service/workspace.h"
#include "models/connectiondetails.h"
#include "models/notificationmodel.h"
#include "models/providerlistmodel.h"
#include "ui/connectiondetailsdialog.h"
#include "ui/socialintegrationpage.h"

namespace EasyCrm::App {

CrmSession::CrmSession(std::unique_ptr<Workspace> workspace, const Clock &clock,
                       Models::ProviderListModel *model, Ui::SocialIntegrationPage *page,
                       const ConnectionService::BrowserOpener &opener)
    : m_clock(clock)
    , m_model(model)
    , m_page(page)
    , m_workspace(std::move(workspace))
{
    const ProviderCatalogue &catalogue = ProviderCatalogue::builtIn();
    Db::Database &database = m_workspace->database();
    m_service = std::make_unique<ConnectionService>(database, m_workspace->protector(), catalogue,
                                                    m_workspace->user(), clock);
    m_service->setBrowserOpener(opener);
    m_controller = std::make_unique<SocialIntegrationController>(m_service.get(), model, page);
    QObject::connect(page, &Ui::SocialIntegrationPage::detailsRequested, m_controller.get(),
                     [this](const QString &providerKey) { showDetails(providerKey); });
    const SessionUser &user = m_workspace->user();
    m_notifications =
        std::make_unique<Models::NotificationsModel>(database, user.tenantId, user.userId);
    if (Result<void> loaded = m_notifications->reload(); !loaded)
        qCWarning(lcDatabase) << "Notifications could not be read:" << loaded.error().detail;
    m_scheduler =
        std::make_unique<RefreshScheduler>(database, m_workspace->protector(), catalogue, clock);

    // Reading the database again after a sweep is short work; the refreshes themselves run
    // on the network asynchronously, so the window keeps answering meanwhile.
    QObject::connect(m_scheduler.get(), &RefreshScheduler::sweepFinished, m_controller.get(),
                     [this] {
                         m_controller->reload();
                         if (Result<void> loaded = m_notifications->reload(); !loaded)
                             qCWarning(lcDatabase)
                                 << "Notifications could not be read:" << loaded.error().detail;
                     });
}

CrmSession::~CrmSession()
{
    m_providerController.reset();
    m_providerService.reset();
    m_scheduler.reset();
    m_brandController.reset();
    m_controller.reset();
    m_service.reset();
    m_notifications.reset();
    m_workspace.reset();
}

std::unique_ptr<Workspace> CrmSession::releaseWorkspace()
{
    return std::move(m_workspace);
}

void CrmSession::startRefreshing(std::chrono::milliseconds interval)
{
    m_scheduler->start(interval);
}

void CrmSession::attachBrandAccounts(Models::BrandAccountsModel *model, Ui::BrandAccountsPage *page)
{
    m_brandController = std::make_unique<BrandAccountsController>(
        m_service.get(), m_workspace->database(), model, page);
    QObject::connect(m_scheduler.get(), &RefreshScheduler::sweepFinished, m_brandController.get(),
                     &BrandAccountsController::reload);
}

void CrmSession::showDetails(const QString &providerKey)
{
    const std::optional<ProviderStatus> status = m_model->statusFor(providerKey);
    if (!status || status->connectionId.isNull())
        return;
    const Result<Models::ConnectionDetails> details = Models::loadConnectionDetails(
        m_workspace->database(), ProviderCatalogue::builtIn(), status->connectionId);
    if (!details) {
        m_page->showError(details.error().message);
        return;
    }
    auto *dialog = new Ui::ConnectionDetailsDialog(details.value(), m_page);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void CrmSession::attachProviderPage(Ui::ProviderConfigPage *page)
{
    m_providerController.reset();
    m_providerService = std::make_unique<ProviderConfigService>(
        m_workspace->database(), m_workspace->protector(), ProviderCatalogue::builtIn(),
        m_workspace->user(), m_clock);
    m_providerController =
        std::make_unique<ProviderConfigController>(m_providerService.get(), page);
    // Connect enables or disables on Social Integration as soon as the admin saved.
    QObject::connect(m_providerService.get(), &ProviderConfigService::configurationChanged,
                     m_controller.get(), &SocialIntegrationController::reload);
}

} // namespace EasyCrm::App
