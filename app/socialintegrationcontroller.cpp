#include "app/socialintegrationcontroller.h"

#include "app/servicerouter.h"
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

    // The service is shared with Brand Accounts: only this page's attempts come back here.
    m_channel = &ServiceRouter::of(*service).channel(ServiceRouter::Side::Own);
    using Page = Ui::SocialIntegrationPage;
    connect(page, &Page::connectRequested, this, &SocialIntegrationController::startConnect);
    connect(page, &Page::reconnectRequested, this, &SocialIntegrationController::startConnect);
    connect(page, &Page::cancelRequested, service, &ConnectionService::cancel);
    connect(page, &Page::disconnectRequested, this,
            &SocialIntegrationController::onDisconnectRequested);

    connect(m_channel, &ServiceChannel::authorizeUrlReady, page, &Page::showWaiting);
    connect(m_channel, &ServiceChannel::phaseChanged, page,
            [page](FlowPhase phase, const QString &key) {
                if (phase == FlowPhase::Idle)
                    page->clearWaiting();
                else
                    page->showPhase(phase, key);
            });
    connect(m_channel, &ServiceChannel::otherAttemptChanged, page, &Page::setOtherAttemptRunning);
    // A page outlives its session: what the previous service ran is nothing to wait for.
    page->setOtherAttemptRunning(m_channel->otherAttemptRunning());
    connect(m_channel, &ServiceChannel::connectSucceeded, this,
            [this](const QString &key, const QString &) {
                m_page->showSuccess(tr("%1 is connected.").arg(providerName(key)));
            });
    connect(m_channel, &ServiceChannel::connectFailed, this,
            [this](const QString &, const Error &error) {
                if (error.code == ErrorCode::Cancelled)
                    m_page->showInfo(error.message);
                else
                    m_page->showError(error.message);
            });
    connect(m_channel, &ServiceChannel::notice, page,
            [page](const QString &, const QString &message) { page->showInfo(message); });
    connect(m_channel, &ServiceChannel::disconnectFinished, this,
            [this](const QString &name, const Error &revocation) {
                if (revocation.isError() && revocation.code != ErrorCode::NotFound) {
                    m_page->showError(tr("%1 was disconnected here, but revoking its access "
                                         "at the provider failed: %2")
                                          .arg(name, revocation.message));
                } else if (revocation.isError()) {
                    m_page->showError(revocation.message);
                } else {
                    m_page->showSuccess(tr("%1 was disconnected.").arg(name));
                }
            });
    connect(m_channel, &ServiceChannel::disconnectFailed, this,
            [this](const QString &, const Error &error) { m_page->showError(error.message); });
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

void SocialIntegrationController::startConnect(const QString &providerKey)
{
    m_channel->request([this, &providerKey] { m_service->startConnect(providerKey); });
}

void SocialIntegrationController::onDisconnectRequested(const QString &providerKey)
{
    const QString name = providerName(providerKey);
    if (m_confirmDisconnect && !m_confirmDisconnect(name))
        return;
    m_channel->requestDisconnect(
        providerKey, name, [this, &providerKey] { m_service->disconnectProvider(providerKey); });
}

QString SocialIntegrationController::providerName(const QString &providerKey) const
{
    const ProviderDescriptor *provider = ProviderCatalogue::builtIn().find(providerKey);
    return provider ? provider->displayName : providerKey;
}

} // namespace EasyCrm::App
