#include "app/socialintegrationcontroller.h"

#include "core/common/providercatalogue.h"
#include "core/service/connectionservice.h"
#include "models/providerlistmodel.h"
#include "ui/socialintegrationpage.h"

#include <QMessageBox>

namespace EasyCrm::App {

SocialIntegrationController::SocialIntegrationController(ConnectionService *service,
                                                         Models::ProviderListModel *model,
                                                         Ui::SocialIntegrationPage *page,
                                                         QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_model(model)
    , m_page(page)
{
    m_confirmDisconnect = [page](const QString &name) {
        return QMessageBox::question(
                   page, tr("Disconnect %1").arg(name),
                   tr("Disconnect %1? The CRM stops reading mentions and messages of this "
                      "account until it is connected again.")
                       .arg(name))
               == QMessageBox::Yes;
    };

    using Page = Ui::SocialIntegrationPage;
    connect(page, &Page::connectRequested, service, &ConnectionService::startConnect);
    connect(page, &Page::reconnectRequested, service, &ConnectionService::startConnect);
    connect(page, &Page::cancelRequested, service, &ConnectionService::cancel);
    connect(page, &Page::disconnectRequested, this,
            &SocialIntegrationController::onDisconnectRequested);

    connect(service, &ConnectionService::authorizeUrlReady, page, &Page::showWaiting);
    connect(service, &ConnectionService::phaseChanged, page,
            [page](FlowPhase phase, const QString &key) {
                if (phase == FlowPhase::Idle)
                    page->clearWaiting();
                else
                    page->showPhase(phase, key);
            });
    connect(service, &ConnectionService::connectSucceeded, this,
            [this](const QString &key, const QString &) {
                m_page->showSuccess(tr("%1 is connected.").arg(providerName(key)));
            });
    connect(service, &ConnectionService::connectFailed, this,
            [this](const QString &, const Error &error) {
                if (error.code == ErrorCode::Cancelled)
                    m_page->showInfo(error.message);
                else
                    m_page->showError(error.message);
            });
    connect(service, &ConnectionService::notice, page,
            [page](const QString &, const QString &message) { page->showInfo(message); });
    connect(service, &ConnectionService::disconnectFinished, this,
            [this](const QString &key, const Error &revocation) {
                if (revocation.isError() && revocation.code != ErrorCode::NotFound) {
                    m_page->showError(tr("%1 was disconnected here, but revoking its access "
                                         "at the provider failed: %2")
                                          .arg(providerName(key), revocation.message));
                } else if (revocation.isError()) {
                    m_page->showError(revocation.message);
                } else {
                    m_page->showSuccess(tr("%1 was disconnected.").arg(providerName(key)));
                }
            });
    connect(service, &ConnectionService::statusesChanged, this,
            &SocialIntegrationController::reload);
    reload();
}

void SocialIntegrationController::reload()
{
    const Result<QList<ProviderStatus>> statuses = m_service->providerStatuses();
    if (!statuses) {
        m_page->showError(statuses.error().message);
        return;
    }
    m_model->setStatuses(statuses.value());
}

void SocialIntegrationController::onDisconnectRequested(const QString &providerKey)
{
    if (m_confirmDisconnect && !m_confirmDisconnect(providerName(providerKey)))
        return;
    m_service->disconnectProvider(providerKey);
}

QString SocialIntegrationController::providerName(const QString &providerKey) const
{
    const ProviderDescriptor *provider = ProviderCatalogue::builtIn().find(providerKey);
    return provider ? provider->displayName : providerKey;
}

} // namespace EasyCrm::App
